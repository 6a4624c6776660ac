"""The header's search box suggests titles as you type, and works by keyboard alone
(the ARIA combobox pattern), under the portal's Content-Security-Policy."""

import re

import pytest
from playwright.sync_api import expect

from tests.testapp.models import GatedItem

pytestmark = pytest.mark.browser


@pytest.fixture
def titles(settings):
    # The embedded default: the database answers the suggestions.
    settings.ELASTICSEARCH_URL = ""
    for title in ("Zebra handbook", "Zebra guide", "Zero trust deck"):
        GatedItem.objects.create(title=title, access_level="public")
    GatedItem.objects.create(title="Zebra staff notes", access_level="staff")


def test_suggestions_by_keyboard(page, titles):
    page.goto("/search/")
    box = page.locator("#header-q")
    listbox = page.locator("#header-q-suggestions")
    expect(box).to_have_attribute("role", "combobox")

    box.press_sequentially("z")
    # One letter suggests nothing.
    page.wait_for_timeout(500)
    expect(listbox).to_be_hidden()

    box.press_sequentially("eb")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    # The staff notes are not for an anonymous visitor.
    expect(options).to_have_text(["Zebra guide", "Zebra handbook"])
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "header-q-suggestions-0")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_be_focused()

    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    box.press("ArrowUp")
    box.press("ArrowUp")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=Zebra\+handbook$"))
    expect(page.locator(".search-hits li")).to_have_count(1)
    expect(page.locator(".search-hits")).to_contain_text("Zebra handbook")
