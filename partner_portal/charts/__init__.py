"""Charts: one way to describe a chart, drawn in the browser by Apache ECharts.

A view builds a `Chart` (its categories, series of exact figures, and how to word
them); `{% chart chart %}` (`charts_tags`) renders a figure with the chart's
container, its data as JSON (the Content-Security-Policy refuses inline scripts) and
a table of the exact figures, which is the chart's accessible form; the one local
script `site/static/charts/charts.js` draws every container on the page with the
ECharts vendored under `site/static/charts/echarts/` (`make echarts` refreshes it).
`export_response` gives the same table as a formula-safe CSV or XLSX download.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_portal.tabular.export import csv_response, xlsx_response

KINDS = ("line", "bar", "stacked_bar", "horizontal_bar", "pie", "funnel")
# "percent" values are in per cent (33.3 is 33.3 %); "days" values count days.
VALUE_FORMATS = ("number", "money", "percent", "days")
EXPORT_FORMATS = ("csv", "xlsx")

Value = Decimal | int | float | None


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Value]  # one per category


@dataclass(frozen=True)
class Chart:
    """A chart's figures and how to word them.

    `id` is unique on its page: it names the chart's elements and its export. Pie and
    funnel charts draw their first series only, a slice or step per category.
    `category_label` heads the table's first column (the categories).
    """

    id: str
    title: str
    kind: str
    categories: Sequence[str]
    series: Sequence[Series]
    value_format: str = "number"
    currency: str = ""  # ISO 4217, with value_format="money"
    caption: str = ""
    category_label: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown chart kind {self.kind!r}: one of {KINDS}.")
        if self.value_format not in VALUE_FORMATS:
            raise ValueError(
                f"Unknown value format {self.value_format!r}: one of {VALUE_FORMATS}."
            )
        if self.value_format == "money" and not self.currency:
            raise ValueError("A money chart needs its currency.")
        if slugify(self.id) != self.id:
            raise ValueError(f"A chart id is a slug (letters, digits, -): {self.id!r}.")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"Series {series.name!r} has {len(series.values)} values for "
                    f"{len(self.categories)} categories."
                )

    def series_heading(self, series: Series) -> str:
        """A series' column heading; money names its currency."""
        if self.value_format == "money":
            return f"{series.name} ({self.currency})"
        return series.name

    def table(self) -> tuple[list[str], list[list]]:
        """The header and rows of the exact figures: a row per category, a column
        per series, the values as given (None where there is no figure)."""
        header = [
            self.category_label or _("Category"),
            *(self.series_heading(series) for series in self.series),
        ]
        rows = [
            [category, *(series.values[index] for series in self.series)]
            for index, category in enumerate(self.categories)
        ]
        return header, rows

    def word(self, value: Value) -> str:
        """A figure as the active language writes it: money with its currency."""
        if value is None:
            return "—"
        if self.value_format == "money":
            amount = number_format(value, 2, force_grouping=True)
            return f"{amount}\N{NO-BREAK SPACE}{self.currency}"
        number = number_format(value, force_grouping=True)
        if self.value_format == "percent":
            return f"{number}%"
        if self.value_format == "days":
            # gettext's plural forms take whole numbers only; 1.5 reads as plural.
            plural = 1 if value == 1 else 2
            return ngettext("%(days)s day", "%(days)s days", plural) % {"days": number}
        return number


def export_response(chart: Chart, fmt: str):
    """The chart's table as a CSV or XLSX download named after the chart; every
    cell formula-safe (`partner_portal.tabular.export`)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}: one of {EXPORT_FORMATS}.")
    respond = csv_response if fmt == "csv" else xlsx_response
    return respond(f"{chart.id}.{fmt}", *chart.table())


def export_requested(request, charts: Sequence[Chart]):
    """The download a chart's export link asks for (`?export=<id>&format=csv|xlsx`,
    as `{% chart chart export_url=... %}` writes it), or None when the request asks
    for none of `charts`."""
    wanted, fmt = request.GET.get("export"), request.GET.get("format")
    if fmt not in EXPORT_FORMATS:
        return None
    for chart in charts:
        if chart.id == wanted:
            return export_response(chart, fmt)
    return None
