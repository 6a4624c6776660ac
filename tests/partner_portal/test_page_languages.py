"""Pages in both languages: one URL per page, the words of the user's language.

A Chinese user reads a page's Chinese translation at the source's URL, an English
user the source; a page without a translation (or with one the user may not see)
falls back to the source; listings show each page once; the course's structure
(lessons, enrolment) stays the source's.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Site

import pytest

from learning.models import CourseIndexPage, CoursePage, Enrolment, LessonPage
from partner_portal.page_languages import translation_publish
from partner_portal.partners.models import AccessLevel, User
from tests.factories import tier
from tests.partner_portal.resources.conftest import make_library, publish
from tests.snapshots import demo_seed

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def library():
    return make_library(Site.objects.get(is_default_site=True).root_page)


def asset(library, slug, title, **access):
    from partner_portal.resources.models import AssetPage

    page = AssetPage(
        title=title,
        slug=slug,
        asset_type="brochure",
        summary=f"About {title}.",
        access_level=access.pop("access_level", AccessLevel.PARTNER),
        **access,
    )
    library.add_child(instance=page)
    return publish(page)


@pytest.fixture
def course():
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage(
        title="Academy", slug="academy-i18n", access_level=AccessLevel.PARTNER
    )
    root.add_child(instance=index)
    publish(index)
    course = CoursePage(
        title="Firewall basics",
        slug="firewall-basics",
        code="firewall-basics",
        summary="Rules and zones.",
        access_level=AccessLevel.PARTNER,
    )
    index.add_child(instance=course)
    publish(course)
    lesson = LessonPage(title="Zones", slug="zones", summary="What a zone is.")
    course.add_child(instance=lesson)
    publish(lesson)
    translation_publish(index, "zh-hans", title="学院")
    translation_publish(course, "zh-hans", title="防火墙入门", summary="规则与区域。")
    translation_publish(lesson, "zh-hans", title="安全区域")
    return course


def test_both_locales_exist_after_the_migrations():
    assert set(Locale.objects.values_list("language_code", flat=True)) >= {
        code for code, _name in settings.LANGUAGES
    }


def test_a_chinese_user_reads_the_chinese_course_at_the_same_url(
    client, course, partner_user_at
):
    client.force_login(partner_user_at("registered"))
    translation = CoursePage.objects.get(locale__language_code="zh-hans")
    assert translation.url == course.url

    chinese = client.get(course.url, **ZH).text
    assert "防火墙入门" in chinese
    assert "规则与区域。" in chinese
    assert "安全区域" in chinese  # the lesson list, in Chinese too
    assert "Firewall basics" not in chinese

    english = client.get(course.url, **EN).text
    assert "Firewall basics" in english
    assert "Zones" in english
    assert "防火墙入门" not in english


def test_a_chinese_course_page_costs_the_same_queries_however_many_lessons(
    client, course, partner_user_at, django_assert_max_num_queries
):
    client.force_login(partner_user_at("registered"))
    client.get(course.url, **ZH)
    with CaptureQueriesContext(connection) as one_lesson:
        assert "安全区域" in client.get(course.url, **ZH).text
    for number in range(4):
        lesson = LessonPage(title=f"Rule {number}", slug=f"rule-{number}")
        course.add_child(instance=lesson)
        publish(lesson)
        translation_publish(lesson, "zh-hans", title=f"规则{number}")
    with django_assert_max_num_queries(len(one_lesson)):
        chinese = client.get(course.url, **ZH).text
    assert all(f"规则{number}" in chinese for number in range(4))


def test_a_chinese_learner_enrols_in_the_source_course(client, course, partner_user_at):
    """The course's structure is the source's: enrolling from the Chinese page
    records the learner against the course every certification names."""
    user = partner_user_at("registered")
    client.force_login(user)
    response = client.post(f"{course.url}enrol/", **ZH)
    assert response.status_code == 302
    assert Enrolment.objects.get(user=user).course_id == course.pk
    lesson = client.get(response["Location"], **ZH)
    assert lesson.status_code == 200
    assert "安全区域" in lesson.text


def test_a_page_without_a_translation_falls_back_to_the_source(
    client, library, partner_user_at
):
    untranslated = asset(library, "gateway-brochure", "Gateway brochure")
    client.force_login(partner_user_at("registered"))
    response = client.get(untranslated.url, **ZH)
    assert response.status_code == 200
    assert "Gateway brochure" in response.text


def test_an_untranslated_lesson_of_a_translated_course_is_served(
    client, course, partner_user_at
):
    """Routing is in the source tree: a lesson that has no translation is still
    served at its URL to a Chinese user, in English."""
    lesson = LessonPage(title="Logging", slug="logging", summary="Where logs go.")
    course.add_child(instance=lesson)
    publish(lesson)
    client.force_login(partner_user_at("registered"))
    response = client.get(lesson.url, **ZH)
    assert response.status_code == 200
    assert "Logging" in response.text


def test_the_library_lists_each_asset_once_in_the_users_language(
    client, library, partner_user_at
):
    translated = asset(library, "backup-datasheet", "Backup datasheet")
    translation_publish(
        translated, "zh-hans", title="备份产品规格表", summary="备份产品的技术规格。"
    )
    asset(library, "gateway-brochure", "Gateway brochure")
    client.force_login(partner_user_at("registered"))

    chinese = client.get(library.url, **ZH)
    titles = [page.title for page in chinese.context["browse"].page.object_list]
    assert sorted(titles) == sorted(["备份产品规格表", "Gateway brochure"])
    assert chinese.context["browse"].total == 2
    assert "Backup datasheet" not in chinese.text
    assert 'lang="zh-hans"><a' in chinese.text

    english = client.get(library.url, **EN)
    titles = [page.title for page in english.context["browse"].page.object_list]
    assert sorted(titles) == ["Backup datasheet", "Gateway brochure"]
    assert english.context["browse"].total == 2
    assert "备份产品规格表" not in english.text


def test_a_translation_above_the_users_tier_is_never_shown(
    client, library, partner_user_at
):
    """A translation carries its own access level: a Gold-only Chinese version of a
    partner asset is shown to Gold partners, the English source to the others."""
    source = asset(library, "pricing-guide", "Pricing guide")
    translation = translation_publish(source, "zh-hans", title="金牌价格指南")
    translation.access_level = AccessLevel.TIER
    translation.min_tier = tier("gold")
    translation.save_revision().publish()

    client.force_login(partner_user_at("registered"))
    for url in (library.url, source.url):
        response = client.get(url, **ZH)
        assert "金牌价格指南" not in response.text, url
        assert "Pricing guide" in response.text, url

    client.force_login(partner_user_at("gold"))
    for url in (library.url, source.url):
        assert "金牌价格指南" in client.get(url, **ZH).text, url


def test_a_gold_only_page_stays_hidden_in_either_language(
    client, library, partner_user_at
):
    source = asset(
        library,
        "gold-playbook",
        "Gold playbook",
        access_level=AccessLevel.TIER,
        min_tier=tier("gold"),
    )
    translation_publish(source, "zh-hans", title="金牌销售手册")
    client.force_login(partner_user_at("registered"))
    response = client.get(source.url, **ZH)
    assert response.status_code == 404
    assert "金牌销售手册" not in response.text
    assert "金牌销售手册" not in client.get(library.url, **ZH).text


def test_a_draft_translation_is_not_shown(client, library, partner_user_at):
    source = asset(library, "draft-guide", "Draft guide")
    translation = translation_publish(source, "zh-hans", title="草稿指南")
    translation.unpublish()
    client.force_login(partner_user_at("registered"))
    assert "Draft guide" in client.get(source.url, **ZH).text


def test_a_course_code_is_unique_within_its_language(course):
    duplicate = CoursePage(
        title="Another",
        slug="another",
        code=course.code,
        summary="x",
        locale=course.locale,
    )
    with pytest.raises(ValidationError) as error:
        duplicate.clean()
    assert "code" in error.value.message_dict
    translation = CoursePage.objects.get(locale__language_code="zh-hans")
    translation.clean()


def test_the_demo_has_a_chinese_academy_and_library(client):
    demo_seed()
    client.force_login(User.objects.get(username="gold.user"))
    academy = client.get("/academy/", **ZH).text
    for title in ("合作伙伴学院", "平台入门", "安全产品销售", "高级部署"):
        assert title in academy, title
    assert "Platform basics" not in academy
    library = client.get("/library/", **ZH)
    for title in ("资源库", "Edge Gateway 产品手册", "零信任访问销售演示文稿"):
        assert title in library.text, title
    english = client.get("/library/", **EN)
    assert english.context["browse"].total == library.context["browse"].total
    assert "Edge Gateway brochure" in english.text
    course = client.get("/academy/platform-basics/", **ZH).text
    assert "平台能做什么" in course
    # The learner's home names the courses of their path and enrolments in Chinese.
    client.force_login(User.objects.get(username="silver.user"))
    home = client.get("/learning/", **ZH).text
    assert "安全产品销售" in home
    assert "Selling security" not in home


def test_an_editor_translates_an_asset_with_the_admins_translate_action(
    client, library, partner_user_at
):
    """The admin's "Translate" (wagtail.contrib.simple_translation) makes the
    Chinese copy; once its words are edited and published, Chinese partners read
    it at the asset's URL."""
    from django.urls import reverse

    from partner_portal.resources.models import AssetPage
    from tests.factories import StaffFactory

    source = asset(library, "router-guide", "Router guide")
    # The admin offers a language once the page's parent has it.
    translation_publish(library, "zh-hans", title="资源库")
    client.force_login(StaffFactory(is_superuser=True))
    chinese = Locale.objects.get(language_code="zh-hans")
    response = client.post(
        reverse("simple_translation:submit_page_translation", args=[source.pk]),
        {"locales": [chinese.pk]},
    )
    assert response.status_code == 302
    translation = AssetPage.objects.get(
        locale=chinese, translation_key=source.translation_key
    )
    assert (translation.slug, translation.access_level) == (
        source.slug,
        source.access_level,
    )
    translation.title = "路由器指南"
    translation.save_revision().publish()

    client.force_login(partner_user_at("registered"))
    assert "路由器指南" in client.get(source.url, **ZH).text
    assert "Router guide" in client.get(source.url, **EN).text
