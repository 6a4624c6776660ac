import pytest

from partner_portal.partners.models import Stage, TierChange
from partner_portal.partners.services import partner_update
from tests.factories import PartnerFactory, tier

from .conftest import CALLERS, VISIBLE

pytestmark = pytest.mark.django_db


def names(response):
    return {row["external_id"] for row in response.json()["results"]}


def partners_of(world, letters):
    return {getattr(world, f"partner_{letter}").external_id for letter in letters}


@pytest.mark.parametrize("who", CALLERS)
def test_partner_list_is_scoped(world, who):
    response = world.client(who).get("/api/v1/partners/")
    if who == "anonymous":
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        return
    assert response.status_code == 200
    assert names(response) == partners_of(world, VISIBLE[who])


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("letter", ["a", "b", "c"])
@pytest.mark.parametrize("suffix", ["", "tier-history/"])
def test_partner_detail_is_scoped(world, who, letter, suffix):
    partner = getattr(world, f"partner_{letter}")
    client = world.client(who)
    for lookup in (partner.pk, f"ext:{partner.external_id}"):
        response = client.get(f"/api/v1/partners/{lookup}/{suffix}")
        if who == "anonymous":
            assert response.status_code == 401
        elif letter in VISIBLE[who]:
            assert response.status_code == 200
        else:
            # Another partner's object does not exist, as far as this caller knows.
            assert response.status_code == 404
            assert response.json() == {
                "code": "not_found",
                "message": "Nothing was found at this address.",
            }


@pytest.mark.parametrize("lookup", ["99999999999999999999999", "ext:", "ext:NOPE"])
def test_odd_lookups_answer_404(world, lookup):
    response = world.client("staff").get(f"/api/v1/partners/{lookup}/")
    assert response.status_code == 404


def test_tier_history_lists_changes_newest_first(world):
    for code in ("silver", "gold"):
        partner_update(
            partner=world.partner_a, by=world.staff, reason="Grew", tier=tier(code)
        )
    response = world.client("user_a").get(
        f"/api/v1/partners/{world.partner_a.pk}/tier-history/"
    )
    assert response.status_code == 200
    rows = response.json()["results"]
    assert TierChange.objects.filter(partner=world.partner_a).count() == 2
    assert [row["tier"]["code"] for row in rows] == ["gold", "silver"]


def test_partner_fields(world):
    response = world.client("manager").get(f"/api/v1/partners/{world.partner_c.pk}/")
    body = response.json()
    assert body["tier"] == {"code": "registered", "name": "Registered", "rank": 1}
    assert body["stage"] == "active"
    assert body["region"] == "emea"
    assert body["country"] == "DE"
    assert body["partner_type"] == "reseller"
    assert body["account_manager"]["id"] == world.manager.pk


def json_of(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))


