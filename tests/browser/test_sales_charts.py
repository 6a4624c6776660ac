"""The sales chart, drawn in the browser by ECharts from the page's own files."""

import json
import re
from pathlib import Path

from django.conf import settings

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
HOUSE_BLUE = "#0b5cad"


def sign_in(page, username, path):
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()


def console_errors(page):
    """What the page's scripts report as errors (the browser's own request for a
    favicon, which the site has none of, aside)."""
    errors = []

    def note(message):
        if message.type == "error" and "favicon" not in message.location["url"]:
            errors.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def tallest_bar(canvas):
    """The chart's tallest bar in the house blue (a month without sales has none)."""
    bars = canvas.locator(f"svg path[fill='{HOUSE_BLUE}']").all()
    assert bars, "no bar drawn"
    return max(bars, key=lambda bar: bar.bounding_box()["height"])


def widest(page):
    """The page's scroll width and the elements that reach past the viewport
    (tables that scroll sideways in their own box and the section links' strip
    aside)."""
    return page.evaluate(
        """(scrolling) => [document.documentElement.scrollWidth,
            [...document.querySelectorAll("body *")]
              .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
              .filter((el) => !el.closest(scrolling))
              .map((el) => el.tagName + "." + el.className)]""",
        ".chart-table-scroll, .table-scroll, .section-links",
    )


def test_a_partner_reads_their_monthly_sales_chart_and_its_figures(page, demo_data):
    errors = console_errors(page)
    page.emulate_media(reduced_motion="reduce")  # bars drawn at once, not grown
    sign_in(page, "gold.user", "/sales/")

    expect(page.get_by_role("heading", name="The last 12 months")).to_be_visible()
    chart = page.locator("figure.chart-figure").first
    canvas = chart.locator(".chart-canvas")
    expect(canvas).to_have_attribute("aria-label", re.compile("^Revenue by month in"))
    expect(canvas.locator("svg")).to_be_visible()
    box = canvas.locator("svg").bounding_box()
    assert box["width"] > 600 and box["height"] > 200  # drawn at the page's width

    tallest_bar(canvas).hover()
    tooltip = chart.locator(".chart-tooltip")
    expect(tooltip).to_be_visible()
    month = tooltip.locator(".chart-tooltip-title").inner_text()
    figure = tooltip.locator("strong").inner_text()
    assert re.fullmatch(r"\d{4}-\d{2}", month)

    # The table under the chart, opened from the keyboard, holds the same figure.
    chart.get_by_text("Show the figures").focus()
    page.keyboard.press("Enter")
    rows = chart.get_by_role("row")
    expect(rows).to_have_count(13)  # the header and twelve months
    row = chart.get_by_role("row", name=month)
    expect(row.get_by_role("cell")).to_have_text(figure)
    assert re.fullmatch(r"-?[\d,]+\.\d{2}\u00a0[A-Z]{3}", figure)
    expect(page.locator("script[src$='charts.js']")).to_have_count(1)

    # A phone gets the same chart at its width, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(canvas.locator("svg")).to_be_visible()
    narrow = canvas.locator("svg").bounding_box()
    assert narrow["x"] >= 0 and narrow["x"] + narrow["width"] <= 390
    scroll_width, past = widest(page)
    assert (scroll_width, past) == (390, [])
    tallest_bar(canvas).hover()
    expect(chart.locator(".chart-tooltip strong")).to_have_text(figure)
    assert errors == []


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("width", [1366, 390])
def test_the_sales_chart_in_both_languages_on_desktop_and_phone(
    page, demo_data, language, width
):
    """Drawn, with a tooltip, within the screen; the pictures are kept in
    test-artifacts/ to look at."""
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, "gold.user", "/sales/")
    if language != "en":
        if width < 768:  # the header's links and switcher fold into its menu
            page.get_by_role("button", name="Menu").click()
        page.get_by_label("Language").select_option(language)
        page.get_by_role("button", name="Switch").click()
        expect(page.get_by_role("heading", name="最近 12 个月")).to_be_visible()
    chart = page.locator("figure.chart-figure").first
    expect(chart.locator("svg")).to_be_visible()
    tallest_bar(chart.locator(".chart-canvas")).hover()
    expect(chart.locator(".chart-tooltip")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"sales-chart-{language}-{width}.png")
    assert widest(page)[0] == width
