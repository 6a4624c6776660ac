"""A company applies, is approved, its admin sets a password and finishes onboarding."""

import json
import re
from pathlib import Path

from django.core import mail

import pytest
from playwright.sync_api import expect

from partner_portal.partners.models import Partner, Stage

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))


def test_apply_approve_set_password_onboard_active(page, demo_data):
    page.goto("/")
    page.get_by_role("link", name="Become a partner").click()
    page.get_by_label("Company name").fill("Aurora Networks")
    page.get_by_label("Legal name").fill("Aurora Networks Oy")
    page.get_by_label("Email domain").fill("aurora.example")
    page.get_by_label("Country").select_option("FI")
    page.get_by_label("Region").select_option("emea")
    page.get_by_label("Partner type").select_option("msp")
    page.get_by_label("Annual revenue").select_option("1m_10m")
    page.get_by_label("Number of employees").fill("40")
    page.get_by_label("Security").check()
    page.get_by_label("First name").fill("Aino")
    page.get_by_label("Last name").fill("Virtanen")
    page.get_by_label("Work email").fill("aino@aurora.example")
    page.get_by_label("I accept the partner program terms.").check()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_role("heading", name="Thank you for applying")).to_be_visible()

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("pm")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()
    page.goto("/admin/application/")
    page.get_by_role("link", name="Aurora Networks").click()
    expect(page.get_by_text("Score: 35")).to_be_visible()
    page.get_by_label("Reason").fill("Good MSP fit for the Nordics")
    page.get_by_role("button", name="Approve and invite").click()
    expect(page.get_by_text("Aurora Networks is approved")).to_be_visible()
    page.context.clear_cookies()

    [invitation] = [m for m in mail.outbox if "aino@aurora.example" in m.to]
    path = re.search(r"/accounts/invitation/\S+/", invitation.body).group(0)
    page.goto(path)
    page.get_by_label("New password", exact=True).fill("Aurora-borealis-77")
    page.get_by_label("New password confirmation").fill("Aurora-borealis-77")
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_text("Your password is set")).to_be_visible()

    page.get_by_label("Username").fill("aino@aurora.example")
    page.get_by_label("Password").fill("Aurora-borealis-77")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()
    expect(page.get_by_text("1 required step is left")).to_be_visible()

    page.get_by_role("link", name="Complete the profile").click()
    page.get_by_label("Website").fill("https://aurora.example")
    page.get_by_label("Phone").fill("+358 9 123 456")
    page.get_by_label("Address").fill("Mannerheimintie 1, Helsinki")
    page.get_by_role("button", name="Save the profile").click()
    expect(page.get_by_text("The company profile is saved.")).to_be_visible()

    page.goto("/")
    expect(page.get_by_role("heading", name="Getting started")).to_have_count(0)
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    assert Partner.objects.get(name="Aurora Networks").stage == Stage.ACTIVE
