"""Charts of sales, drawn on the server as SVG (pygal): no script, no CDN.

Each chart is a picture of figures the page also gives as a table, exactly. The chart's
own stylesheet is inline, so it carries the request's Content-Security-Policy nonce.
"""

from django.utils.translation import gettext as _

import pygal
from lxml import etree
from pygal.style import Style

from .selectors import MonthlyRevenue, monthly_revenue

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1d2733",
    foreground_strong="#1d2733",
    foreground_subtle="#dde3ea",
    guide_stroke_color="#dde3ea",
    major_guide_stroke_color="#dde3ea",
    colors=("#0b5cad",),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=15,
)


def monthly_revenue_svg(revenue: MonthlyRevenue, *, nonce: str) -> str:
    """A bar per month of one currency's revenue, as inline SVG markup whose <style>
    carries `nonce`."""
    chart = pygal.Bar(
        style=STYLE,
        width=760,
        height=280,
        # pygal's tooltips load a script from the web: not here.
        js=(),
        disable_xml_declaration=True,
        show_legend=False,
        title=_("Revenue by month in %(currency)s") % {"currency": revenue.currency},
        x_label_rotation=-45,
        value_formatter=lambda value: f"{value:,.2f}",
        margin=8,
    )
    chart.x_labels = [start.strftime("%Y-%m") for start, _amount in revenue.months]
    # The bars' heights; the exact amounts are in the page's table.
    chart.add(revenue.currency, [float(amount) for _start, amount in revenue.months])
    svg = chart.render_tree()
    # pygal always writes its settings into an inline script, which the portal's
    # content security policy would refuse; the chart needs none. Without the script
    # the tooltip box is never filled, and its inline style attribute would be refused.
    unwanted = svg.xpath("//*[local-name()='script'] | //*[@class='tooltip']")
    for element in unwanted:
        element.getparent().remove(element)
    for style in svg.iter("{*}style"):
        style.set("nonce", nonce)
    return etree.tostring(svg, encoding="unicode")


def revenue_charts(lines, as_of, *, nonce: str) -> list[tuple[MonthlyRevenue, str]]:
    """(revenue, SVG chart) per currency of `lines` over the 12 months to `as_of`;
    `nonce` is the request's (request.csp_nonce)."""
    return [
        (revenue, monthly_revenue_svg(revenue, nonce=nonce))
        for revenue in monthly_revenue(lines=lines, as_of=as_of)
    ]
