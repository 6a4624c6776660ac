"""A partner registers a deal for a customer another partner registered first, is told
only that a registration exists, staff approve it on the admin's decision page, and
the partner sees it approved with its protection window."""

import datetime as dt
import re
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import formats, timezone

import pytest
from playwright.sync_api import expect

from partner_portal.deals.models import Deal
from partner_portal.deals.services.deals import deal_submit
from partner_portal.partners.models import Product, Role
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory
from tests.partner_portal.deals.factories import draft_deal

pytestmark = pytest.mark.browser

PASSWORD = "secret-pass-123"


def sign_in(page, username, login_url):
    page.goto(login_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_label("Password")).to_have_count(0)


@pytest.fixture
def registered_first():
    """The rival's submitted registration of the customer, and the rival."""
    firewall = Product.objects.create(name="Firewall", name_zh="防火墙")
    Product.objects.create(name="Switches", name_zh="交换机")
    rival = PartnerFactory(name="Rival Systems GmbH")
    user = MembershipFactory(partner=rival, role=Role.SALES).user
    deal = draft_deal(
        rival,
        user,
        customer_name="华东渠道科技有限公司",
        country="CN",
        region="greater_china",
        estimated_value=Decimal("880000.00"),
        currency="CNY",
        products=[firewall],
    )
    return rival, deal_submit(deal=deal, by=user)


def test_a_conflicting_registration_is_approved_and_protected(page, registered_first):
    rival, theirs = registered_first
    partner = PartnerFactory(name="Mine Ltd", country="CN", region="greater_china")
    MembershipFactory(partner=partner, role=Role.SALES, user__username="mina")
    staff = StaffFactory(username="dana")
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "decide_deal", "view_deal", "view_partner"]
        )
    )

    sign_in(page, "mina", "/accounts/login/?next=/deals/")
    expect(page.get_by_role("heading", name="Deal registrations")).to_be_visible()
    page.get_by_role("link", name="Register your first deal").last.click()

    expect(page.get_by_role("heading", name="Register a deal")).to_be_visible()
    page.get_by_label("Customer name").fill("华东渠道科技")
    page.get_by_label("Customer web domain").fill("www.hdqd.example")
    expect(page.get_by_label("Country")).to_have_value("CN")
    page.get_by_label("Firewall").check()
    page.get_by_label("Estimated value").fill("120000")
    page.get_by_label("Currency").select_option("CNY")
    close = timezone.localdate() + dt.timedelta(days=60)
    page.get_by_label("Expected close date").fill(close.isoformat())
    page.get_by_label("Notes").fill("Two data centres, firewalls for both.")
    page.get_by_role("button", name="Submit for approval").click()

    notice = (
        "A registration for this customer already exists. "
        "Our channel team will review both and decide."
    )
    expect(page.get_by_role("status").filter(has_text=notice)).to_be_visible()
    expect(page.get_by_role("heading", name="华东渠道科技", exact=True)).to_be_visible()
    html = page.content()
    for secret in (
        rival.name,
        "880,000",
        "880000",
        reverse("deal-detail", args=[theirs.pk]),
    ):
        assert secret not in html, secret
    deal = Deal.objects.get(partner=partner)
    assert deal.status == Deal.Status.SUBMITTED and deal.conflict

    # The channel team decides on the admin's decision page, both side by side.
    sign_in(
        page,
        "dana",
        f"/admin/login/?next={reverse('deals_admin:decide', args=[deal.pk])}",
    )
    expect(page.get_by_text("Rival Systems GmbH").first).to_be_visible()
    page.get_by_role("button", name="Approve", exact=True).click()
    deal.refresh_from_db()
    assert deal.status == Deal.Status.APPROVED

    sign_in(
        page, "mina", f"/accounts/login/?next={reverse('deal-detail', args=[deal.pk])}"
    )
    expect(
        page.get_by_role("heading", name="Approved: the deal is protected as yours")
    ).to_be_visible()
    until = formats.date_format(deal.protected_until, "DATE_FORMAT")
    expect(page.get_by_text(f"Protected until {until}.")).to_be_visible()
    expect(page.locator(".days-left")).to_have_text("90 days left")
    expect(page.get_by_text(notice)).to_have_count(0)
    history = page.locator(".timeline-item strong")
    expect(history).to_have_text(["Saved as a draft", "Submitted", "Approved"])
    expect(page.locator(".timeline-item").last).to_contain_text("Vendor team")

    page.get_by_role("link", name="Deals", exact=True).click()
    row = page.get_by_role("row").filter(has_text="华东渠道科技")
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text(re.compile(r"90 days left"))
