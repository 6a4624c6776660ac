import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))


def test_a_partner_reads_their_monthly_sales_chart_and_its_figures(page, demo_data):
    page.goto("/accounts/login/?next=/sales/")
    page.get_by_label("Username").fill("gold.user")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="The last 12 months")).to_be_visible()
    chart = page.locator("figure.sales-chart").first
    expect(chart.locator("svg")).to_be_visible()
    box = chart.locator("svg").bounding_box()
    assert box["width"] > 300 and box["height"] > 100  # drawn at the page's width
    expect(chart.locator("svg rect.rect")).to_have_count(12)
    # The chart's own stylesheet applied (its nonce let it): the bars in its blue.
    expect(chart.locator("svg rect.rect").first).to_have_css("fill", "rgb(11, 92, 173)")

    chart.get_by_text("Show the figures").focus()
    page.keyboard.press("Enter")
    rows = chart.get_by_role("row")
    expect(rows).to_have_count(13)  # the header and twelve months
    expect(rows.nth(12).get_by_role("rowheader")).to_have_text(
        re.compile(r"^\d{4}-\d{2}$")
    )
