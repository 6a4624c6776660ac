"""The search a partner meets: words and prefixes rather than substrings, title
matches first, snippets, labels in the user's language, filters kept across pages,
suggestions inside the access rule, and a warning only when a configured
Elasticsearch cannot answer. Each runs on the database (the embedded default, no
ELASTICSEARCH_URL) and, where the behaviour is shared, on Elasticsearch too."""

import re

from django.core.cache import cache
from django.urls import reverse

import pytest

from partner_portal.partners.access import audience_for
from partner_portal.partners.models import Tier, User
from partner_portal.resources.models import AssetPage
from search.index import drain
from search.query import search, suggest
from tests.factories import StaffFactory
from tests.search.conftest import library_with_assets
from tests.search.test_breaker import paused_elasticsearch
from tests.snapshots import demo_seed
from tests.testapp.models import GatedItem

WARNING = "results may be incomplete"


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, prefix, settings):
    """Which search answers: the database (no ELASTICSEARCH_URL) or the node."""
    cache.clear()
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
    return request.param


def staff():
    return audience_for(StaffFactory())


def add_asset(library, title, summary, **fields):
    asset = AssetPage(
        title=title,
        slug=re.sub(r"\W+", "-", title.lower()),
        summary=summary,
        access_level="public",
        asset_type=fields.pop("asset_type", "brochure"),
        **fields,
    )
    library.add_child(instance=asset)
    return asset


def test_words_and_prefixes_match_but_not_letters_or_substrings(db, settings):
    settings.ELASTICSEARCH_URL = ""
    GatedItem.objects.create(title="Certification handbook", access_level="public")
    GatedItem.objects.create(title="Zero trust deck", access_level="public")
    GatedItem.objects.create(title="零信任安全白皮书", access_level="public")

    def found(query):
        return {hit["title"] for hit in search(audience=staff(), query=query).hits}

    assert found("c") == set()
    assert found("e") == set()
    assert found("\x00") == set()
    assert found("\x01") == set()
    assert found("ert") == set()
    assert found("cert") == {"Certification handbook"}
    assert found("certification") == {"Certification handbook"}
    assert found("cert\x00") == {"Certification handbook"}
    assert found("ZERO tr") == {"Zero trust deck"}
    # Chinese has no spaces: a run of Chinese characters matches where it appears.
    assert found("安全") == {"零信任安全白皮书"}
    assert found("信任 安全") == {"零信任安全白皮书"}


