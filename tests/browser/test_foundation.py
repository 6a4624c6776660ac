import json
import re
from pathlib import Path

from django.urls import reverse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))


def test_admin_signs_in_and_finds_a_demo_partner(page, demo_data):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(reverse("partner:index"))
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    expect(page.get_by_role("link", name="Fabrikam Systems")).to_be_visible()

    page.get_by_role("textbox", name="Search term").fill("fabrikam")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Fabrikam Systems")).to_be_visible()
    expect(page.get_by_role("link", name="Northwind Resellers")).to_have_count(0)


def test_partner_user_sees_the_home_in_chinese_after_switching(page, demo_data):
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Username").fill("gold.user")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your partner account")).to_be_visible()
    expect(page.get_by_text("华东渠道科技").first).to_be_visible()

    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()

    expect(page.get_by_role("heading", name="您的合作伙伴账户")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
