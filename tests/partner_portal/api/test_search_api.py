"""GET /api/v1/search/: the token's user sees only what their tier allows, in hits,
totals, facet counts and highlights; filters, pages, and the database fallback."""

import uuid

from wagtail.models import Site

import pytest
from rest_framework.test import APIClient

from partner_portal.partners.models import AccessLevel, Product, Stage, Tier
from partner_portal.resources.models import AssetPage, PolicyPage
from search.client import get_client
from search.index import drain
from tests.factories import StaffFactory
from tests.partner_portal.resources.conftest import make_library, publish
from tests.testapp.models import GatedItem

from .conftest import token_client

TIERS = ["registered", "silver", "gold", "platinum"]
WHO = [*TIERS, "staff"]


@pytest.fixture
def prefix(db, settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    client = get_client()  # the live node, even if a test points settings elsewhere
    yield
    client.indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


@pytest.fixture
def corpus(prefix):
    """One item per access level, each titled with its own marker word."""
    for level in ("public", "partner", "staff"):
        GatedItem.objects.create(
            title=f"Yak handbook marker{level}", access_level=level
        )
    for tier in Tier.objects.all():
        GatedItem.objects.create(
            title=f"Yak handbook marker{tier.code}", access_level="tier", min_tier=tier
        )
    drain()


def expected_markers(who):
    if who == "staff":
        return {"public", "partner", "staff", *TIERS}
    return {"public", "partner", *TIERS[: TIERS.index(who) + 1]}


def markers(texts):
    found = set()
    for text in texts:
        for word in text.replace("<mark>", " ").replace("</mark>", " ").split():
            if word.startswith("marker"):
                found.add(word.removeprefix("marker"))
    return found


@pytest.fixture
def api_as(partner_user_at):
    def make(who, stage=Stage.ACTIVE):
        user = StaffFactory() if who == "staff" else partner_user_at(who, stage)
        return token_client(user)

    return make


@pytest.mark.parametrize("who", WHO)
def test_each_tier_finds_only_what_it_may_see(corpus, api_as, who):
    response = api_as(who).get("/api/v1/search/", {"q": "yak handbook"})

    assert response.status_code == 200
    body = response.json()
    expected = expected_markers(who)
    assert markers(hit["title"] for hit in body["results"]) == expected
    assert body["count"] == len(expected)
    assert body["facets"]["kind"] == [{"value": "gated-item", "count": len(expected)}]
    assert markers(hit["title_highlight"] or "" for hit in body["results"]) == expected
    assert body["incomplete"] is False


def test_anonymous_callers_and_suspended_partners_get_401(corpus, api_as):
    response = APIClient().get("/api/v1/search/", {"q": "yak"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    response = api_as("gold", Stage.SUSPENDED).get("/api/v1/search/", {"q": "yak"})
    assert response.status_code == 401


def test_pages_link_to_each_other(corpus, api_as):
    client = api_as("staff")
    first = client.get("/api/v1/search/", {"q": "yak", "page_size": 3}).json()
    assert (first["count"], first["page"], first["pages"]) == (7, 1, 3)
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None
    assert client.get(third["previous"]).json() == second
    titles = [
        hit["title"] for page in (first, second, third) for hit in page["results"]
    ]
    assert len(set(titles)) == 7


def test_bad_parameters_answer_400(corpus, api_as):
    client = api_as("gold")
    missing = client.get("/api/v1/search/")
    assert missing.status_code == 400
    assert "q" in missing.json()["errors"]
    unknown = client.get("/api/v1/search/", {"q": "yak", "kind": "spaceship"})
    assert unknown.status_code == 400
    assert "kind" in unknown.json()["errors"]


@pytest.mark.parametrize("who", ["silver", "platinum"])
def test_the_database_answers_while_elasticsearch_is_unreachable(
    corpus, api_as, settings, who
):
    client = api_as(who)
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 0.5

    response = client.get("/api/v1/search/", {"q": "yak"})

    assert response.status_code == 200
    body = response.json()
    assert body["incomplete"] is True
    expected = expected_markers(who)
    assert markers(hit["title"] for hit in body["results"]) == expected
    assert body["count"] == len(expected)
    assert body["facets"]["kind"] == [{"value": "gated-item", "count": len(expected)}]


@pytest.fixture
def assets(prefix, settings, tmp_path):
    """Three public assets that differ in type, language and product."""
    settings.MEDIA_ROOT = tmp_path / "media"
    library = make_library(Site.objects.get(is_default_site=True).root_page)
    gateway = Product.objects.create(name="Edge Gateway")
    backup = Product.objects.create(name="Cloud Backup")
    for title, asset_type, language, product in [
        ("Walrus brochure", "brochure", "en", gateway),
        ("Walrus 手册", "brochure", "zh-hans", backup),
        ("Walrus datasheet", "datasheet", "en", backup),
    ]:
        asset = AssetPage(
            title=title,
            asset_type=asset_type,
            language=language,
            access_level=AccessLevel.PUBLIC,
        )
        library.add_child(instance=asset)
        asset.products.set([product])
        publish(asset)
    drain()


def test_filters_narrow_the_results_and_facets_count_them(assets, api_as):
    client = api_as("registered")
    every = client.get("/api/v1/search/", {"q": "walrus"}).json()
    assert every["count"] == 3
    assert every["facets"]["asset_type"] == [
        {"value": "brochure", "count": 2},
        {"value": "datasheet", "count": 1},
    ]
    assert {"value": "Cloud Backup", "count": 2} in every["facets"]["product"]

    def titles(**filters):
        body = client.get("/api/v1/search/", {"q": "walrus", **filters}).json()
        return {hit["title"] for hit in body["results"]}

    assert titles(asset_type="brochure") == {"Walrus brochure", "Walrus 手册"}
    assert titles(language="zh-hans") == {"Walrus 手册"}
    assert titles(product="Cloud Backup", asset_type="datasheet") == {
        "Walrus datasheet"
    }
    assert titles(kind="course") == set()


# What a page shows for "research" in "Research & Development <b>x</b>": the text
# escaped once, the hit in <mark>, no other markup.
HIGHLIGHT = "<mark>Research</mark> &amp; Development &lt;b&gt;x&lt;/b&gt;"


@pytest.fixture
def ampersands(prefix, settings, tmp_path):
    """The same words in a policy's rich text, saved as the editor saves it (escaped),
    and in an asset's plain title and summary."""
    settings.MEDIA_ROOT = tmp_path / "media"
    root = Site.objects.get(is_default_site=True).root_page
    policy = PolicyPage(
        title="Lab policy",
        slug="lab-policy",
        policy_type="code_of_conduct",
        body="<p>Research &amp; Development &lt;b&gt;x&lt;/b&gt;</p>",
        access_level=AccessLevel.PUBLIC,
    )
    root.add_child(instance=policy)
    publish(policy)
    asset = AssetPage(
        title="Research & Development <b>x</b>",
        asset_type="brochure",
        summary="Research & Development <b>x</b>",
        access_level=AccessLevel.PUBLIC,
    )
    make_library(root).add_child(instance=asset)
    publish(asset)
    drain()


def test_highlights_are_escaped_once_and_the_same_in_the_api_and_on_the_page(
    ampersands, api_as, client
):
    api = api_as("registered")
    results = api.get("/api/v1/search/", {"q": "research"}).json()["results"]

    assert {hit["id"]: hit["snippet"] for hit in results} == {
        str(PolicyPage.objects.get().pk): HIGHLIGHT,
        str(AssetPage.objects.get().pk): HIGHLIGHT,
    }
    titles = {hit["title"]: hit["title_highlight"] for hit in results}
    assert titles == {"Lab policy": None, "Research & Development <b>x</b>": HIGHLIGHT}

    client.force_login(api.user)
    page = client.get("/search/", {"q": "research"}).text
    # The asset's title and both snippets, as the API gives them.
    assert page.count(HIGHLIGHT) == 3
    assert "&amp;amp;" not in page
    assert "<b>" not in page
