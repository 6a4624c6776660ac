"""/api/v1/mdf-requests/ and /api/v1/mdf-claims/: read-only, scoped to partner
admins and marketing users and to staff by permission and account manager; the
fields as the records hold them, filters, query counts."""

import pytest

from partner_portal.api.webhooks.events import event_choices
from partner_portal.deals.models import FundClaim, FundRequest
from partner_portal.partners.services import (
    account_manager_permissions_sync,
    partner_update,
)
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory
from tests.partner_portal.deals.factories import allocation

from .conftest import grant_deals_view, token_client

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/mdf-requests/"
CLAIMS = "/api/v1/mdf-claims/"
NOT_FOUND = {"code": "not_found", "message": "Nothing was found at this address."}

# Which partners' requests and claims each caller sees (the `mdf` fixture has one
# of each per partner); partner users are marketing users unless named.
VISIBLE = {
    "marketing_a": {"a"},
    "marketing_b": {"b"},
    "admin_a": {"a"},
    "sales_a": set(),
    "technical_a": set(),
    "manager": {"c"},
    "staff": {"a", "b", "c"},
}


def caller(world, who):
    if who in ("manager", "staff"):
        return world.client(who)
    role, letter = who.split("_")
    partner = getattr(world, f"partner_{letter}")
    return token_client(MembershipFactory(partner=partner, role=role).user)


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def ids_of(mdf, kind, letters):
    return {mdf[letter][kind].pk for letter in letters}


@pytest.mark.parametrize("who", list(VISIBLE))
def test_requests_and_claims_are_scoped(world, mdf, who):
    client = caller(world, who)
    assert ids(client.get(REQUESTS)) == ids_of(mdf, "request", VISIBLE[who])
    assert ids(client.get(CLAIMS)) == ids_of(mdf, "claim", VISIBLE[who])
    for letter in ("a", "b", "c"):
        for url, kind in ((REQUESTS, "request"), (CLAIMS, "claim")):
            response = client.get(f"{url}{mdf[letter][kind].pk}/")
            if letter in VISIBLE[who]:
                assert response.json()["id"] == mdf[letter][kind].pk
            else:
                assert response.status_code == 404
                assert response.json() == NOT_FOUND


