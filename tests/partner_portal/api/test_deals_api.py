"""/api/v1/deals/: who sees which registration, drafts written and submitted by
partner admins and sales, the conflict answer that names no rival, decisions by
staff, the conventions (errors in both languages, ETag, filters), query counts and
the webhooks of a registration."""

import datetime
import json
from decimal import Decimal

from django.db import connection
from django.utils import timezone

import pytest

from partner_portal.api.webhooks.events import event_choices
from partner_portal.deals.models import Deal, DealEvent, DealSettings
from partner_portal.deals.services.deals import deal_submit
from partner_portal.partners.models import Region, Role
from partner_portal.partners.services import (
    account_manager_permissions_sync,
    partner_update,
)
from tests.factories import (
    MembershipFactory,
    PartnerFactory,
    StaffFactory,
    staff_with_permissions,
)
from tests.partner_portal.deals.factories import draft_deal, product

from .conftest import CALLERS, grant_deals_view, token_client
from .test_webhooks import Receiver, events_of, subscribe

pytestmark = pytest.mark.django_db

URL = "/api/v1/deals/"
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NOT_FOUND = {"code": "not_found", "message": "Nothing was found at this address."}

# Which of the `deals` fixture's registrations each caller sees.
VISIBLE = {
    "anonymous": set(),
    "user_a": {"a"},
    "user_b": {"b"},
    "manager": {"c"},
    "staff": {"a", "b", "c"},
}


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def ids_of(deals, letters):
    return {deals[letter].pk for letter in letters}


def new_deal(firewall, **changes):
    """What a partner's CRM sends to register a deal."""
    return {
        "customer_name": "Wayne Enterprises",
        "customer_domain": "wayne.example",
        "country": "US",
        "region": "amer",
        "products": [firewall.pk],
        "estimated_value": "12000.50",
        "currency": "USD",
        "expected_close_date": "2026-11-30",
        "notes": "Data centre refresh.",
        **changes,
    }


def partner_client(partner, role):
    return token_client(MembershipFactory(partner=partner, role=role).user)


@pytest.mark.parametrize("who", CALLERS)
def test_deal_list_is_scoped(world, deals, who):
    response = world.client(who).get(URL)
    if who == "anonymous":
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        return
    assert ids(response) == ids_of(deals, VISIBLE[who])


@pytest.mark.parametrize("who", CALLERS[1:])
def test_deal_detail_is_scoped(world, deals, who):
    client = world.client(who)
    for letter in ("a", "b", "c"):
        response = client.get(f"{URL}{deals[letter].pk}/")
        if letter in VISIBLE[who]:
            assert response.json()["id"] == deals[letter].pk
        else:
            assert response.status_code == 404
            assert response.json() == NOT_FOUND


def test_partner_roles_other_than_admin_and_sales_see_and_register_nothing(
    world, deals
):
    admin = partner_client(world.partner_a, Role.ADMIN)
    assert ids(admin.get(URL)) == ids_of(deals, ["a"])
    body = new_deal(deals["product"])
    for role in (Role.MARKETING, Role.TECHNICAL):
        client = partner_client(world.partner_a, role)
        assert ids(client.get(URL)) == set()
        assert client.get(f"{URL}{deals['a'].pk}/").json() == NOT_FOUND
        refused = client.post(URL, body, format="json")
        assert refused.status_code == 403
        assert refused.json()["message"] == (
            "Only a partner's admin and sales users register deals."
        )
        patch = client.patch(f"{URL}{deals['a'].pk}/", {"notes": "x"}, format="json")
        assert patch.status_code == 404
        assert client.post(f"{URL}{deals['a'].pk}/submit/").status_code == 404
    assert Deal.objects.filter(partner=world.partner_a).count() == 1


def test_a_suspended_partners_token_is_refused(world, deals):
    client = world.client("user_a")
    assert ids(client.get(URL)) == ids_of(deals, ["a"])
    partner_update(partner=world.partner_a, by=None, reason="Breach", stage="suspended")
    response = client.get(URL)
    assert response.status_code == 401
    assert client.get(f"{URL}{deals['a'].pk}/").status_code == 401
    assert client.post(URL, new_deal(deals["product"]), format="json").status_code == (
        401
    )


