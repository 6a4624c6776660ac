"""Every user-facing string has its Simplified Chinese translation, compiled."""

from django.conf import settings

import polib

CATALOG = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOG.with_suffix(".po")))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 20


def test_the_compiled_catalog_matches_the_source():
    po = polib.pofile(str(CATALOG.with_suffix(".po")))
    mo = polib.mofile(str(CATALOG.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    source = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in po.translated_entries()
    }
    assert compiled == source
