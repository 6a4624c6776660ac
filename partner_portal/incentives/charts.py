"""Charts of sales, drawn on the server as SVG (`partner_portal.svg_charts`).

Each chart is a picture of figures the page also gives as a table, exactly.
"""

from django.utils.translation import gettext as _

import pygal

from partner_portal.svg_charts import OPTIONS, svg_markup

from .selectors import MonthlyRevenue, monthly_revenue


def monthly_revenue_svg(revenue: MonthlyRevenue, *, nonce: str) -> str:
    """A bar per month of one currency's revenue, as inline SVG markup whose <style>
    carries `nonce`."""
    chart = pygal.Bar(
        **OPTIONS,
        width=760,
        height=280,
        show_legend=False,
        title=_("Revenue by month in %(currency)s") % {"currency": revenue.currency},
        x_label_rotation=-45,
        value_formatter=lambda value: f"{value:,.2f}",
    )
    chart.x_labels = [start.strftime("%Y-%m") for start, _amount in revenue.months]
    # The bars' heights; the exact amounts are in the page's table.
    chart.add(revenue.currency, [float(amount) for _start, amount in revenue.months])
    return svg_markup(chart, nonce=nonce)


def revenue_charts(lines, as_of, *, nonce: str) -> list[tuple[MonthlyRevenue, str]]:
    """(revenue, SVG chart) per currency of `lines` over the 12 months to `as_of`;
    `nonce` is the request's (request.csp_nonce)."""
    return [
        (revenue, monthly_revenue_svg(revenue, nonce=nonce))
        for revenue in monthly_revenue(lines=lines, as_of=as_of)
    ]
