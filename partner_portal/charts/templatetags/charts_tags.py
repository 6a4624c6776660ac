"""`{% chart chart %}`: a chart's figure, drawn by `site/static/charts/charts.js`.

`{% chart chart export_url=url %}` adds CSV and XLSX links
(`url?export=<id>&format=csv|xlsx`) that the view answers with
`partner_portal.charts.export_response`.
"""

from decimal import Decimal

from django import template
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from partner_portal.charts import Chart

register = template.Library()

# Set on the request once the page has the chart script, so a page of many charts
# loads ECharts and charts.js once.
ASSETS_LOADED = "_charts_assets_loaded"


def _number(value):
    # Decimals travel as strings: JSON numbers would be read back as floats, and the
    # tooltip shows the server's wording anyway.
    return str(value) if isinstance(value, Decimal) else value


def drawing(chart: Chart) -> dict:
    """What charts.js needs to draw `chart`: the figures, and their wording in the
    active language for the tooltips (the same words as the table)."""
    return {
        "kind": chart.kind,
        "format": chart.value_format,
        "currency": chart.currency,
        "locale": to_locale(get_language() or "en").replace("_", "-"),
        "categories": list(chart.categories),
        "series": [
            {
                "name": series.name,
                "values": [_number(value) for value in series.values],
                "words": [chart.word(value) for value in series.values],
            }
            for series in chart.series
        ],
    }


def _first_on_page(context) -> bool:
    request = context.get("request")
    if request is None:
        return True
    if getattr(request, ASSETS_LOADED, False):
        return False
    setattr(request, ASSETS_LOADED, True)
    return True


@register.inclusion_tag("charts/chart.html", takes_context=True)
def chart(context, chart: Chart, export_url: str = ""):
    rows = [
        (category, [chart.word(series.values[index]) for series in chart.series])
        for index, category in enumerate(chart.categories)
    ]
    separator = "&" if "?" in export_url else "?"
    return {
        "chart": chart,
        "drawing": drawing(chart),
        "data_id": f"chart-{chart.id}-data",
        "category_label": chart.table()[0][0],
        "rows": rows,
        "exports": [
            (label, f"{export_url}{separator}export={chart.id}&format={fmt}")
            for label, fmt in ((_("CSV"), "csv"), (_("XLSX"), "xlsx"))
        ]
        if export_url
        else [],
        "load_assets": _first_on_page(context),
        "request": context.get("request"),
    }