def test_staff_need_the_deal_permission(world, deals):
    client = token_client(StaffFactory(username="no-deals"))
    assert ids(client.get(URL)) == set()
    assert client.get(f"{URL}{deals['b'].pk}/").status_code == 404
    auditor = StaffFactory(username="auditor")
    grant_deals_view(auditor, decide=True)
    # The permission alone shows nothing: the partners must be visible too.
    auditor_client = token_client(auditor)
    assert ids(auditor_client.get(URL)) == set()
    decision = {"decision": "approve"}
    url = f"{URL}{deals['b'].pk}/decision/"
    assert auditor_client.post(url, decision, format="json").status_code == 404


def test_deal_fields(world, deals):
    deal = deals["b"]
    body = world.client("user_b").get(f"{URL}{deal.pk}/").json()
    assert body == {
        "id": deal.pk,
        "partner": "CRM-B",
        "customer_name": "Globex",
        "customer_domain": "",
        "country": "DE",
        "region": "emea",
        "products": [deals["product"].pk],
        "estimated_value": "25000.00",
        "currency": "EUR",
        "expected_close_date": deal.expected_close_date.isoformat(),
        "notes": "",
        "status": "submitted",
        "conflict": False,
        "protected_until": None,
    }


def test_a_partner_registers_changes_and_submits_a_draft(world, deals):
    client = world.client("user_a")
    switches = product("Switches")
    created = client.post(URL, new_deal(deals["product"]), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["partner"], body["status"], body["conflict"]) == (
        "CRM-A",
        "draft",
        False,
    )
    assert (body["estimated_value"], body["expected_close_date"]) == (
        "12000.50",
        "2026-11-30",
    )
    deal = Deal.objects.get(pk=body["id"])
    assert (deal.partner, deal.registered_by) == (world.partner_a, world.user_a)
    assert deal.estimated_value == Decimal("12000.50")

    url = f"{URL}{deal.pk}/"
    changed = client.patch(url, {"products": [switches.pk, deals["product"].pk]})
    assert changed.status_code == 415  # JSON only
    changed = client.patch(
        url,
        {"products": [switches.pk, deals["product"].pk], "notes": "Two sites."},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["products"] == sorted([switches.pk, deals["product"].pk])
    assert changed.json()["notes"] == "Two sites."
    assert changed.json()["customer_name"] == "Wayne Enterprises"
    assert "ETag" in changed

    submitted = client.post(f"{url}submit/")
    assert submitted.status_code == 200, submitted.content
    answer = submitted.json()
    assert (answer["status"], answer["conflict"]) == ("submitted", False)
    deal.refresh_from_db()
    due = timezone.localdate(deal.decision_due)
    assert answer["message"].startswith("Your registration was submitted.")
    assert str(due.year) in answer["message"]
    assert [e.action for e in deal.events.all()] == ["created", "submitted"]

    # Only drafts change and are submitted: 409, the registration as it was.
    again = client.patch(url, {"notes": "Later."}, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "code": "wrong_status",
        "message": "This registration is awaiting decision; it cannot be changed "
        "that way.",
    }
    assert client.post(f"{url}submit/").status_code == 409
    assert client.get(url).json()["notes"] == "Two sites."


def test_the_submission_message_is_in_the_callers_language(world, deals):
    client = world.client("user_a")
    response = client.post(f"{URL}{deals['a'].pk}/submit/", **ZH)
    assert response.status_code == 200
    assert response.json()["message"].startswith("您的报备已提交，")  # noqa: RUF001


def test_a_partner_changes_only_its_own_drafts(world, deals):
    client = world.client("user_a")
    for letter in ("b", "c"):
        url = f"{URL}{deals[letter].pk}/"
        assert client.patch(url, {"notes": "x"}, format="json").json() == NOT_FOUND
        assert client.post(f"{url}submit/").json() == NOT_FOUND
    # Staff read every registration but register and change none.
    staff = world.client("staff")
    assert staff.post(URL, new_deal(deals["product"]), format="json").status_code == (
        403
    )
    url = f"{URL}{deals['a'].pk}/"
    assert staff.patch(url, {"notes": "x"}, format="json").status_code == 403
    assert staff.post(f"{url}submit/").status_code == 403
    deals["a"].refresh_from_db()
    assert (deals["a"].status, deals["a"].notes) == ("draft", "")


def test_a_read_only_token_cannot_register(world, deals):
    client = token_client(world.user_a, read_only=True)
    response = client.post(URL, new_deal(deals["product"]), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    assert client.post(f"{URL}{deals['a'].pk}/submit/").status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer_name": "   "}, "customer_name"),
        ({"country": "us"}, "country"),
        ({"region": "europe"}, "region"),
        ({"products": []}, "products"),
        ({"products": ["1"]}, "products"),
        ({"products": [True]}, "products"),
        ({"estimated_value": "12,000"}, "estimated_value"),
        ({"estimated_value": 12000}, "estimated_value"),
        ({"estimated_value": "-5"}, "estimated_value"),
        ({"currency": "usd"}, "currency"),
        ({"expected_close_date": "2026-02-30"}, "expected_close_date"),
        ({"status": "approved"}, "status"),
        ({"partner": "CRM-B"}, "partner"),
        ({"conflict": False}, "conflict"),
    ],
)
def test_registrations_are_refused_in_a_form_the_schema_does_not_give(
    world, deals, change, field
):
    response = world.client("user_a").post(
        URL, new_deal(deals["product"], **change), format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]
    assert Deal.objects.filter(partner=world.partner_a).count() == 1