def test_anonymous_callers_and_suspended_partners_are_refused(world, mdf):
    assert world.client("anonymous").get(REQUESTS).status_code == 401
    client = caller(world, "marketing_a")
    assert ids(client.get(CLAIMS)) == ids_of(mdf, "claim", ["a"])
    partner_update(partner=world.partner_a, by=None, reason="Breach", stage="suspended")
    for url in (REQUESTS, CLAIMS, f"{CLAIMS}{mdf['a']['claim'].pk}/"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"


def test_staff_need_the_mdf_permissions(world, mdf):
    client = token_client(StaffFactory(username="no-mdf"))
    assert ids(client.get(REQUESTS)) == set()
    assert ids(client.get(CLAIMS)) == set()
    assert client.get(f"{REQUESTS}{mdf['b']['request'].pk}/").status_code == 404
    auditor = StaffFactory(username="auditor")
    grant_deals_view(auditor)
    # The permissions alone show nothing: the partners must be visible too.
    assert ids(token_client(auditor).get(CLAIMS)) == set()


def test_request_and_claim_fields(world, mdf):
    client = caller(world, "marketing_b")
    request = mdf["b"]["request"]
    claim = mdf["b"]["claim"]
    assert client.get(f"{REQUESTS}{request.pk}/").json() == {
        "id": request.pk,
        "partner": "CRM-B",
        "period": "2026-Q4",
        "currency": "USD",
        "activity_type": "event",
        "title": "Launch event B",
        "start_date": "2026-10-10",
        "end_date": "2026-10-11",
        "planned_cost": "2500.00",
        "status": "approved",
        "approved_amount": "2000.00",
    }
    body = client.get(f"{CLAIMS}{claim.pk}/").json()
    assert body == {
        "id": claim.pk,
        "request": request.pk,
        "partner": "CRM-B",
        "currency": "USD",
        "actual_cost": "2100.00",
        "status": "paid",
        "approved_amount": "900.00",
        "paid_at": body["paid_at"],
    }
    assert body["paid_at"].startswith(str(claim.paid_at.year))
    pending = caller(world, "manager").get(f"{CLAIMS}{mdf['c']['claim'].pk}/").json()
    assert (pending["status"], pending["approved_amount"], pending["paid_at"]) == (
        "submitted",
        None,
        None,
    )


def test_mdf_is_read_only(world, mdf):
    client = caller(world, "admin_a")
    claim_url = f"{CLAIMS}{mdf['a']['claim'].pk}/"
    request_url = f"{REQUESTS}{mdf['a']['request'].pk}/"
    assert client.post(CLAIMS, {}, format="json").status_code == 405
    assert client.post(REQUESTS, {}, format="json").status_code == 405
    assert client.patch(claim_url, {"status": "paid"}, format="json").status_code == (
        405
    )
    assert client.delete(request_url).status_code == 405
    assert client.get(claim_url).json()["status"] == "approved"


def test_mdf_filters(world, mdf):
    later = allocation(world.partner_a, period="2027", currency="EUR")
    training = FundRequest.objects.create(
        allocation=later,
        partner=world.partner_a,
        activity_type="training",
        title="Partner bootcamp",
        description="Two days.",
        start_date="2027-03-01",
        end_date="2027-03-02",
        planned_cost="800.00",
    )
    client = world.client("staff")
    rows = {letter: mdf[letter]["request"] for letter in "abc"} | {"t": training}
    for query, expected in [
        ({"partner": "CRM-A"}, {"a", "t"}),
        ({"period": "2027"}, {"t"}),
        ({"period": "2026-Q4", "partner": "CRM-C"}, {"c"}),
        ({"currency": "EUR"}, {"t"}),
        ({"activity_type": "training"}, {"t"}),
        ({"status": "submitted"}, {"t"}),
        ({"status": ""}, {"a", "b", "c", "t"}),
    ]:
        found = ids(client.get(REQUESTS, query))
        assert found == {rows[k].pk for k in expected}, query
    claims = {letter: mdf[letter]["claim"] for letter in "abc"}
    for query, expected in [
        ({"status": "paid"}, {"b"}),
        ({"request": str(mdf["c"]["request"].pk)}, {"c"}),
        ({"partner": "CRM-A", "status": "approved"}, {"a"}),
    ]:
        found = ids(client.get(CLAIMS, query))
        assert found == {claims[k].pk for k in expected}, query
    for url, query in [
        (REQUESTS, {"period": "2026-07"}),
        (REQUESTS, {"currency": "eur"}),
        (REQUESTS, {"activity_type": "party"}),
        (CLAIMS, {"request": "a1"}),
        (CLAIMS, {"status": "expired"}),
    ]:
        response = client.get(url, query)
        assert response.status_code == 400, query
        assert list(response.json()["errors"]) == list(query)


def test_errors_in_chinese(world, mdf):
    client = caller(world, "sales_a")
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    response = client.get(f"{CLAIMS}{mdf['a']['claim'].pk}/", **zh)
    assert response.json() == {
        "code": "not_found",
        "message": "此地址下未找到任何内容。",
    }
    invalid = world.client("staff").get(REQUESTS, {"period": "2026-7"}, **zh).json()
    assert invalid["errors"] == {
        "period": ["请按 2026-Q3（季度）或 2026（年）的格式填写期间。"]  # noqa: RUF001
    }


@pytest.mark.parametrize("size", [1, 25])
def test_list_query_counts_are_constant(
    world, mdf, size, django_assert_max_num_queries
):
    for n in range(24):
        partner = PartnerFactory(account_manager=world.manager)
        account_manager_permissions_sync(partner=partner)
        funds = allocation(partner, period=f"20{30 + n}")
        request = FundRequest.objects.create(
            allocation=funds,
            partner=partner,
            activity_type="digital",
            title=f"Campaign {n}",
            description="Search ads.",
            start_date="2026-10-01",
            end_date="2026-10-31",
            planned_cost="500.00",
            status=FundRequest.Status.APPROVED,
            approved_amount="500.00",
        )
        FundClaim.objects.create(
            request=request,
            partner=partner,
            request_amount=request.approved_amount,
            actual_cost="450.00",
        )
    for who in ("staff", "manager"):
        client = world.client(who)
        for url in (REQUESTS, CLAIMS):
            with django_assert_max_num_queries(8):
                response = client.get(url, {"page_size": size})
            assert len(response.json()["results"]) == size


def test_claim_approved_is_offered_to_subscriptions(world):
    assert "mdf.claim_approved" in {name for name, _label in event_choices()}
