"""A chart's exact figures: its table, its export, and what the page gives the
browser to draw."""

import csv
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

import lxml.html
import pytest
from openpyxl import load_workbook

from partner_portal.charts import Chart, Series, export_response
from tests.partner_portal.charts.drawings import chart_drawings

# More digits than a float holds: 1234567890123456.78 as a float is ...456.8.
BIG = Decimal("1234567890123456.78")


def revenue(**fields):
    return Chart(
        **{
            "id": "revenue",
            "title": "Revenue by quarter",
            "kind": "bar",
            "categories": ["Q1", "Q2", "Q3"],
            "series": [
                Series("Resale", [BIG, Decimal("-30.50"), None]),
                Series("Services", [Decimal("10.00"), Decimal("0.00"), 7]),
            ],
            "value_format": "money",
            "currency": "USD",
            "category_label": "Quarter",
            **fields,
        }
    )


def test_the_table_has_a_row_per_category_and_a_column_per_series_exactly():
    header, rows = revenue().table()

    assert header == ["Quarter", "Resale (USD)", "Services (USD)"]
    assert rows == [
        ["Q1", BIG, Decimal("10.00")],
        ["Q2", Decimal("-30.50"), Decimal("0.00")],
        ["Q3", None, 7],
    ]


def test_a_chart_refuses_figures_it_could_not_draw():
    with pytest.raises(ValueError, match="2 values for 3 categories"):
        revenue(series=[Series("Resale", [1, 2])])
    with pytest.raises(ValueError, match="Unknown chart kind"):
        revenue(kind="radar")
    with pytest.raises(ValueError, match="needs its currency"):
        revenue(currency="")


DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"]


def dangerous_chart():
    return Chart(
        id="dangerous",
        title="Typed by partners",
        kind="pie",
        categories=DANGEROUS,
        series=[Series(name, [Decimal("-2.50")] * 6) for name in DANGEROUS],
    )


def test_the_csv_export_neutralises_formulas_and_keeps_numbers_exact():
    response = export_response(revenue(), "csv")
    assert response["Content-Disposition"] == 'attachment; filename="revenue.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["Q1", "1234567890123456.78", "10.00"]

    response = export_response(dangerous_chart(), "csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1:] == ["'" + name for name in DANGEROUS]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in DANGEROUS]
    assert rows[1][1] == "-2.50"  # a negative figure is a number, not a formula


def test_the_xlsx_export_neutralises_formulas_and_keeps_numbers_numbers():
    response = export_response(dangerous_chart(), "xlsx")

    assert response["Content-Disposition"] == 'attachment; filename="dangerous.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][1:]) == ["'" + name for name in DANGEROUS]
    assert [row[0] for row in rows[1:]] == ["'" + name for name in DANGEROUS]
    assert rows[1][1] == -2.5
    with pytest.raises(ValueError, match="Unknown export format"):
        export_response(dangerous_chart(), "pdf")


def render(source, **context):
    request = RequestFactory().get("/report/?first=2026-01-01")
    return Template("{% load charts_tags %}" + source).render(
        Context({"request": request, **context})
    )


def test_the_figure_gives_the_exact_figures_as_a_table_and_as_json():
    html = render("{% chart chart %}", chart=revenue(caption="Nothing converted."))

    page = lxml.html.fromstring(html)
    (figure,) = page.xpath("//figure")
    assert figure.xpath("string(figcaption)").split() == [
        "Revenue",
        "by",
        "quarter",
        "Nothing",
        "converted.",
    ]
    (canvas,) = figure.xpath("div[@class='chart-canvas']")
    assert canvas.get("role") == "img"
    assert canvas.get("aria-label") == "Revenue by quarter. Nothing converted."
    headers = figure.xpath(".//thead//th/text()")
    assert headers == ["Quarter", "Resale", "Services"]
    cells = [row.xpath("./*/text()") for row in figure.xpath(".//tbody/tr")]
    nbsp = "\N{NO-BREAK SPACE}"
    assert cells == [
        ["Q1", f"1,234,567,890,123,456.78{nbsp}USD", f"10.00{nbsp}USD"],
        ["Q2", f"-30.50{nbsp}USD", f"0.00{nbsp}USD"],
        ["Q3", "—", f"7.00{nbsp}USD"],
    ]
    drawn = chart_drawings(html)["revenue"]
    assert drawn["kind"] == "bar"
    assert drawn["series"][0]["values"] == ["1234567890123456.78", "-30.50", None]
    assert drawn["series"][0]["words"][0] == cells[0][1]
    assert drawn["series"][1]["values"][2] == 7


def test_the_chart_scripts_load_once_a_page_and_exports_keep_the_query():
    html = render(
        "{% chart first export_url=request.get_full_path %}{% chart second %}",
        first=revenue(),
        second=revenue(id="again"),
    )

    page = lxml.html.fromstring(html)
    scripts = page.xpath("//script[@src]/@src")
    assert [Path(src).name for src in scripts] == ["echarts.min.js", "charts.js"]
    assert all(
        script.get("defer") is not None for script in page.xpath("//script[@src]")
    )
    assert page.xpath("//figure[@id='chart-revenue']//a/@href") == [
        "/report/?first=2026-01-01&export=revenue&format=csv",
        "/report/?first=2026-01-01&export=revenue&format=xlsx",
    ]
    assert page.xpath("//figure[@id='chart-again']//a") == []


def test_the_figure_speaks_chinese_when_the_reader_does():
    days = Chart(
        id="decisions",
        title="审批用时",
        kind="line",
        categories=["一月", "二月"],
        series=[Series("中位数", [Decimal("2.5"), 1])],
        value_format="days",
    )
    with translation.override("zh-hans"):
        html = render("{% chart chart %}", chart=days)

    drawn = chart_drawings(html)["decisions"]
    assert drawn["locale"] == "zh-Hans"
    assert drawn["categories"] == ["一月", "二月"]
    assert drawn["series"][0]["words"] == ["2.5 天", "1 天"]
    assert "显示数据" in html


def test_the_vendored_echarts_is_the_pinned_release():
    vendored = Path(settings.BASE_DIR) / "site/static/charts/echarts"
    script = (Path(settings.BASE_DIR) / "scripts/echarts.sh").read_text()
    pinned = re.search(r"BUNDLE_SHA256:-([0-9a-f]{64})", script)[1]
    version = re.search(r"ECHARTS_VERSION:-([0-9.]+)", script)[1]

    bundle = (vendored / "echarts.min.js").read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == pinned
    assert f't.version="{version}"'.encode() in bundle
    assert (vendored / "VERSION").read_text().strip() == version
    assert "Apache License" in (vendored / "LICENSE").read_text()
    assert "The Apache Software Foundation" in (vendored / "NOTICE").read_text()
