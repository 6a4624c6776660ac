"""Walking the portal and the admin as a user would, and reading what they see.

Shared by the browser tests that check a page speaks one language: the visible text
of a page with the language of each piece (its nearest `lang`), the catalogue's
English that a Chinese page must not show, and what users wrote, which may be
Chinese on an English page.
"""

import re
from pathlib import Path

from django.conf import settings

from wagtail.models import Page

import polib

from partner_portal.deals.models import Deal, FundRequest
from partner_portal.incentives.models import Program
from partner_portal.partners.models import Application, Partner, StageChange, User
from partner_portal.support.models import Ticket
from search.models import SearchQuery

CATALOG = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PASSWORD = "cplms-demo-2026"
STAFF = {"admin", "cam", "pm", "editor"}

# Each visible text inside `root` (a selector) with the language it is written in
# (the nearest `lang`).
VISIBLE_TEXT = """(root) => {
  const texts = [];
  const scope = document.querySelector(root) || document.body;
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || element.closest(
      "script, style, template, [hidden], [aria-hidden=true]")) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0
        && !element.closest(".visually-hidden")) continue;
    const lang = element.closest("[lang]").getAttribute("lang").toLowerCase();
    texts.push([lang, text]);
  }
  for (const element of scope.querySelectorAll(
      "[placeholder], [aria-label], [title], img[alt]")) {
    const lang = element.closest("[lang]").getAttribute("lang").toLowerCase();
    for (const name of ["placeholder", "aria-label", "title", "alt"]) {
      const value = element.getAttribute(name);
      if (value && value.trim()) texts.push([lang, value.trim()]);
    }
  }
  return texts;
}"""

# Every image asked to load now (lazy ones too), and the ones that could not.
BROKEN_IMAGES = """async () => {
  const images = [...document.images];
  images.forEach((image) => { image.loading = "eager"; });
  const broken = await Promise.all(images.map((image) =>
    image.decode().then(() => null, () => image.currentSrc || image.src)));
  return broken.filter(Boolean);
}"""

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# A run of English words, the punctuation inside a sentence included.
APOSTROPHES = "'\u2019"
ENGLISH_WORDS = re.compile(
    rf"[A-Za-z][a-z{APOSTROPHES}]{{2,}}(?: [A-Za-z][a-z{APOSTROPHES}]*)*"
)
ENGLISH_RUN = re.compile(
    rf"[A-Za-z][A-Za-z{APOSTROPHES}]*(?:[ ,:;.!?()-]+[A-Za-z][A-Za-z{APOSTROPHES}]*)*"
)


def english_msgids():
    """The English runs of the catalogue that Chinese pages show in Chinese: each
    translated msgid, or each piece of it between placeholders ("Review your
    statement" of "Review your statement %(title)s"), made of real words (not
    codes, file formats or product names that Chinese pages also write in Latin)."""
    msgids = set()
    for entry in polib.pofile(str(CATALOG)):
        if not CJK.search(entry.msgstr):
            continue
        pieces = re.split(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}", entry.msgid)
        whole = len(pieces) == 1
        for piece in pieces:
            text = piece.strip(" .:,;“”\"'()·-")
            words = text.split()
            # A piece of a longer sentence counts from two words on ("Review your"
            # is English; "at" alone may be a name's).
            if (whole or len(words) >= 2) and ENGLISH_WORDS.fullmatch(text):
                msgids.add(text)
    return msgids


def user_data():
    """What users wrote, shown as written whatever the page's language: names of
    people, companies and programs, a deal's customer, an applicant, an MDF
    activity, a ticket's subject, a page's title, a reason given for a change, a
    search term."""
    strings = {"中文", "简体中文"}
    for user in User.objects.all():
        strings |= {user.get_full_name(), user.first_name, user.last_name}
    for partner in Partner.objects.all():
        strings |= {partner.name, partner.legal_name, partner.address}
    for model, field in [
        (Deal, "customer_name"),
        (Program, "name"),
        (Ticket, "subject"),
        (Page, "title"),
        (Application, "company_name"),
        (FundRequest, "title"),
        (StageChange, "reason"),
        (SearchQuery, "text"),
    ]:
        strings |= set(model.objects.values_list(field, flat=True))
    return sorted((s for s in strings if s), key=len, reverse=True)


def sign_in(page, username):
    """Sign in where the user does: staff on the admin's page, partners on the
    portal's."""
    staff = username in STAFF
    page.goto("/admin/login/" if staff else "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]" if staff else "main button[type=submit]")
    page.wait_for_load_state()


def switch_language(page, language):
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        "/i18n/setlang/",
        form={"language": language, "next": "/"},
        headers={"X-CSRFToken": token},
        max_redirects=0,
    )
    assert response.status == 302


def open_pages(page, pages):
    """Each of `pages` in turn; a pattern is the first link on the page before that
    matches it (a detail page whose address depends on the data)."""
    opened = []
    for item in pages:
        if isinstance(item, re.Pattern):
            links = page.eval_on_selector_all(
                "main a[href]", "links => links.map(link => link.getAttribute('href'))"
            )
            item = next((href for href in links if item.match(href)), None)
            assert item, f"no link to a detail page on {opened[-1]}"
        response = page.goto(item)
        assert response.status == 200, f"{item} answered {response.status}"
        opened.append(item)
        yield item


def foreign_strings(texts, language, msgids, allowed):
    """The visible strings written in the other language, once what users wrote
    (`allowed`) is taken out of them."""
    found = set()
    for lang, text in texts:
        if lang != language and lang.startswith("zh") != language.startswith("zh"):
            continue  # content published in the other language, marked as such
        for string in allowed:
            text = text.replace(string, "")
        if language == "en":
            if CJK.search(text):
                found.add(text)
        else:
            for run in ENGLISH_RUN.findall(text):
                if run.strip(" .:,;!?()-") in msgids:
                    found.add(run)
    return found
