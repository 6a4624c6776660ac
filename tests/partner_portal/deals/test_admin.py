"""Staff list, export and decide deal registrations in the admin, each within their
partners; the decision SLA counts business days."""

import csv
import datetime as dt
import io
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from partner_portal.deals.customers import customer_key
from partner_portal.deals.demo import seed_deals
from partner_portal.deals.models import Deal, DealEvent, LegalSuffix
from partner_portal.deals.services.deals import deal_decide, deal_submit
from partner_portal.partners.demo import seed_partners
from partner_portal.partners.models import User
from partner_portal.workdays.models import Holiday
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory

from .factories import draft_deal, product

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
DECIDE = ["access_admin", "view_deal", "decide_deal"]
# The session, the user and their permissions, the admin's furniture (with the
# vendor's branding), the filters' partner choices, then the page of rows: a count,
# the rows, their products.
MAX_LISTING_QUERIES = 19


def staff(username, *codenames):
    user = StaffFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def submitted(partner, name, **fields):
    user = MembershipFactory(partner=partner).user
    deal = draft_deal(partner, user, customer_name=name, **fields)
    return deal_submit(deal=deal, by=user)


@pytest.fixture
def world():
    """An account manager with one partner of their own and one elsewhere, each
    with a registration for the same customer (a conflict)."""
    cam = staff("cam", *DECIDE)
    own = PartnerFactory(name="Assigned Co", account_manager=cam)
    other = PartnerFactory(name="Elsewhere Co", external_id="ELSE-1")
    theirs = submitted(
        other, "Globex Corporation", estimated_value=Decimal("777777.00")
    )
    mine = submitted(own, "Globex Corp.")
    return cam, mine, theirs


@pytest.fixture
def program_manager():
    return staff("pm", *DECIDE, "view_partner")


