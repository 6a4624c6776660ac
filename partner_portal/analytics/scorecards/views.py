"""Partner scorecards: for staff under Analytics → Partner scorecards, and for a
partner's own admin in the portal (/company/scorecard/, always their own partner).

A partner outside the viewer's reach answers 404, as do other partner roles and a
partner without partner access (suspended, terminated).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.charts import EXPORT_FORMATS, export_response
from partner_portal.partners.access import partner_with_access
from partner_portal.partners.models import Role
from partner_portal.partners.permissions import partners_visible_to
from partner_portal.partners.selectors import membership_for

from ..router import analytics_reads
from ..views import may_see_dashboard
from . import scorecard

PAGE_SIZE = 50


def _export(request, card):
    """The download `?export=<id>&format=csv|xlsx` asks for, or None."""
    export_id, fmt = request.GET.get("export"), request.GET.get("format")
    if not export_id:
        return None
    item = card.exportable(export_id)
    if item is None or fmt not in EXPORT_FORMATS:
        raise Http404
    # A table has a chart's `id` and `table()`: one export for both.
    return export_response(item, fmt)


class _StaffMixin(WagtailAdminTemplateMixin):
    header_icon = "view"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_dashboard(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScorecardListView(_StaffMixin, TemplateView):
    """The partners the user may see (an account manager: theirs), each linking to
    its scorecard; `q` finds them by name."""

    template_name = "analytics/scorecards/index.html"
    page_title = gettext_lazy("Partner scorecards")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()
        partners = partners_visible_to(self.request.user).select_related("tier")
        if query:
            partners = partners.filter(
                Q(name__icontains=query) | Q(legal_name__icontains=query)
            )
        page = Paginator(partners.order_by("name", "pk"), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(page=page, query=query, **kwargs)


class ScorecardView(_StaffMixin, TemplateView):
    template_name = "analytics/scorecards/detail.html"

    def get_page_title(self):
        return _("Scorecard: %(partner)s") % {"partner": self.partner.name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("analytics_scorecards"), "label": _("Partner scorecards")},
            {"url": "", "label": self.partner.name},
        ]

    def get(self, request, pk):
        self.partner = get_object_or_404(
            partners_visible_to(request.user).select_related("tier"), pk=pk
        )
        with analytics_reads():
            card = scorecard(request.user, self.partner, timezone.localdate())
        if exported := _export(request, card):
            return exported
        return self.render_to_response(
            self.get_context_data(card=card, export_url=request.path)
        )


@login_required
def portal_scorecard(request):
    """The partner admin's own scorecard; anyone else a 404."""
    partner = partner_with_access(request.user)
    if partner is None or membership_for(request.user).role != Role.ADMIN:
        raise Http404
    with analytics_reads():
        card = scorecard(request.user, partner, timezone.localdate())
    if exported := _export(request, card):
        return exported
    return render(
        request,
        "portal/scorecard.html",
        {"card": card, "partner": partner, "export_url": request.path},
    )
