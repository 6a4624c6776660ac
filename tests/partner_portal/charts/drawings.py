"""Reading a page's charts as the browser gets them."""

import json

import lxml.html


def chart_drawings(html):
    """{chart id: the JSON charts.js draws the chart from}."""
    page = lxml.html.fromstring(html)
    return {
        canvas.getparent().get("id").removeprefix("chart-"): json.loads(
            page.get_element_by_id(canvas.get("data-chart")).text
        )
        for canvas in page.xpath("//figure/div[@class='chart-canvas']")
    }
