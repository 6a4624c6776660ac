"""The audience filter holds inside the query: hits, totals, facets, highlights and
suggestions, at every tier, on Elasticsearch and on the database fallback."""

import uuid

from django.contrib.auth.models import AnonymousUser

import pytest

from partner_portal.partners.access import audience_for
from partner_portal.partners.models import Stage, Tier
from search.client import get_client
from search.index import drain
from search.query import search, suggest
from tests.factories import StaffFactory
from tests.testapp.models import GatedItem

TIERS = ["registered", "silver", "gold", "platinum"]


@pytest.fixture
def corpus(db, settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    GatedItem.objects.create(title="Zebra guide markerpublic", access_level="public")
    GatedItem.objects.create(title="Zebra guide markerpartner", access_level="partner")
    GatedItem.objects.create(title="Zebra guide markerstaff", access_level="staff")
    for tier in Tier.objects.all():
        GatedItem.objects.create(
            title=f"Zebra guide marker{tier.code}", access_level="tier", min_tier=tier
        )
    drain()
    client = get_client()  # the live node, even if a test points settings elsewhere
    yield
    client.indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def expected_markers(who):
    if who == "staff":
        return {"public", "partner", "staff", *TIERS}
    if who in ("anonymous", "suspended"):
        return {"public"}
    return {"public", "partner", *TIERS[: TIERS.index(who) + 1]}


def audience_of(who, partner_user_at):
    if who == "anonymous":
        return audience_for(AnonymousUser())
    if who == "staff":
        return audience_for(StaffFactory())
    if who == "suspended":
        return audience_for(partner_user_at("platinum", Stage.SUSPENDED))
    return audience_for(partner_user_at(who, Stage.ACTIVE))


def markers(texts):
    found = set()
    for text in texts:
        for word in text.replace("<mark>", " ").replace("</mark>", " ").split():
            if word.startswith("marker"):
                found.add(word.removeprefix("marker"))
    return found


WHO = ["anonymous", "suspended", *TIERS, "staff"]


@pytest.mark.parametrize("who", WHO)
def test_elasticsearch_answers_only_what_the_audience_may_see(
    corpus, partner_user_at, who
):
    audience = audience_of(who, partner_user_at)
    expected = expected_markers(who)

    result = search(audience=audience, query="zebra guide")

    assert not result.degraded
    assert markers(hit["title"] for hit in result.hits) == expected
    assert result.total == len(expected)
    assert dict(result.facets["kind"]) == {"gated-item": len(expected)}
    assert markers(hit["title_highlight"] or "" for hit in result.hits) <= expected
    assert markers(suggest(audience=audience, prefix="zeb")) == expected


def test_misspelt_words_still_find(corpus):
    result = search(audience=audience_for(StaffFactory()), query="zebar guide")
    assert result.total == 7


@pytest.mark.parametrize("who", WHO)
def test_the_database_answers_with_the_same_filter_while_elasticsearch_is_down(
    corpus, partner_user_at, settings, who
):
    audience = audience_of(who, partner_user_at)
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 0.5

    result = search(audience=audience, query="zebra")

    assert result.degraded
    assert markers(hit["title"] for hit in result.hits) == expected_markers(who)
    assert result.total == len(expected_markers(who))