def test_fast_partner_output_equals_drf_generic_output(world):
    from rest_framework import serializers

    from partner_portal.api.serializers import PartnerSerializer

    partner_update(partner=world.partner_c, by=None, joined_on="2026-01-02")
    world.partner_c.refresh_from_db()
    for partner in (world.partner_a, world.partner_c):
        fast = PartnerSerializer(partner).data
        generic = serializers.ModelSerializer.to_representation(
            PartnerSerializer(), partner
        )
        assert fast == generic
        # The list builds the same objects from `.values()` rows.
        listed = world.client("staff").get(
            "/api/v1/partners/", {"search": partner.name}
        )
        assert listed.json()["results"] == [json_of(generic)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tier=silver", {"CRM-B"}),
        ("stage=at_risk", {"CRM-C"}),
        ("region=apac", {"CRM-A"}),
        ("country=CN", {"CRM-A"}),
        ("partner_type=msp", {"CRM-B"}),
        ("search=gamma", {"CRM-C"}),
    ],
)
def test_partner_filters(world, query, expected):
    partner_update(partner=world.partner_a, by=None, region="apac", country="CN")
    partner_update(
        partner=world.partner_b,
        by=None,
        reason="Promoted",
        tier=tier("silver"),
        partner_type="msp",
    )
    partner_update(partner=world.partner_c, by=None, reason="Slow", stage="at_risk")
    response = world.client("staff").get(f"/api/v1/partners/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_updated_since_returns_rows_changed_since(world):
    since = world.partner_c.updated_at
    partner_update(partner=world.partner_a, by=None, phone="+49 1")
    response = world.client("staff").get(
        "/api/v1/partners/", {"updated_since": since.isoformat()}
    )
    assert names(response) == {"CRM-A", "CRM-C"}


@pytest.mark.parametrize(
    "moment", ["0447-11-12T03:49:16+16:52", "0001-01-01T00:00:00+10:00", "yesterday"]
)
def test_odd_updated_since_answers_400_not_500(world, moment):
    response = world.client("staff").get("/api/v1/partners/", {"updated_since": moment})
    assert response.status_code in {200, 400}


def test_invalid_filter_answers_json_error(world):
    response = world.client("staff").get("/api/v1/partners/?stage=nonsense")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "stage" in body["errors"]


def test_cursor_pagination_walks_every_row_once(world):
    PartnerFactory.create_batch(7)
    client = world.client("staff")
    seen, url = [], "/api/v1/partners/?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == 10
    assert seen == sorted(set(seen))


def test_page_size_is_capped(world):
    PartnerFactory.create_batch(3)
    body = world.client("staff").get("/api/v1/partners/?page_size=100000").json()
    assert len(body["results"]) == 6


def test_etag_and_if_none_match(world):
    client = world.client("user_a")
    url = f"/api/v1/partners/{world.partner_a.pk}/"
    first = client.get(url)
    tag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304
    assert again.content == b""
    partner_update(partner=world.partner_a, by=None, phone="+49 2")
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag


def test_errors_speak_the_callers_language(world):
    english = world.client("anonymous").get(
        "/api/v1/partners/", HTTP_ACCEPT_LANGUAGE="en"
    )
    chinese = world.client("anonymous").get(
        "/api/v1/partners/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert english.json()["code"] == chinese.json()["code"] == "not_authenticated"
    assert english.json()["message"] == "Authentication credentials were not provided."
    assert chinese.json()["message"] == "身份认证信息未提供。"


# --- writes -------------------------------------------------------------------


def test_staff_with_change_permission_updates_the_profile(world):
    response = world.client("staff").patch(
        f"/api/v1/partners/{world.partner_b.pk}/",
        {"phone": "+86 10 1234", "website": "https://beta.example"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    world.partner_b.refresh_from_db()
    assert world.partner_b.phone == "+86 10 1234"
    assert response.json()["website"] == "https://beta.example"


def test_account_manager_updates_only_assigned_partners(world):
    client = world.client("manager")
    ok = client.patch(
        f"/api/v1/partners/{world.partner_c.pk}/", {"phone": "1"}, format="json"
    )
    assert ok.status_code == 200
    foreign = client.patch(
        f"/api/v1/partners/{world.partner_a.pk}/", {"phone": "1"}, format="json"
    )
    assert foreign.status_code == 404


@pytest.mark.parametrize("who", ["user_a"])
def test_partner_users_cannot_change_their_partner(world, who):
    response = world.client(who).patch(
        f"/api/v1/partners/{world.partner_a.pk}/", {"phone": "1"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize(
    "payload",
    [
        {"tier": "platinum"},
        {"stage": "terminated"},
        {"external_id": "HIJACK"},
        {"account_manager": 1},
        {"id": 999},
        {"partner": 1},
        {"phone": "1", "stage": "suspended"},
    ],
)
def test_mass_assignment_is_refused(world, payload):
    response = world.client("staff").patch(
        f"/api/v1/partners/{world.partner_b.pk}/", payload, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == set(payload) - {"phone"}
    world.partner_b.refresh_from_db()
    assert world.partner_b.stage == Stage.ACTIVE
    assert world.partner_b.tier.code == "registered"
    assert world.partner_b.external_id == "CRM-B"
    assert world.partner_b.phone == ""


def test_put_post_and_delete_are_not_offered(world):
    client = world.client("staff")
    url = f"/api/v1/partners/{world.partner_b.pk}/"
    assert client.put(url, {}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.post("/api/v1/partners/", {}, format="json").status_code == 405


# --- query counts -------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 50])
def test_partner_list_query_count_is_constant(
    world, size, django_assert_max_num_queries
):
    PartnerFactory.create_batch(60, account_manager=world.manager)
    for who, limit in [("staff", 8), ("manager", 8), ("user_a", 8)]:
        client = world.client(who)
        with django_assert_max_num_queries(limit):
            response = client.get(f"/api/v1/partners/?page_size={size}")
        assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 50])
def test_tier_history_query_count_is_constant(
    world, size, django_assert_max_num_queries
):
    for code in ["silver", "gold", "platinum", "silver"] * 3:
        partner_update(partner=world.partner_a, by=None, reason="x", tier=tier(code))
    client = world.client("staff")
    with django_assert_max_num_queries(8):
        response = client.get(
            f"/api/v1/partners/{world.partner_a.pk}/tier-history/?page_size={size}"
        )
    assert response.status_code == 200


def test_404_and_invalid_errors_speak_chinese_too(world):
    client = world.client("user_a")
    missing = client.get(
        f"/api/v1/partners/{world.partner_b.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert missing.json() == {
        "code": "not_found",
        "message": "此地址下未找到任何内容。",
    }
    invalid = client.get(
        "/api/v1/partners/?stage=nonsense", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert invalid.json()["code"] == "invalid"
    assert invalid.json()["message"] == "提交的部分数据无效。"
