"""Search finds a page by the words of any of its versions and shows it once, in the
user's language where that version matched, at the page's one URL; a version is
found only by those who may see both it and its source. On the database (the
embedded default) and on Elasticsearch alike."""

from django.core.cache import cache
from django.utils import translation

from wagtail.models import Locale

import lxml.html
import pytest

from learning.models import CoursePage
from partner_portal.page_languages import source_language, translation_publish
from partner_portal.partners.access import audience_for
from partner_portal.partners.models import AccessLevel, Tier, User
from partner_portal.resources.models import AssetPage
from search.index import drain, rebuild
from search.query import search, suggest
from tests.snapshots import demo_seed


@pytest.fixture(params=["database", "elasticsearch"])
def backend(request, prefix, settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    demo_seed()
    if request.param == "database":
        settings.ELASTICSEARCH_URL = ""
    else:
        rebuild()
    return request.param


def found(username, query, language="en", **filters):
    with translation.override(language):
        return search(
            audience=audience_for(User.objects.get(username=username)),
            query=query,
            **filters,
        )


def course(code, language="en"):
    return CoursePage.objects.get(code=code, locale__language_code=language)


def test_a_chinese_word_finds_the_chinese_version_at_the_pages_address(backend):
    result = found("registered.user", "平台入门", language="zh-hans")
    [hit] = [hit for hit in result.hits if hit["kind"] == "course"]
    assert hit["title"] == "平台入门"
    assert "<mark>平台入门</mark>" in hit["title_highlight"]
    assert hit["url"] == course("platform-basics").url
    assert hit["object_id"] == str(course("platform-basics", "zh-hans").pk)


def test_each_page_is_one_result_in_the_users_language(backend):
    # "Edge Gateway" is in the English title and in the Chinese one.
    english = found("gold.user", "Edge Gateway", kind="asset")
    chinese = found("gold.user", "Edge Gateway", language="zh-hans", kind="asset")
    assert english.total == chinese.total == len(english.hits)
    brochure = AssetPage.objects.get(
        slug="edge-gateway-brochure", locale__language_code=source_language()
    )
    [shown_en] = [hit for hit in english.hits if hit["url"] == brochure.url]
    [shown_zh] = [hit for hit in chinese.hits if hit["url"] == brochure.url]
    assert shown_en["title"] == brochure.title
    assert shown_zh["title"] == "Edge Gateway 产品手册"
    assert dict(chinese.facets["kind"]) == {"asset": chinese.total}


def test_the_english_words_still_find_a_translated_page(backend):
    hits = found("registered.user", "Platform basics", language="zh-hans").hits
    assert course("platform-basics").url in {hit["url"] for hit in hits}
    [hit] = [hit for hit in hits if hit["url"] == course("platform-basics").url]
    assert hit["title"] == "Platform basics"


def test_a_translation_stricter_than_its_page_hides_its_words(backend):
    chinese = course("platform-basics", "zh-hans")
    chinese.access_level = AccessLevel.TIER
    chinese.min_tier = Tier.objects.get(code="gold")
    chinese.save_revision().publish()
    drain()
    assert not found("registered.user", "平台入门", language="zh-hans").hits
    assert found("gold.user", "平台入门", language="zh-hans").hits
    # The English page is still found, by its own words.
    assert found("registered.user", "Platform basics", language="zh-hans").hits


def test_a_translation_more_open_than_its_page_shows_no_more(backend):
    english = course("platform-basics")
    english.access_level = AccessLevel.TIER
    english.min_tier = Tier.objects.get(code="gold")
    english.save_revision().publish()
    drain()
    assert not found("registered.user", "平台入门", language="zh-hans").hits
    assert not suggest(
        audience=audience_for(User.objects.get(username="registered.user")),
        prefix="平台入门",
    )
    assert found("gold.user", "平台入门", language="zh-hans").hits


def test_unpublishing_the_page_takes_its_translations_out_of_search(backend):
    course("platform-basics").unpublish()
    drain()
    assert not found("gold.user", "平台入门", language="zh-hans").hits


def test_a_translation_published_later_is_found(backend):
    untranslated = next(
        asset
        for asset in AssetPage.objects.live().filter(
            locale__language_code=source_language(), access_level=AccessLevel.PARTNER
        )
        if asset.get_translation_or_none(Locale.objects.get(language_code="zh-hans"))
        is None
    )
    translation_publish(untranslated, "zh-hans", title="渠道伙伴专享资料")
    drain()
    [hit] = found("registered.user", "渠道伙伴专享", language="zh-hans").hits
    assert (hit["title"], hit["url"]) == ("渠道伙伴专享资料", untranslated.url)


def test_a_translation_edited_is_found_by_its_new_words(backend):
    chinese = course("advanced-deployment", "zh-hans")
    chinese.title = "高级部署实战"
    chinese.save_revision().publish()
    drain()
    [hit] = found("gold.user", "实战", language="zh-hans").hits
    assert hit["url"] == course("advanced-deployment").url
    assert not found("silver.user", "实战", language="zh-hans").hits


def test_the_results_page_marks_the_language_of_each_result(client, backend):
    client.force_login(User.objects.get(username="registered.user"))
    page = lxml.html.fromstring(
        client.get("/search/", {"q": "平台入门"}, HTTP_ACCEPT_LANGUAGE="en").text
    )
    [link] = page.xpath('//ol[@class="search-hits"]//a[contains(., "平台入门")]')
    assert link.get("lang") == "zh-hans"
    english = lxml.html.fromstring(
        client.get("/search/", {"q": "Platform basics"}, HTTP_ACCEPT_LANGUAGE="en").text
    )
    [link] = english.xpath('//ol[@class="search-hits"]//a[.="Platform basics"]')
    assert link.get("lang") == "en"


def test_the_api_lists_a_page_once_and_says_the_language_of_its_words(backend):
    from tests.partner_portal.api.conftest import token_client

    client = token_client(User.objects.get(username="registered.user"))
    found = client.get("/api/v1/search/", {"q": "平台入门", "kind": "course"}).json()
    [hit] = found["results"]
    assert (hit["title"], hit["text_language"]) == ("平台入门", "zh-hans")
    assert hit["url"] == course("platform-basics").url
    english = client.get("/api/v1/search/", {"q": "Platform basics"}).json()
    titles = [hit["title"] for hit in english["results"] if hit["kind"] == "course"]
    assert titles == ["Platform basics"]
