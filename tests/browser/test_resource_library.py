"""A partner user filters the library, opens an asset and downloads it."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from partner_portal.resources.models import DownloadEvent

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_partner_filters_opens_and_downloads_an_asset(media_root, page, demo_data):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("gold.user")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Resources").click()
    # The platinum playbook and the staff battlecard are not for a gold partner.
    expect(page.get_by_text("Strategic partner playbook")).to_have_count(0)
    expect(page.get_by_text("Internal competitive battlecard")).to_have_count(0)
    page.get_by_label("Price list").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".library-total")).to_have_text("1 asset")
    page.get_by_role("link", name="Edge Gateway price list").click()
    expect(page.get_by_role("heading", name="Edge Gateway price list")).to_be_visible()
    # The demo's partner users have downloaded it before.
    before = DownloadEvent.objects.filter(asset__slug="edge-gateway-price-list").count()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download edge-gateway-price-list.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "edge-gateway-price-list.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    event = DownloadEvent.objects.latest("downloaded_at")
    assert event.user.username == "gold.user"
    assert event.asset.title == "Edge Gateway price list"
    page.reload()
    expect(page.locator(".asset-downloads")).to_have_text(
        f"Downloaded {before + 1} times"
    )
