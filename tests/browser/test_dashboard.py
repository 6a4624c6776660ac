"""Staff read the channel dashboard; a partner's admin opens their scorecard."""

import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))
HOUSE_BLUE = "#0b5cad"


def bars(canvas):
    drawn = canvas.locator(f"svg path[fill='{HOUSE_BLUE}']")
    expect(drawn.first).to_be_visible()
    return drawn.all()


def test_staff_filter_the_dashboard_read_a_tooltip_and_export_it(
    page, demo_data, tmp_path
):
    page.emulate_media(reduced_motion="reduce")
    page.goto("/admin/login/?next=/admin/analytics/")
    page.locator("input[name=username]").fill("pm")
    page.locator("input[name=password]").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Channel dashboard")).to_be_visible()

    page.get_by_label("Tier", exact=True).select_option("gold")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"tier=gold"))
    assert page.get_by_label("Tier", exact=True).input_value() == "gold"

    chart = page.locator("#section-revenue figure.chart-figure").first
    tallest = max(
        bars(chart.locator(".chart-canvas")),
        key=lambda bar: bar.bounding_box()["height"],
    )
    tallest.hover()
    tooltip = chart.locator(".chart-tooltip")
    expect(tooltip).to_be_visible()
    figure = tooltip.locator("strong").first.inner_text()
    # The figure the tooltip gives is one of the chart's exact figures.
    chart.get_by_text("Show the figures").click()
    expect(chart.locator("table td", has_text=figure).first).to_be_visible()

    with page.expect_download() as download:
        chart.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    cells = [
        value
        for row in sheet.iter_rows(min_row=2, values_only=True)
        for value in row[1:]
    ]
    amount = Decimal(figure.split("\u00a0")[0].replace(",", ""))
    assert amount in {
        Decimal(str(value)).quantize(Decimal("0.01"))
        for value in cells
        if value is not None
    }


def test_a_partner_admin_opens_their_scorecard(page, demo_data):
    page.emulate_media(reduced_motion="reduce")
    page.goto("/accounts/login/?next=/company/scorecard/")
    page.get_by_label("Username").fill("gold.user")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/company/scorecard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("华东渠道科技")
    expect(page.locator("figure.chart-figure svg").first).to_be_visible()
