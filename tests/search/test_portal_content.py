"""Courses, lessons, assets, policies and announcements are searchable by audience."""

import uuid

import pytest

from partner_portal.partners.access import audience_for
from partner_portal.partners.models import User
from search.client import get_client
from search.index import rebuild
from search.query import search
from tests.snapshots import demo_seed


@pytest.fixture
def demo_index(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    demo_seed()
    rebuild()
    client = get_client()
    yield
    client.indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def titles(username, query):
    audience = audience_for(User.objects.get(username=username))
    return {hit["title"] for hit in search(audience=audience, query=query).hits}


def test_every_content_kind_is_in_the_index(demo_index):
    from search.index import alias_name

    client = get_client()
    for kind in ("course", "lesson", "asset", "policy", "announcement"):
        count = client.count(index=alias_name(), query={"term": {"kind": kind}})
        assert count["count"] > 0, kind


def test_a_gold_course_and_its_lessons_stay_hidden_below_gold(demo_index):
    assert "Advanced deployment" in titles("gold.user", "deployment")
    assert not titles("silver.user", "deployment")
    assert not titles("registered.user", "deployment")


def test_assets_follow_their_tier(demo_index):
    assert "Strategic partner playbook" in titles("platinum.user", "playbook")
    assert "Strategic partner playbook" not in titles("gold.user", "playbook")
    assert "Internal competitive battlecard" in titles("admin", "battlecard")
    assert not titles("platinum.user", "battlecard")


def test_chinese_content_is_found_by_chinese_words(demo_index):
    assert "云备份客户案例" in titles("registered.user", "云备份")
    assert "云备份客户案例" in titles("registered.user", "客户案例")
    assert not titles("suspended.user", "云备份")


def test_the_search_page_highlights_and_hides(client, demo_index):
    client.force_login(User.objects.get(username="gold.user"))
    page = client.get("/search/", {"q": "deployment"})
    assert "<mark>deployment</mark>" in page.text.lower()
    client.force_login(User.objects.get(username="silver.user"))
    page = client.get("/search/", {"q": "deployment"})
    assert "Advanced deployment" not in page.text
    assert "0 results" in page.text


def test_the_search_page_says_when_results_may_be_incomplete(
    client, demo_index, settings
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 0.5
    client.force_login(User.objects.get(username="gold.user"))
    page = client.get("/search/", {"q": "deployment"})
    assert page.status_code == 200
    assert "results may be incomplete" in page.text
    assert "Advanced <mark>deployment</mark>" in page.text


def test_autocomplete_suggests_only_visible_titles(client, demo_index):
    client.force_login(User.objects.get(username="silver.user"))
    titles = client.get("/search/suggest/", {"q": "adv"}).json()["suggestions"]
    assert "Advanced deployment" not in titles
    client.force_login(User.objects.get(username="gold.user"))
    titles = client.get("/search/suggest/", {"q": "adv"}).json()["suggestions"]
    assert "Advanced deployment" in titles


def test_a_lesson_is_indexed_no_more_visible_than_its_gold_course(demo_index):
    """The lesson itself is open to any partner; its course is Gold only."""
    assert "High availability" in titles("gold.user", "collectors")
    assert not titles("silver.user", "collectors")
    assert not titles("registered.user", "collectors")


def test_a_translated_page_is_found_once(demo_index):
    """The demo's courses and assets have Chinese translations at the same URLs;
    search answers with each page once, the English page the translation is of."""
    from wagtail.models import Page

    audience = audience_for(User.objects.get(username="gold.user"))
    for query in ("deployment", "brochure", "Edge Gateway"):
        hits = search(audience=audience, query=query).hits
        urls = [hit["url"] for hit in hits]
        assert urls, query
        assert len(urls) == len(set(urls)), query
    pages = Page.objects.filter(url_path__endswith="/advanced-deployment/")
    assert set(pages.values_list("locale__language_code", flat=True)) == {
        "en",
        "zh-hans",
    }
