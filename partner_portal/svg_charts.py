"""Charts drawn on the server as SVG (pygal): no script, no CDN, CSP-safe.

Every page that shows a chart also gives its exact figures in a table; the chart is
a picture of them. `svg_markup` turns a pygal chart into inline SVG whose own
stylesheet carries the request's Content-Security-Policy nonce.
"""

import pygal
from lxml import etree
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1d2733",
    foreground_strong="#1d2733",
    foreground_subtle="#dde3ea",
    guide_stroke_color="#dde3ea",
    major_guide_stroke_color="#dde3ea",
    colors=("#0b5cad", "#c2410c", "#15803d", "#7e22ce", "#be185d", "#0e7490"),
    font_family="system-ui, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=15,
    legend_font_size=13,
)
# pygal's tooltips load a script from the web: never here.
OPTIONS = {"style": STYLE, "js": (), "disable_xml_declaration": True, "margin": 8}


def svg_markup(chart: pygal.graph.graph.Graph, *, nonce: str) -> str:
    """The chart as inline SVG markup whose <style> carries `nonce`
    (request.csp_nonce)."""
    svg = chart.render_tree()
    # pygal always writes its settings into an inline script, which the content
    # security policy would refuse; the chart needs none. Without the script the
    # tooltip box is never filled, and its inline style attribute would be refused.
    unwanted = svg.xpath("//*[local-name()='script'] | //*[@class='tooltip']")
    for element in unwanted:
        element.getparent().remove(element)
    for style in svg.iter("{*}style"):
        style.set("nonce", nonce)
    return etree.tostring(svg, encoding="unicode")
