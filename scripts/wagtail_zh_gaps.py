"""The strings of Wagtail's admin that have no Simplified Chinese anywhere.

For each installed Wagtail app, the messages of its English catalogue (msgid, plural
and context) that neither Wagtail's zh_Hans catalogue, its `zh` catalogue (gettext
falls back to it for zh_Hans), nor one of the project's LOCALE_PATHS catalogues
translates. Run it after a Wagtail upgrade; tests/test_translations.py fails while
any gap is left:

    .venv/bin/python scripts/wagtail_zh_gaps.py           # list the gaps
    .venv/bin/python scripts/wagtail_zh_gaps.py --count   # how many, per catalogue

Add the Chinese for each gap to site/locale/zh_Hans/LC_MESSAGES/django.po (or
djangojs.po) and compile.
"""

import argparse
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
DOMAINS = ("django", "djangojs")


def wagtail_catalogues(installed_apps):
    """(app, domain, English catalogue) for each installed Wagtail app's catalogue."""
    import wagtail

    root = Path(wagtail.__file__).parent
    for english in sorted(root.glob("**/locale/en/LC_MESSAGES/*.po")):
        app_dir = english.parents[3]
        app = ".".join(("wagtail", *app_dir.relative_to(root).parts))
        app = "wagtail" if app_dir == root else app
        if app in installed_apps and english.stem in DOMAINS:
            yield app, english.stem, english


def translated(path):
    """The (msgctxt, msgid) of each translated entry of the catalogue at `path`."""
    if not path.exists():
        return set()
    return {(e.msgctxt, e.msgid) for e in polib.pofile(str(path)).translated_entries()}


def gaps(installed_apps, locale_paths):
    """{(app, domain): [English entries with no Chinese]}, empty when none is left."""
    project = {
        domain: set().union(
            *(
                translated(Path(p) / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po")
                for p in locale_paths
            )
        )
        for domain in DOMAINS
    }
    catalogues = list(wagtail_catalogues(installed_apps))
    # Django merges every app's catalogue of a domain into one, so a message that
    # one Wagtail app translates is translated for all of them.
    wagtail_chinese = {domain: set() for domain in DOMAINS}
    for _app, domain, english in catalogues:
        locale = english.parents[2]
        for language in ("zh_Hans", "zh"):
            wagtail_chinese[domain] |= translated(
                locale / language / "LC_MESSAGES" / english.name
            )
    found = {}
    for app, domain, english in catalogues:
        chinese = wagtail_chinese[domain] | project[domain]
        missing = [
            entry
            for entry in polib.pofile(str(english))
            if entry.msgid and (entry.msgctxt, entry.msgid) not in chinese
        ]
        if missing:
            found[(app, domain)] = missing
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", action="store_true", help="counts only")
    args = parser.parse_args()
    sys.path.insert(0, str(BASE_DIR))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.conf import settings

    found = gaps(settings.INSTALLED_APPS, settings.LOCALE_PATHS)
    for (app, domain), entries in found.items():
        print(f"{app} {domain}: {len(entries)}")
        if not args.count:
            for entry in entries:
                print(f"  {entry.msgctxt or ''!s:>12} | {entry.msgid!r}")
    print(f"total: {sum(map(len, found.values()))}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
