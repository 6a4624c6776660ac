"""Settings → Search status: what waits for the index, what failed and why, and on
request how far the index has drifted from the database."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from elasticsearch.exceptions import ApiError, TransportError

from ..client import get_client, search_state
from ..drift import EXAMPLES, index_drift
from ..selectors import outbox_summary

STATUS_PERMISSION = "search.view_outboxentry"


class SearchStatusView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "search/admin/status.html"
    header_icon = "search"
    page_title = gettext_lazy("Search status")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(STATUS_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            outbox=outbox_summary(),
            uses_elasticsearch=get_client() is not None,
            examples=EXAMPLES,
            **kwargs,
        )
        if context["uses_elasticsearch"]:
            context["state"] = search_state()
            # Comparing reads every row and document: only when asked.
            if "drift" in self.request.GET:
                try:
                    context["drift"] = index_drift()
                except (TransportError, ApiError):
                    context["drift_failed"] = True
        return context
