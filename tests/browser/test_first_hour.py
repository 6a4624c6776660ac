"""A new user's first hour, for every demo role in both languages.

Each role signs in, opens their home, one list and one detail page (gold.user, the
partner admin 李伟 of a Chinese partner, every portal page they have) in English and
in Chinese at 1366 and 390 px, and the test checks what that user would notice:

- words of the other language: on a Chinese page a run of English words that is a
  msgid of the catalogue (a string left untranslated); on an English page any
  Chinese character except in what users wrote (names, titles, content published in
  Chinese and marked with its own `lang`, WCAG 3.1.2) — `walk.foreign_strings`;
- a page wider than the screen, a portal header that takes two rows on a laptop, an
  image that does not load.

The homes' screenshots are the README's (test-artifacts/first-hour/).
"""

import re

from partner_portal.partners.models import User

from .conftest import ARTIFACTS
from .walk import (
    BROKEN_IMAGES,
    VISIBLE_TEXT,
    english_msgids,
    foreign_strings,
    open_pages,
    sign_in,
    switch_language,
    user_data,
)

SCREENSHOTS = ARTIFACTS / "first-hour"
WIDTHS = (1366, 390)

# Each role's home, one list and one detail page (a link pattern followed from the
# page before when the detail's address depends on the data).
PARTNER_PAGES = ("/", "/resources/announcements/", "/company/")
# A partner's 360 view, opened from the partners list.
PARTNER_360 = re.compile(r"^/admin/partner/inspect/\d+/$")
ROLES = {
    "gold.user": (
        "/",
        "/academy/",
        re.compile(r"^/academy/[\w-]+/$"),
        "/learning/",
        "/library/",
        re.compile(r"^/library/[\w-]+/$"),
        "/sales/",
        "/company/",
        "/support/",
        "/resources/announcements/",
        "/search/?q=security",
        "/company/scorecard/",
    ),
    "registered.user": PARTNER_PAGES,
    "silver.user": PARTNER_PAGES,
    "platinum.user": PARTNER_PAGES,
    "suspended.user": ("/",),
    "admin": ("/admin/", "/admin/partner/", PARTNER_360),
    "cam": ("/admin/", "/admin/partner/", PARTNER_360),
    "pm": ("/admin/", "/admin/application/", "/admin/learning/reports/"),
    "editor": ("/admin/", "/admin/pages/", "/admin/documents/"),
}

# How much wider than the screen the page is, once what resizes with the window
# (the charts, through their ResizeObserver) has done so.
OVERFLOW = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return document.documentElement.scrollWidth - innerWidth;
}"""

# The rows the portal header's visible controls sit on.
HEADER_ROWS = """() => {
  const header = document.querySelector("header.site-header");
  if (!header) return 0;
  const tops = [...header.querySelectorAll("a, button, input, select")]
    .filter((element) => element.offsetParent !== null)
    .map((element) => element.getBoundingClientRect())
    .filter((box) => box.width > 0)
    .map((box) => Math.round(box.top + box.height / 2));
  return new Set(tops.map((middle) => Math.round(middle / 24))).size;
}"""


def test_every_role_first_hour_in_both_languages(demo_data, page):
    assert User.objects.get(username="gold.user").get_full_name() == "李伟"
    msgids, allowed = english_msgids(), user_data()
    problems = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for username, pages in ROLES.items():
        page.context.clear_cookies()
        page.set_viewport_size({"width": 1366, "height": 900})
        sign_in(page, username)
        for language in ("en", "zh-hans"):
            switch_language(page, language)
            for index, path in enumerate(open_pages(page, pages)):
                where = f"{username} {language} {path}"
                assert page.locator("html").get_attribute("lang") == language, where
                # In the admin, what CPLMS writes: Wagtail's own sidebar and menus
                # are Wagtail's catalogue.
                portal = not path.startswith("/admin/")
                texts = page.evaluate(VISIBLE_TEXT, "body" if portal else "main")
                wrong = foreign_strings(texts, language, msgids, allowed)
                if wrong:
                    problems.append(f"{where}: other language: {sorted(wrong)[:8]}")
                broken = page.evaluate(BROKEN_IMAGES)
                if broken:
                    problems.append(f"{where}: images not loaded: {broken}")
                if portal and page.evaluate(HEADER_ROWS) > 1:
                    problems.append(f"{where}: the header takes more than one row")
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    overflow = page.evaluate(OVERFLOW)
                    if overflow > 0:
                        problems.append(f"{where} at {width}px: {overflow}px too wide")
                    slug = re.sub(r"\W+", "-", path).strip("-") or "home"
                    name = f"{username}-{index:02d}-{slug}-{language}-{width}.png"
                    page.screenshot(path=SCREENSHOTS / name)
                page.set_viewport_size({"width": 1366, "height": 900})
    assert problems == [], "\n".join(problems)
