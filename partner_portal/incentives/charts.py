"""Charts of sales (`partner_portal.charts`): a bar per month, a chart per currency.

The chart's table gives each month's exact amount; currencies are never summed
together.
"""

from django.utils.translation import gettext as _

from partner_portal.charts import Chart, Series

from .selectors import MonthlyRevenue, monthly_revenue


def monthly_revenue_chart(revenue: MonthlyRevenue) -> Chart:
    """A bar per month of one currency's revenue, returns deducted."""
    return Chart(
        id=f"revenue-{revenue.currency.lower()}",
        title=_("Revenue by month in %(currency)s") % {"currency": revenue.currency},
        kind="bar",
        categories=[start.strftime("%Y-%m") for start, _amount in revenue.months],
        series=[Series(_("Amount"), [amount for _start, amount in revenue.months])],
        value_format="money",
        currency=revenue.currency,
        caption=_("Returns deducted; nothing converted between currencies."),
        category_label=_("Month"),
    )


def revenue_charts(lines, as_of) -> list[Chart]:
    """A chart per currency of `lines` over the 12 months to `as_of`."""
    return [
        monthly_revenue_chart(revenue)
        for revenue in monthly_revenue(lines=lines, as_of=as_of)
    ]
