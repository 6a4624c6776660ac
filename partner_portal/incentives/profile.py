"""A partner's sales and sales imports in the partner's 360 view in the admin
(registered in AppConfig.ready(); see `partners.profile_sections`)."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.profile_sections import RECENT, may_view

from .charts import revenue_charts
from .models import SalesRecord, SalesSource


def _lines(user, partner):
    return partner_owned.policy_for(SalesRecord).rows_of(user, partner)


def sales_section(user, partner) -> dict | None:
    """A revenue chart per currency over the last 12 months and the latest lines,
    in two queries; None for a user without the view permission on sales."""
    if not may_view(user, SalesRecord):
        return None
    lines = _lines(user, partner)
    query = f"?partner={partner.pk}"
    return {
        "charts": revenue_charts(lines, timezone.localdate()),
        "lines": list(
            lines.order_by("-date", "-invoice_number", "-line_number")[:RECENT]
        ),
        "all_url": reverse("incentives_salesrecord:index") + query,
        "report_url": reverse("sales_by_month_report") + query,
    }


def imports_activity(user, partner) -> dict | None:
    """The latest sales imports that wrote lines of the partner, with how many of
    its lines each holds, in two queries; None without the view permission on
    sales. Only sales imports record which partners they touched: imports of
    partners, awards and assets do not, so they are not listed."""
    if not may_view(user, SalesRecord):
        return None
    # Source ids grow with time (imports append), so the highest are the latest.
    counts = list(
        _lines(user, partner)
        .order_by()
        .values("source_id")
        .annotate(lines=Count("id"))
        .order_by("-source_id")[:RECENT]
    )
    sources = SalesSource.objects.select_related("created_by").in_bulk(
        [row["source_id"] for row in counts]
    )
    may_open = user.has_perm("incentives.view_salessource")
    return {
        "imports": [
            {
                "source": sources[row["source_id"]],
                "lines": row["lines"],
                "label": _source_label(sources[row["source_id"]], may_open),
            }
            for row in counts
            if row["source_id"] in sources
        ]
    }


def _source_label(source: SalesSource, may_open: bool) -> str:
    """The import's name, linking to its admin page for a user who may open it;
    HTML, so the sentence it stands in can be translated whole."""
    if not may_open:
        return format_html("{}", source.name)
    url = reverse("incentives_salessource:inspect", args=[source.pk])
    return format_html('<a href="{}">{}</a>', url, source.name)
