"""The channel dashboard in the Wagtail admin: Analytics → Channel dashboard."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.charts import EXPORT_FORMATS, export_response
from partner_portal.partners.permissions import partner_permission_policy

from . import sections
from .router import analytics_reads
from .scope import DashboardFilters


def may_see_dashboard(user) -> bool:
    """Staff who may see partners: program managers all, account managers theirs."""
    return user.is_staff and partner_permission_policy.user_has_permission(user, "view")


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "analytics/dashboard.html"
    page_title = gettext_lazy("Channel dashboard")
    header_icon = "view"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def dispatch(self, request, *args, **kwargs):
        if not may_see_dashboard(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        query = request.GET.copy()
        export_id = query.pop("export", [None])[-1]
        fmt = query.pop("format", [None])[-1]
        form = DashboardFilters(query or None, user=request.user)
        scope = form.scope()
        only = export_id.split("-", 1)[0] if export_id else None
        with analytics_reads():
            built = sections.build(scope, only=only)
        if export_id:
            return _export(built, export_id, fmt)
        filters = urlencode(
            [(key, value) for key, value in query.items() if value], doseq=False
        )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                scope=scope,
                sections=built,
                export_url=f"{request.path}?{filters}" if filters else request.path,
            )
        )


def _export(built, export_id: str, fmt: str | None):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    for section in built:
        item = section.exportable(export_id)
        if item is None:
            continue
        # A table has a chart's `id` and `table()`: one export for both.
        return export_response(item, fmt)
    raise Http404
