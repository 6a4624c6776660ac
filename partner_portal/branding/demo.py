"""The demo's Chinese home page, so that the page explorer shows the site's home in
both languages."""

from django.db import transaction

from wagtail.actions.convert_alias import ConvertAliasPageAction
from wagtail.models import Locale, Site

# The title migration 0002 gives a Chinese home page (page titles are data).
HOME_TITLE_ZH = "合作伙伴门户"


@transaction.atomic
def seed_home_translation(*, stdout):
    """Give the default site's home page a Chinese translation of its own title.

    Translating the library and the academy into Chinese (seeded before this app)
    makes their untranslated parent, the home page, an alias that repeats the English
    title; the alias becomes an ordinary translation with the Chinese title.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    locale = Locale.objects.filter(language_code="zh-hans").first()
    if site is None or locale is None:
        return
    home = site.root_page
    chinese = home.get_translation_or_none(locale)
    if chinese is None:
        chinese = home.copy_for_translation(locale)
    elif chinese.alias_of_id:
        ConvertAliasPageAction(chinese).execute(skip_permission_checks=True)
        chinese.refresh_from_db()
    elif chinese.title == HOME_TITLE_ZH:
        return
    chinese.title = chinese.draft_title = HOME_TITLE_ZH
    chinese.save_revision().publish()
    stdout.write(f"Home page in Chinese: {HOME_TITLE_ZH}")