def test_validation_errors_in_both_languages(world, deals):
    client = world.client("user_a")
    body = new_deal(deals["product"], products=[deals["product"].pk, 987654321])
    del body["customer_name"]
    english = client.post(URL, body, format="json").json()
    assert english["message"] == "Some of the data sent is not valid."
    assert english["errors"] == {
        "customer_name": ["This field is required."],
        "products": ["There is no product with the id 987654321."],
    }
    chinese = client.post(URL, body, format="json", **ZH).json()
    assert chinese["message"] == "提交的部分数据无效。"
    assert chinese["errors"]["products"] == ["不存在 ID 为 987654321 的产品。"]
    assert chinese["errors"]["customer_name"] == ["必需字段"]  # DRF's own


def _distinctive_deal_ids():
    """Deal ids from here on have seven digits, so one found in a response's text
    is that id and not part of another number."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('deals_deal', 'id'), GREATEST("
            "nextval(pg_get_serial_sequence('deals_deal', 'id')), 4000000))"
        )


def test_the_conflict_answer_names_no_rival(world, deals):
    _distinctive_deal_ids()
    rival = draft_deal(
        world.partner_b,
        world.user_b,
        customer_name="Wayne Enterprises GmbH",
        customer_domain="www.wayne.example",
        estimated_value=Decimal("98765.43"),
        currency="EUR",
        products=[deals["product"]],
    )
    rival = deal_submit(deal=rival, by=world.user_b)
    client = world.client("user_a")
    created = client.post(
        URL,
        new_deal(deals["product"], customer_name="wayne enterprises"),
        format="json",
    )
    own = created.json()["id"]

    english = client.post(f"{URL}{own}/submit/")
    chinese = client.get(f"{URL}{own}/", **ZH)
    listing = client.get(URL, {"conflict": "true"})

    assert english.status_code == 200
    answer = english.json()
    assert (answer["id"], answer["status"], answer["conflict"]) == (
        own,
        "submitted",
        True,
    )
    assert answer["message"] == (
        "A registration for this customer already exists. Our channel team will "
        "review both and decide."
    )
    zh_answer = client.post(f"{URL}{own}/submit/", **ZH)
    assert zh_answer.status_code == 409
    assert ids(listing) == {own}
    for response in (english, chinese, listing, zh_answer):
        text = response.content.decode()
        for secret in (
            "Beta Networks",
            "CRM-B",
            "98765.43",
            "98765",
            "Wayne Enterprises GmbH",
            "www.wayne.example",
            str(rival.pk),
        ):
            assert secret not in text, (secret, text)
    # The rival is told the same, and nothing of the newcomer.
    rival_view = world.client("user_b").get(f"{URL}{rival.pk}/").content.decode()
    assert json.loads(rival_view)["conflict"] is True
    for secret in ("Alpha Systems", "CRM-A", "12000.5", str(own)):
        assert secret not in rival_view


def test_the_conflict_message_in_chinese(world, deals):
    client = world.client("user_a")
    rival = draft_deal(
        world.partner_b, world.user_b, customer_name="华东渠道科技有限公司"
    )
    deal_submit(deal=rival, by=world.user_b)
    own = draft_deal(world.partner_a, world.user_a, customer_name="华东渠道科技")
    answer = client.post(f"{URL}{own.pk}/submit/", **ZH).json()
    assert answer["conflict"] is True
    assert (
        answer["message"] == "该客户已有一份报备。渠道团队将审核双方的报备并作出决定。"
    )
    assert "Beta" not in json.dumps(answer, ensure_ascii=False)


def test_staff_decide_submitted_registrations(world, deals):
    staff = world.client("staff")
    url = f"{URL}{deals['b'].pk}/decision/"
    approved = staff.post(url, {"decision": "approve", "note": "Fine."}, format="json")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    protection = DealSettings.load().protection_days
    assert body["status"] == "approved"
    assert (
        body["protected_until"]
        == (timezone.localdate() + datetime.timedelta(days=protection)).isoformat()
    )
    event = deals["b"].events.get(action=DealEvent.Action.APPROVED)
    assert (event.by, event.note) == (world.staff, "Fine.")
    # Decided once: 409.
    again = staff.post(url, {"decision": "reject", "reason": "No."}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "wrong_status")
    # The partner reads the decision; never the internal note.
    seen = world.client("user_b").get(f"{URL}{deals['b'].pk}/").json()
    assert seen["status"] == "approved"
    assert "Fine." not in json.dumps(seen)


def test_a_rejection_needs_a_reason(world, deals):
    client = world.client("manager")
    url = f"{URL}{deals['c'].pk}/decision/"
    for body in (
        {"decision": "reject"},
        {"decision": "reject", "reason": "  "},
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
        assert list(response.json()["errors"]) == ["reason"]
    for body, field in (
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "approve", "protected_until": "2030-01-01"}, "protected_until"),
    ):
        response = client.post(url, body, format="json")
        assert response.status_code == 400, body
        assert list(response.json()["errors"]) == [field]
    rejected = client.post(
        url, {"decision": "reject", "reason": "Not a new customer."}, format="json"
    )
    assert rejected.json()["status"] == "rejected"
    assert deals["c"].events.get(action="rejected").reason == "Not a new customer."


def test_co_sell_approves_both_sides_of_a_conflict(world, deals):
    own = draft_deal(
        world.partner_a,
        world.user_a,
        customer_name="GLOBEX LTD",
        products=[deals["product"]],
    )
    own = deal_submit(deal=own, by=world.user_a)
    assert own.conflict is True
    response = world.client("staff").post(
        f"{URL}{own.pk}/decision/", {"decision": "co_sell"}, format="json"
    )
    assert response.json()["status"] == "approved"
    deals["b"].refresh_from_db()
    assert (deals["b"].status, deals["b"].co_sell) == ("approved", True)


def test_only_staff_who_may_decide_decide(world, deals):
    body = {"decision": "approve"}
    # A partner user: their own registration 403, another partner's 404.
    own = world.client("user_b").post(
        f"{URL}{deals['b'].pk}/decision/", body, format="json"
    )
    assert own.status_code == 403
    assert own.json()["message"] == "You may not decide deal registrations."
    other = world.client("user_a").post(
        f"{URL}{deals['b'].pk}/decision/", body, format="json"
    )
    assert other.json() == NOT_FOUND
    # Staff who see registrations but may not decide them: 403.
    viewer = staff_with_permissions("view_partner", username="viewer")
    grant_deals_view(viewer)
    viewer_client = token_client(viewer)
    assert viewer_client.get(f"{URL}{deals['b'].pk}/").status_code == 200
    refused = viewer_client.post(f"{URL}{deals['b'].pk}/decision/", body, format="json")
    assert refused.status_code == 403
    # The account manager decides their partners' registrations only.
    manager = world.client("manager")
    assert (
        manager.post(f"{URL}{deals['b'].pk}/decision/", body, format="json").json()
        == NOT_FOUND
    )
    decided = manager.post(f"{URL}{deals['c'].pk}/decision/", body, format="json")
    assert decided.json()["status"] == "approved"
    deals["b"].refresh_from_db()
    assert deals["b"].status == "submitted"


def test_deal_filters(world, deals):
    # A region below Greater China: filtering by the parent finds its deals too.
    Region.objects.create(
        code="east_china",
        name="East China",
        name_zh="华东",
        parent=Region.objects.get(code="greater_china"),
    )
    own = draft_deal(
        world.partner_a,
        world.user_a,
        customer_name="Globex GmbH",
        country="CN",
        region="east_china",
    )
    own = deal_submit(deal=own, by=world.user_a)
    client = world.client("staff")
    assert client.get(f"{URL}{own.pk}/").json()["region"] == "east_china"
    cases = [
        ({"region": "east_china"}, {"own"}),
        ({"status": "submitted"}, {"b", "c", "own"}),
        ({"status": "draft"}, {"a"}),
        ({"conflict": "true"}, {"b", "own"}),
        ({"conflict": "false"}, {"a", "c"}),
        ({"partner": "CRM-B"}, {"b"}),
        ({"country": "CN"}, {"own"}),
        ({"region": "greater_china", "partner": "CRM-A"}, {"own"}),
        ({"conflict": ""}, {"a", "b", "c", "own"}),
    ]
    rows = {**deals, "own": own}
    for query, expected in cases:
        assert ids(client.get(URL, query)) == ids_of(rows, expected), query
    for query in (
        {"conflict": "yes"},
        {"conflict": "1"},
        {"status": "pending"},
        {"country": "cn"},
    ):
        response = client.get(URL, query)
        assert response.status_code == 400, query
        assert list(response.json()["errors"]) == list(query)


def test_etag_and_if_none_match(world, deals):
    client = world.client("user_b")
    url = f"{URL}{deals['b'].pk}/"
    tag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    world.client("staff").post(
        f"{url}decision/", {"decision": "approve"}, format="json"
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed.json()["status"] == "approved"


def test_deals_cannot_be_deleted_or_replaced(world, deals):
    client = world.client("user_a")
    url = f"{URL}{deals['a'].pk}/"
    assert client.delete(url).status_code == 405
    assert client.put(url, {}, format="json").status_code == 405
    assert Deal.objects.filter(pk=deals["a"].pk).exists()


@pytest.mark.parametrize("size", [1, 25])
def test_list_query_counts_are_constant(
    world, deals, size, django_assert_max_num_queries
):
    products = [product(f"Product {n}") for n in range(3)]
    for n in range(24):
        partner = PartnerFactory(account_manager=world.manager)
        account_manager_permissions_sync(partner=partner)
        draft_deal(partner, customer_name=f"Customer {n}", products=products)
        draft_deal(world.partner_a, customer_name=f"Lead {n}", products=products)
    expected = {"staff": size, "manager": size, "user_a": size}
    for who in ("staff", "manager", "user_a"):
        client = world.client(who)
        with django_assert_max_num_queries(8):
            response = client.get(URL, {"page_size": size})
        assert len(response.json()["results"]) == expected[who]


def test_deal_webhooks_are_offered_and_delivered(
    world, deals, django_capture_on_commit_callbacks
):
    offered = {name for name, _label in event_choices()}
    assert {"deal.registered", "deal.status_changed", "mdf.claim_approved"} <= offered
    client = world.client("user_a")
    url = f"{URL}{deals['a'].pk}/"
    with Receiver() as receiver:
        subscribe(receiver.url, "deal.registered", "deal.status_changed")
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"{url}submit/").status_code == 200
        submitted = [json.loads(item["body"]) for item in receiver.received]
        with django_capture_on_commit_callbacks(execute=True):
            response = world.client("staff").post(
                f"{url}decision/", {"decision": "approve"}, format="json"
            )
            assert response.status_code == 200
    assert sorted(event["event"] for event in submitted) == [
        "deal.registered",
        "deal.status_changed",
    ]
    registered = next(e for e in submitted if e["event"] == "deal.registered")
    assert registered["data"] == {"deal": deals["a"].pk, "partner": "CRM-A"}
    assert events_of(receiver)[2:] == ["deal.status_changed"]
    decided = json.loads(receiver.received[2]["body"])["data"]
    assert (decided["deal"], decided["status"]) == (deals["a"].pk, "approved")
