"""A search longer than a person would type is refused with a message, on the portal
and the API alike, before it reaches Elasticsearch or the database."""

import uuid

import pytest

from search.models import SearchQuery
from tests.partner_portal.api.conftest import token_client

MESSAGE = (
    "A search can have at most 200 characters and 32 words. Shorten it and search "
    "again."
)
# The query of the report: 4 KB, 570 words.
HUGE = " ".join(["pricing", "guide"] * 285)


@pytest.fixture(autouse=True)
def own_index(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def partner(client, partner_user_at):
    user = partner_user_at("gold")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "query", [HUGE, "x" * 201, " ".join(["vpn"] * 33)], ids=["4kb", "201", "33"]
)
def test_the_portal_refuses_a_long_search_with_a_message(client, partner, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    assert MESSAGE in response.text
    assert not SearchQuery.objects.exists()


def test_the_refusal_speaks_chinese(client, partner):
    response = client.get("/search/", {"q": HUGE}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "搜索内容最多 200 个字符、32 个词，请缩短后重新搜索。" in response.text  # noqa: RUF001


def test_a_search_at_the_limits_runs(client, partner):
    response = client.get("/search/", {"q": " ".join(["vpn"] * 32)})
    assert response.status_code == 200
    assert MESSAGE not in response.text
    assert SearchQuery.objects.count() == 1


def test_suggestions_for_a_long_prefix_are_none(client, partner):
    response = client.get("/search/suggest/", {"q": HUGE})
    assert response.status_code == 200
    assert response.json() == {"suggestions": []}


@pytest.mark.parametrize(
    "query", [HUGE, "x" * 201, " ".join(["vpn"] * 33)], ids=["4kb", "201", "33"]
)
def test_the_api_refuses_a_long_search_with_the_same_message(partner, query):
    response = token_client(partner).get("/api/v1/search/", {"q": query})
    assert response.status_code == 400
    assert response.json()["errors"] == {"q": [MESSAGE]}
    assert not SearchQuery.objects.exists()


def test_the_api_schema_declares_the_length(partner):
    schema = token_client(partner).get("/api/schema/?format=json").json()
    (q,) = [
        p
        for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]
        if p["name"] == "q"
    ]
    assert q["schema"]["maxLength"] == 200
    assert "32 words" in q["description"]