def test_a_title_match_ranks_first_with_a_snippet(db, backend, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    library = library_with_assets(0)
    add_asset(
        library,
        "Routing basics",
        "A long guide to routing, in which one chapter covers the zebra "
        "crossing of packets between sites.",
    )
    add_asset(library, "Zebra handbook", "Everything about the handbook.")
    drain()

    result = search(audience=staff(), query="zebra")

    assert [hit["title"] for hit in result.hits] == ["Zebra handbook", "Routing basics"]
    assert "<mark>zebra</mark>" in str(result.hits[1]["snippet"]).lower()
    assert "<mark>zebra</mark>" in str(result.hits[0]["title_highlight"]).lower()


def facets_and_hits(html):
    """The facet list and the results of a search page, where codes must not show
    (the page's own <html lang> is a code, and rightly)."""
    aside = re.search(r'<aside class="facets".*?</aside>', html, re.S)[0]
    hits = re.search(r'<ol class="search-hits">.*?</ol>', html, re.S)[0]
    return aside + hits


def test_filter_values_and_kinds_show_labels_in_the_users_language(
    db, backend, client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    library = library_with_assets(0)
    add_asset(
        library,
        "Zebra customer story",
        "How a bank deployed it.",
        asset_type="case_study",
        language="zh-hans",
    )
    drain()

    english = facets_and_hits(client.get("/search/?q=zebra").text)
    chinese = facets_and_hits(
        client.get("/search/?q=zebra", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    )

    for shown in (english, chinese):
        assert "case_study" not in shown.replace("asset_type=case_study", "")
        assert ">zh-hans<" not in shown and ">asset<" not in shown
    assert "Case study" in english and "Simplified Chinese" in english
    assert ">Asset<" in english
    assert "客户案例" in chinese and "简体中文" in chinese and ">资料<" in chinese


def test_filters_and_pages_keep_every_other_filter(
    db, backend, client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    library = library_with_assets(0)
    for number in range(25):
        add_asset(library, f"Zebra brochure {number}", "English.", language="en")
    add_asset(library, "Zebra datasheet", "English.", asset_type="datasheet")
    add_asset(library, "Zebra 中文手册", "中文。", language="zh-hans")
    drain()

    first = client.get("/search/?q=zebra&asset_type=brochure&language=en").text
    assert "Page 1 of 2" in first
    [next_url] = re.findall(r'href="(\?[^"]*)" rel="next"', first)
    assert set(next_url.replace("&amp;", "&")[1:].split("&")) == {
        "q=zebra",
        "asset_type=brochure",
        "language=en",
        "page=2",
    }

    second = client.get("/search/" + next_url.replace("&amp;", "&")).text
    assert "Page 2 of 2" in second
    assert "Zebra datasheet" not in second and "中文手册" not in second
    # A facet's link adds its filter and keeps the others; the chosen value's link
    # removes only that one.
    kind_links = re.findall(r'href="(\?[^"]*kind=asset[^"]*)"', second)
    assert kind_links
    assert all(
        "asset_type=brochure" in link and "language=en" in link and "page" not in link
        for link in kind_links
    )
    removals = re.findall(r'href="\?([^"]*)" class="facet-remove">Remove', second)
    assert {frozenset(link.split("&amp;")) for link in removals} == {
        frozenset({"q=zebra", "language=en"}),
        frozenset({"q=zebra", "asset_type=brochure"}),
    }


@pytest.mark.parametrize("settings_url", ["", "configured"])
def test_no_warning_unless_a_configured_elasticsearch_is_unreachable(
    db, client, prefix, settings, settings_url
):
    cache.clear()
    GatedItem.objects.create(title="Zebra guide", access_level="public")
    if not settings_url:
        settings.ELASTICSEARCH_URL = ""
    drain()

    page = client.get("/search/?q=zebra").text

    assert "Zebra</mark> guide" in page
    assert WARNING not in page


def test_the_warning_shows_while_a_configured_node_is_paused(
    db, client, prefix, settings
):
    cache.clear()
    settings.ELASTICSEARCH_TIMEOUT = 1.0
    GatedItem.objects.create(title="Zebra guide", access_level="public")
    drain()
    try:
        with paused_elasticsearch():
            page = client.get("/search/?q=zebra").text
    finally:
        cache.clear()

    assert "Zebra</mark> guide" in page
    assert WARNING in page


TIERS = ["registered", "silver", "gold", "platinum"]


@pytest.mark.parametrize("who", TIERS)
def test_suggestions_and_results_keep_to_the_access_rule(
    db, backend, partner_user_at, client, who
):
    for level in TIERS:
        GatedItem.objects.create(
            title=f"Zebra guide for {level}",
            access_level="tier",
            min_tier=Tier.objects.get(code=level),
        )
    drain()
    user = partner_user_at(who)
    client.force_login(user)
    allowed = {f"Zebra guide for {level}" for level in TIERS[: TIERS.index(who) + 1]}

    answer = client.get(reverse("search-suggest"), {"q": "zeb"}).json()
    result = search(audience=audience_for(user), query="zebra guide")

    assert set(answer["suggestions"]) == allowed
    assert {hit["title"] for hit in result.hits} == allowed
    assert result.total == len(allowed)
    assert dict(result.facets["kind"]) == {"gated-item": len(allowed)}
    assert suggest(audience=audience_for(user), prefix="z") == []


@pytest.mark.parametrize("query", ["安全", "认证", "security", "certification"])
def test_the_demo_finds_common_words_in_both_languages(db, settings, tmp_path, query):
    settings.MEDIA_ROOT = tmp_path
    settings.ELASTICSEARCH_URL = ""
    demo_seed()
    registered = audience_for(User.objects.get(username="registered.user"))

    result = search(audience=registered, query=query)

    assert result.total > 0
    assert all(hit["snippet"] or hit["title_highlight"] for hit in result.hits)
