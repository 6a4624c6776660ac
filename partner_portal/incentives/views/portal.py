"""The partner's own sales in the portal; any other partner's line answers 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from partner_portal.charts import export_requested
from partner_portal.partners.access import partner_with_access

from ..charts import revenue_charts
from ..forms import SalesFilterForm
from ..selectors import (
    sales_visible_to,
    trailing_revenue_by_currency,
    trailing_window,
)

PAGE_SIZE = 50


def _partner_or_404(request):
    partner = partner_with_access(request.user)
    if partner is None:
        raise Http404
    return partner


@login_required
def sales_list(request):
    partner = _partner_or_404(request)
    form = SalesFilterForm(request.GET or None)
    lines = form.filter(sales_visible_to(request.user))
    charts = revenue_charts(sales_visible_to(request.user), timezone.localdate())
    if exported := export_requested(request, charts):
        return exported
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/sales/list.html",
        {
            "partner": partner,
            "form": form,
            "page": page,
            "totals": lines.totals_by_currency() if page.paginator.count else [],
            "charts": charts,
        },
    )


@login_required
def sales_detail(request, pk):
    partner = _partner_or_404(request)
    record = get_object_or_404(
        sales_visible_to(request.user).select_related("source"), pk=pk
    )
    return render(
        request,
        "portal/sales/detail.html",
        {"partner": partner, "record": record, "changes": record.changes.all()},
    )


def sales_card(request):
    """Context of the partner home's sales card; hidden without partner access."""
    partner = partner_with_access(request.user)
    if partner is None:
        return None
    first, last = trailing_window(timezone.localdate())
    return {
        "totals": trailing_revenue_by_currency(partner=partner, as_of=last),
        "first": first,
        "last": last,
    }
