"""Wagtail's admin reads in Chinese: every message of the installed Wagtail apps has
Chinese in Wagtail's catalogues or in site/locale/, and the admin's main pages show
none of Wagtail's English to a user whose account language is Chinese."""

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

import polib
import pytest

from tests.browser.walk import ENGLISH_WORDS, foreign_strings, user_data
from tests.factories import UserFactory

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "wagtail_zh_gaps.py"
SITE_CATALOGUES = (
    Path(settings.BASE_DIR) / "site" / "locale" / "zh_Hans" / "LC_MESSAGES"
)


def gaps_module():
    spec = importlib.util.spec_from_file_location("wagtail_zh_gaps", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_of_wagtails_admin_has_chinese():
    """A Wagtail upgrade that adds strings fails here until site/locale has them
    (`scripts/wagtail_zh_gaps.py` lists them)."""
    gaps = gaps_module().gaps(settings.INSTALLED_APPS, settings.LOCALE_PATHS)
    missing = {key: [e.msgid for e in entries] for key, entries in gaps.items()}
    assert missing == {}


def test_wagtails_own_catalogues_leave_gaps_that_site_locale_fills():
    """What the catalogue of site/locale is for: without it, Wagtail 8 leaves the
    dashboard's search box and its document and image counts in English."""
    gaps = gaps_module().gaps(settings.INSTALLED_APPS, [])
    missing = {entry.msgid for entries in gaps.values() for entry in entries}
    assert {
        "Search all pages…",
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        "Write something or type \u2018/\u2019 to insert a block",
    } <= missing
    assert not any("styleguide" in app for app, _domain in gaps)


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_site_locale_is_compiled(domain):
    po = polib.pofile(str(SITE_CATALOGUES / f"{domain}.po"))
    mo = polib.mofile(str(SITE_CATALOGUES / f"{domain}.mo"))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in po.translated_entries()
    }
    assert compiled == source


def wagtail_english_msgids():
    """The English of Wagtail's catalogues a Chinese admin page must not show: each
    msgid (and plural) of real words, or each run of two words or more of it
    between placeholders and tags ("created in" of "%(total)s Images <span>created
    in %(site_name)s</span>")."""
    root = Path(importlib.util.find_spec("wagtail").origin).parent
    msgids = set()
    for path in root.glob("**/locale/en/LC_MESSAGES/*.po"):
        for entry in polib.pofile(str(path)):
            for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
                pieces = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>", msgid)
                for piece in pieces:
                    text = piece.strip(" .:,;“”\"'()·-…")
                    if (len(pieces) == 1 or len(text.split()) >= 2) and (
                        ENGLISH_WORDS.fullmatch(text)
                    ):
                        msgids.add(text)
    return msgids


class VisibleText(HTMLParser):
    """The text a page shows or reads out (screen-reader-only text, placeholders,
    labels, titles, alternative text) outside scripts, templates and hidden
    elements, as the browser tests' VISIBLE_TEXT reads it."""

    SKIPPED = {"script", "style", "template", "noscript"}
    # Elements without an end tag (HTML's void elements).
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link"}
    VOID |= {"meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.texts, self.open = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in self.SKIPPED or "hidden" in attrs
        hidden = hidden or attrs.get("aria-hidden") == "true"
        if not any(self.open) and not hidden:
            for name in ("placeholder", "aria-label", "title", "alt"):
                if (attrs.get(name) or "").strip():
                    self.texts.append(attrs[name].strip())
        if tag not in self.VOID:
            self.open.append(hidden)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        if data.strip() and not any(self.open):
            self.texts.append(data.strip())


def visible_text(response):
    parser = VisibleText()
    parser.feed(response.content.decode())
    return parser.texts


@pytest.mark.django_db
def test_the_chinese_admin_shows_none_of_wagtails_english(client):
    """The dashboard, the page explorer, the images, the users and the aging pages
    report, for a superuser whose account language is Chinese: no string of
    Wagtail's English catalogue, and no Python value ("True", "None") in its
    place."""
    user = UserFactory(is_staff=True, is_superuser=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "zh-hans"
    profile.save()
    home = Site.objects.get(is_default_site=True).root_page
    # Published by no one, as seeding and imports publish: Wagtail's aging pages
    # report printed "None" for its publisher.
    news = home.add_child(instance=Page(title="Partner news", slug="news"))
    news.save_revision().publish()
    client.force_login(user)
    msgids = wagtail_english_msgids()
    allowed = [*user_data(), user.username]
    for url in [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home.pk}/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/reports/aging-pages/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        texts = visible_text(response)
        pieces = [("zh-hans", text) for text in texts]
        assert foreign_strings(pieces, "zh-hans", msgids, allowed) == set(), url
        assert not {"True", "False", "None"} & set(texts), url
    assert "搜索所有页面…" in visible_text(client.get("/admin/"))