def decide_url(deal):
    return reverse("deals_admin:decide", args=[deal.pk])


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_account_manager_lists_opens_and_exports_only_their_partners_deals(
    client, world
):
    cam, mine, theirs = world
    client.force_login(cam)

    listing = client.get(reverse("deals_admin:index")).content.decode()
    assert "Assigned Co" in listing and "Globex Corp." in listing
    assert "Elsewhere Co" not in listing and "Globex Corporation" not in listing
    assert client.get(decide_url(mine)).status_code == 200
    assert client.get(decide_url(theirs)).status_code == 404
    response = client.post(
        decide_url(theirs), {"decision": "reject", "reason": "Not yours"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Deal.Status.SUBMITTED

    rows = csv_rows(client.get(reverse("deals_admin:index") + "?export=csv"))
    exported = "\n".join(",".join(row) for row in rows)
    assert "Globex Corp." in exported
    assert "Elsewhere Co" not in exported and "ELSE-1" not in exported
    assert len(rows) == 2
    sla = client.get(reverse("deals_admin:sla")).content.decode()
    assert "Globex Corp." in sla and "Elsewhere Co" not in sla


def test_the_rival_of_another_account_manager_is_shown_without_its_details(
    client, world
):
    cam, mine, theirs = world
    client.force_login(cam)

    page = client.get(decide_url(mine)).content.decode()

    assert "Same customer name" in page
    assert "A registration of a partner you do not manage" in page
    for detail in ("Elsewhere Co", "ELSE-1", "777,777.00", "Globex Corporation"):
        assert detail not in page
    assert 'value="co_sell"' not in page
    response = client.post(decide_url(mine), {"decision": "co_sell"})
    assert "ask a program manager to decide" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == Deal.Status.SUBMITTED


def test_staff_see_both_registrations_side_by_side_with_the_rule_and_keys(
    client, world, program_manager
):
    _cam, mine, _theirs = world
    client.force_login(program_manager)

    page = client.get(decide_url(mine)).content.decode()

    assert "Same customer name" in page
    assert "Elsewhere Co" in page and "777,777.00" in page
    assert page.count(f"<code>{customer_key('Globex Corp.')}</code>") == 2
    assert "Firewall (in common)" in page


def test_a_rejection_needs_a_reason_which_the_timeline_shows_beside_the_note(
    client, world
):
    cam, mine, _theirs = world
    client.force_login(cam)

    response = client.post(
        decide_url(mine), {"decision": "reject", "reason": " ", "note": "Checked"}
    )
    assert response.status_code == 200
    assert "Say why the registration is rejected" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Deal.Status.SUBMITTED

    response = client.post(
        decide_url(mine),
        {
            "decision": "reject",
            "reason": "The customer is a named account.",
            "note": "Asked the direct team.",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Deal.Status.REJECTED and mine.decided_by == cam
    page = client.get(decide_url(mine)).content.decode()
    assert "The customer is a named account." in page
    assert "Asked the direct team." in page
    assert 'name="decision"' not in page


def test_a_rejection_is_worded_in_chinese_for_a_chinese_admin(client, world):
    cam, mine, _theirs = world
    client.force_login(cam)

    response = client.post(
        decide_url(mine),
        {"decision": "reject", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "请说明拒绝的理由" in response.content.decode()


def test_co_sell_approves_both_registrations(client, world, program_manager):
    _cam, mine, theirs = world
    client.force_login(program_manager)

    response = client.post(
        decide_url(mine), {"decision": "co_sell", "note": "Two teams, one bid."}
    )

    assert response.status_code == 302
    for deal in (mine, theirs):
        deal.refresh_from_db()
        assert deal.status == Deal.Status.APPROVED
        assert deal.co_sell is True and deal.protected_until is not None
        assert deal.events.last().action == DealEvent.Action.CO_SELL


def test_without_the_decide_permission_the_page_is_view_only(client, world):
    _cam, mine, _theirs = world
    viewer = staff("viewer", "access_admin", "view_deal", "view_partner")
    client.force_login(viewer)

    page = client.get(decide_url(mine)).content.decode()

    assert "Globex Corp." in page and 'name="decision"' not in page
    # Wagtail answers a refused admin action with its "no permission" redirect.
    refused = client.post(decide_url(mine), {"decision": "approve"})
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    mine.refresh_from_db()
    assert mine.status == Deal.Status.SUBMITTED


def test_an_approved_window_is_extended_with_a_reason(client, world):
    cam, mine, _theirs = world
    deal_decide(deal=mine, by=cam, decision="approve")
    mine.refresh_from_db()
    client.force_login(cam)
    later = mine.protected_until + dt.timedelta(days=45)

    too_early = client.post(
        decide_url(mine),
        {"action": "extend", "until": mine.protected_until.isoformat(), "reason": "x"},
    )
    assert "Choose a day after the current end" in too_early.content.decode()
    response = client.post(
        decide_url(mine),
        {"action": "extend", "until": later.isoformat(), "reason": "Tender moved."},
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.protected_until == later
    assert mine.events.last().reason == "Tender moved."


def test_a_draft_is_the_partners_until_submitted(client, program_manager):
    draft = draft_deal(PartnerFactory(), customer_name="Hooli Unsubmitted")
    client.force_login(program_manager)

    assert client.get(decide_url(draft)).status_code == 404
    listing = client.get(reverse("deals_admin:index")).content.decode()
    assert "Hooli Unsubmitted" not in listing


@pytest.fixture
def clock(monkeypatch, settings):
    """The time of day the code reads, set by the test (Berlin time)."""
    settings.TIME_ZONE = "Europe/Berlin"
    now = {"at": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])

    def set_to(*moment):
        now["at"] = dt.datetime(*moment, tzinfo=BERLIN)

    return set_to


def test_the_overdue_flag_counts_business_days_past_a_weekend_and_a_holiday(
    client, program_manager, clock
):
    Holiday.objects.create(date=dt.date(2026, 12, 7), name="Company day")
    partner = PartnerFactory(name="Initech")
    clock(2026, 12, 4, 16, 0)  # a Friday
    friday = submitted(partner, "Umbrella Friday")
    clock(2026, 12, 8, 9, 0)  # Tuesday: Monday was the holiday
    tuesday = submitted(partner, "Vandelay Tuesday")
    client.force_login(program_manager)
    index = reverse("deals_admin:index")

    # Tuesday evening: four days on, only one business day (Tuesday) has passed.
    clock(2026, 12, 8, 18, 0)
    assert friday.decision_due == dt.datetime(2026, 12, 9, 16, 0, tzinfo=BERLIN)
    page = client.get(index).content.decode()
    assert "Overdue" not in page
    assert "Umbrella Friday" not in client.get(index + "?overdue=true").content.decode()

    # Wednesday after 16:00 the Friday submission is late; Tuesday's is not yet.
    clock(2026, 12, 9, 16, 30)
    page = client.get(index).content.decode()
    assert page.count("Overdue</span>") == 1
    assert page.index("Umbrella Friday") < page.index("Vandelay Tuesday")
    overdue = client.get(index + "?overdue=true").content.decode()
    assert "Umbrella Friday" in overdue and "Vandelay Tuesday" not in overdue
    sla = client.get(reverse("deals_admin:sla"))
    assert (sla.context["overdue"], sla.context["due_today"]) == (1, 0)
    assert tuesday.decision_due.date() == dt.date(2026, 12, 10)

    clock(2026, 12, 10, 8, 0)
    sla = client.get(reverse("deals_admin:sla"))
    assert (sla.context["overdue"], sla.context["due_today"]) == (1, 1)
    rows = csv_rows_of(client.get(reverse("deals_admin:sla") + "?export=csv"))
    assert [row[2] for row in rows[1:]] == ["Umbrella Friday", "Vandelay Tuesday"]
    assert [row[5] for row in rows[1:]] == ["Yes", "No"]


def csv_rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_export_holds_what_the_list_shows_formula_safe(client, program_manager):
    partner = PartnerFactory(name="Cyberdyne", external_id="CYB-7")
    user = MembershipFactory(partner=partner).user
    deal = draft_deal(
        partner,
        user,
        customer_name="=HYPERLINK(1)",
        customer_domain="cyberdyne.example",
        products=[product("Firewall"), product("Switches")],
        estimated_value=Decimal("1234.50"),
        currency="USD",
    )
    deal_submit(deal=deal, by=user)
    client.force_login(program_manager)

    rows = csv_rows(client.get(reverse("deals_admin:index") + "?export=csv"))
    header, row = rows
    values = dict(zip(header, row, strict=True))
    assert values["Partner external ID"] == "CYB-7"
    assert values["Partner"] == "Cyberdyne"
    assert values["Customer name"] == "'=HYPERLINK(1)"
    assert values["Products"] == "Firewall; Switches"
    assert values["Estimated value"] == "1234.50"
    assert values["Status"] == "Awaiting decision"
    assert values["Conflict"] == "No" and values["Decision overdue"] == "No"
    assert "customer_key" not in " ".join(header).lower()

    response = client.get(reverse("deals_admin:index") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert cells[1][header.index("Customer name")] == "'=HYPERLINK(1)"
    assert cells[1][header.index("Products")] == "Firewall; Switches"


def test_a_suffix_added_in_the_admin_keys_open_registrations_again(
    client, program_manager, django_capture_on_commit_callbacks
):
    earlier = submitted(PartnerFactory(), "Initrode Sdn Bhd")
    program_manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_legalsuffix", "view_legalsuffix"])
    )
    client.force_login(program_manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deals_legal_suffix:add"), {"suffix": "Sdn Bhd"})

    assert response.status_code == 302
    assert LegalSuffix.objects.filter(suffix="Sdn Bhd").exists()
    earlier.refresh_from_db()
    assert earlier.customer_key == "initrode"


def test_the_settings_and_the_menu_items_open_their_pages(client):
    admin = User.objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(admin)

    settings_page = reverse("wagtailsettings:edit", args=["deals", "dealsettings"])
    assert client.get(settings_page, follow=True).status_code == 200
    for name in (
        "deals_admin:index",
        "deals_admin:sla",
        "deals_legal_suffix:index",
        "deals_lost_reason:index",
        "deals_import:upload",
    ):
        assert client.get(reverse(name)).status_code == 200, name


def test_the_demo_has_conflicts_awaiting_a_decision_and_one_overdue(client):
    seed_partners(stdout=StringIO())
    seed_deals(stdout=StringIO())
    made = Deal.objects.count()
    awaiting = Deal.objects.filter(status=Deal.Status.SUBMITTED)

    assert awaiting.filter(conflict=True).count() == 4
    chinese = awaiting.get(customer_name="上海星辰医疗器械有限公司")
    english = awaiting.get(customer_name="Xingchen Medical Devices Co., Ltd.")
    assert chinese.partner != english.partner
    assert english.conflicts.get().other == chinese
    assert awaiting.filter(decision_due__lt=timezone.now()).count() == 1
    assert set(Deal.objects.values_list("status", flat=True)) == set(Deal.Status)
    # The demo account manager decides their own partners' deals, not others'.
    cam = User.objects.get(username="cam")
    client.force_login(cam)
    assert client.get(decide_url(english)).status_code == 200
    assert client.get(decide_url(chinese)).status_code == 404
    assert cam.has_perm("deals.decide_deal")

    # A second run adds nothing.
    seed_deals(stdout=StringIO())
    assert Deal.objects.count() == made


def test_the_listing_reads_its_rows_in_a_fixed_number_of_queries(
    client, program_manager, django_assert_max_num_queries
):
    for number in range(8):
        partner = PartnerFactory()
        submitted(partner, f"Customer {number}", products=[product(), product("Wifi")])
    client.force_login(program_manager)

    with django_assert_max_num_queries(MAX_LISTING_QUERIES):
        page = client.get(reverse("deals_admin:index"))

    assert page.content.decode().count("Firewall, Wifi") == 8
