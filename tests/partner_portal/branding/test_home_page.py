"""The site's home page is not "Welcome to your new Wagtail site!": migration 0002
renames Wagtail's default title on every install, and the demo gives the home page
its Chinese translation."""

import importlib
import io

from django.apps import apps

from wagtail.models import Locale, Page, Site

import pytest

from partner_portal.branding.demo import HOME_TITLE_ZH, seed_home_translation

pytestmark = pytest.mark.django_db

WAGTAIL_DEFAULT_TITLE = "Welcome to your new Wagtail site!"
migration = importlib.import_module(
    "partner_portal.branding.migrations.0002_home_page_title"
)


def home():
    return Site.objects.get(is_default_site=True).root_page


def chinese():
    return Locale.objects.get_or_create(language_code="zh-hans")[0]


def test_the_migrated_home_page_is_the_partner_portal():
    assert home().title == "Partner portal"


def test_the_migration_renames_wagtails_title_and_keeps_an_editors():
    page = home()
    page.title = page.draft_title = WAGTAIL_DEFAULT_TITLE
    page.save_revision()
    page.save()
    edited = page.add_child(instance=Page(title="Our news", slug="news"))
    migration.rename_home_pages(apps, None)
    page.refresh_from_db()
    assert page.title == page.draft_title == "Partner portal"
    # The editor opens the latest revision: it has the new title too.
    assert page.get_latest_revision_as_object().title == "Partner portal"
    edited.refresh_from_db()
    assert edited.title == "Our news"


def test_the_demo_home_page_has_its_chinese_title_not_an_alias_of_the_english():
    # Translating a page under the home page makes the home page's Chinese alias,
    # as the demo's library and academy do.
    library = home().add_child(instance=Page(title="Library", slug="library"))
    library.copy_for_translation(chinese(), copy_parents=True)
    alias = home().get_translation(chinese())
    assert alias.alias_of_id == home().pk

    seed_home_translation(stdout=io.StringIO())
    seed_home_translation(stdout=io.StringIO())

    translation = home().get_translation(chinese())
    assert translation.pk == alias.pk
    assert translation.alias_of_id is None
    assert translation.title == HOME_TITLE_ZH and translation.live
    assert home().title == "Partner portal"
    assert Page.objects.filter(depth=2, locale=chinese()).count() == 1


def test_the_demo_translates_a_home_page_nothing_is_translated_under():
    seed_home_translation(stdout=io.StringIO())
    assert home().get_translation(chinese()).title == HOME_TITLE_ZH
