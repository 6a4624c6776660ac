import datetime

from django.utils import timezone

import pytest

from learning.models import CertificationAward
from learning.services import award_create, award_revoke
from tests.factories import StaffFactory

from .conftest import CALLERS, VISIBLE, grant_award_view, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/certifications/"


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def ids_of(awards, letters):
    return {awards[letter].pk for letter in letters}


@pytest.mark.parametrize("who", CALLERS)
def test_award_list_is_scoped(world, awards, who):
    response = world.client(who).get(URL)
    if who == "anonymous":
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        return
    assert response.status_code == 200
    assert ids(response) == ids_of(awards, VISIBLE[who])


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("letter", ["a", "b", "c"])
def test_award_detail_is_scoped(world, awards, who, letter):
    response = world.client(who).get(f"{URL}{awards[letter].pk}/")
    if who == "anonymous":
        assert response.status_code == 401
    elif letter in VISIBLE[who]:
        assert response.status_code == 200
        assert response.json()["credential_id"] == awards[letter].credential_id
    else:
        assert response.status_code == 404
        assert response.json() == {
            "code": "not_found",
            "message": "Nothing was found at this address.",
        }


def test_staff_without_the_award_permission_see_none(world, awards):
    client = token_client(StaffFactory(username="no-learning"))
    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{awards['a'].pk}/").status_code == 404


def test_suspended_partner_users_see_no_awards(world, awards):
    from partner_portal.partners.services import partner_update

    client = token_client(world.user_a)
    partner_update(partner=world.partner_a, by=None, reason="Breach", stage="suspended")
    assert client.get(URL).status_code == 401


def test_award_fields_and_status_as_the_learning_app_computes_it(world, awards):
    body = world.client("staff").get(URL).json()["results"]
    by_id = {row["id"]: row for row in body}
    today = timezone.localdate()
    for letter, status in [("a", "active"), ("b", "expired"), ("c", "revoked")]:
        award = awards[letter]
        row = by_id[award.pk]
        assert row["status"] == status == award.status_on(today)
        assert row["issued_at"] == award.issued_at.isoformat()
        assert row["expires_at"] == award.expires_at.isoformat()
    row = by_id[awards["a"].pk]
    assert row["holder"]["id"] == world.user_a.pk
    assert row["holder"]["email"] == world.user_a.email
    assert row["partner"] == {
        "id": world.partner_a.pk,
        "external_id": "CRM-A",
        "name": "Alpha Systems",
    }
    assert row["certification"] == {
        "code": "net-pro",
        "name": "Network Pro",
        "name_zh": "",
    }
    assert by_id[awards["c"].pk]["revoked_on"] == today.isoformat()


def test_an_award_carries_both_names_whatever_the_callers_language(world, awards):
    awards["a"].certification.name_zh = "网络专家认证"
    awards["a"].certification.save()
    response = world.client("staff").get(
        f"{URL}{awards['a'].pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.json()["certification"] == {
        "code": "net-pro",
        "name": "Network Pro",
        "name_zh": "网络专家认证",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("partner=CRM-A", {"a"}),
        ("certification=sec-pro", {"c"}),
        ("status=active", {"a"}),
        ("status=expired", {"b"}),
        ("status=revoked", {"c"}),
        ("expires_before=" + "{in_a_month}", {"b", "c"}),
        ("partner=CRM-B&status=active", set()),
    ],
)
def test_award_filters(world, awards, query, expected):
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    query = query.format(in_a_month=in_a_month.isoformat())
    response = world.client("staff").get(f"{URL}?{query}")
    assert response.status_code == 200
    assert ids(response) == ids_of(awards, expected)


def test_invalid_status_answers_400(world, awards):
    response = world.client("staff").get(f"{URL}?status=lapsed")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_updated_since_sees_revocations(world, awards):
    since = timezone.now()
    response = world.client("staff").get(URL, {"updated_since": since.isoformat()})
    assert ids(response) == set()
    award_revoke(award=awards["a"], by=world.staff, reason="Left the company")
    response = world.client("staff").get(URL, {"updated_since": since.isoformat()})
    assert ids(response) == {awards["a"].pk}
    assert response.json()["results"][0]["status"] == "revoked"


def test_etag_and_if_none_match(world, awards):
    client = world.client("user_a")
    url = f"{URL}{awards['a'].pk}/"
    tag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    award_revoke(award=awards["a"], by=world.staff, reason="Left the company")
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed.json()["status"] == "revoked"


def test_awards_cannot_be_written(world, awards):
    client = world.client("staff")
    url = f"{URL}{awards['a'].pk}/"
    assert client.post(URL, {"user": 1}, format="json").status_code == 405
    assert client.patch(url, {"status": "active"}, format="json").status_code == 405
    assert client.put(url, {}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert CertificationAward.objects.get(pk=awards["a"].pk).revoked_on is None


@pytest.mark.parametrize("size", [1, 50])
def test_award_list_query_count_is_constant(
    world, awards, size, django_assert_max_num_queries
):
    today = timezone.localdate()
    certification = awards["a"].certification
    for _n in range(60):
        award_create(
            user=world.user_a,
            certification=certification,
            issued_at=today,
            expires_at=today + datetime.timedelta(days=90),
        )
    for who in ("staff", "manager", "user_a"):
        client = world.client(who)
        with django_assert_max_num_queries(8):
            response = client.get(f"{URL}?page_size={size}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == (1 if who == "manager" else size)


def test_a_second_staff_member_needs_the_permission_too(world, awards):
    other = StaffFactory(username="auditor")
    grant_award_view(other)
    # Awards permission alone shows nothing: the partners must be visible too.
    assert token_client(other).get(URL).json()["results"] == []
