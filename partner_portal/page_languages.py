"""Page content in both languages: the one place that says which language version of
a content page a user reads.

Pages are translated with Wagtail's localisation: an editor writes a page in the
default language (the source) and translates it into the other locale (the admin's
"Translate" action copies it, keeping its slug, access level and minimum tier). The
source is the page: it has the URL, the children (a course's lessons), the routes
(a course's quiz) and everything recorded against it (enrolments, downloads,
acknowledgements). A translation supplies only the words.

So every request is routed in the source tree, whatever the user's language
(`serve`), and a page, or a listing of pages, is shown with the words of its live
translation in the user's language where one exists and the user's audience may see
it, else with its own (`in_user_language`). Listings list sources only (`sources`),
so each item appears once and counts and pagination agree with what is shown. A
page model names the fields its translation supplies in `translated_fields`.

This module knows no domain app: callers pass the audience (anything with `q()` and
`may_see()`, as `partners.access.Audience`).
"""

import copy

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.utils import translation
from django.utils.translation import get_supported_language_variant

from wagtail.models import Locale, Site


def source_language() -> str:
    """The language code of the source locale, the one every page is written in."""
    return get_supported_language_variant(settings.LANGUAGE_CODE)


def sources(pages):
    """`pages` without their translations: the source of each page, once."""
    return pages.filter(locale__language_code=source_language())


def versions(pages):
    """The sources among `pages` (a queryset of one page model, in any language) and
    the live translations of those sources, aliases left out: every version of a
    page someone may be shown. A translation need not match `pages` itself (an
    asset's availability is its source's)."""
    shown = sources(pages)
    return pages.model.objects.filter(
        Q(pk__in=shown.values("pk"))
        | Q(
            live=True,
            alias_of__isnull=True,
            translation_key__in=shown.values("translation_key"),
        )
    )


def source_locale() -> Locale:
    return Locale.objects.get(language_code=source_language())


def _take_words(page, translation) -> None:
    for field in getattr(type(page), "translated_fields", ("title",)):
        setattr(page, field, getattr(translation, field))


def with_words_of(page, translation):
    """A copy of the source `page` with the words of its `translation`: the page as
    a reader of the translation's language is shown it."""
    worded = copy.copy(page)
    _take_words(worded, translation)
    return worded


def active_language() -> str:
    return get_supported_language_variant(
        translation.get_language() or settings.LANGUAGE_CODE
    )


def in_user_language(pages, audience):
    """The source pages `pages` (a list of one model), each carrying the words of
    its live translation in the active language that `audience` may see, in one
    query however many pages; a page without such a translation keeps its own
    words."""
    pages = list(pages)
    language = active_language()
    if not pages or language == source_language():
        return pages
    model = type(pages[0])
    rows = (
        model.objects.live()
        .filter(
            locale__language_code=language,
            translation_key__in=[page.translation_key for page in pages],
        )
        .select_related("min_tier")
    )
    # A model whose rule reads other rows (a lesson its course's) gives its
    # queryset the whole rule as one filter; else the level filters in SQL and
    # each row's own `visible_to` decides the rest (an asset's availability).
    in_sql = getattr(rows, "visible_to", None)
    rows = in_sql(audience) if in_sql is not None else rows.filter(audience.q())
    translations = {page.translation_key: page for page in rows}
    for page in pages:
        found = translations.get(page.translation_key)
        if found is not None and (in_sql is not None or found.visible_to(audience)):
            _take_words(page, found)
            page.shown_language = language
    return pages


def page_in_user_language(page, audience):
    """One page with the words of its translation (see `in_user_language`); a
    translation itself is shown as it is."""
    return in_user_language([page], audience)[0]


def serve(request, path):
    """Wagtail's page view, routing in the source tree (from the site's root page,
    which is the source's) whatever the user's language: Wagtail would route from
    the root's translation in the active language, a tree where a page not yet
    translated (or a course's untranslated lessons) does not exist. The route is
    left where `Page.route_for_request` keeps it for the request, so Wagtail's view
    serves it."""
    from wagtail.views import serve as wagtail_serve  # it loads models on import

    site = Site.find_for_request(request)
    route = None
    if site is not None:
        try:
            route = site.root_page.specific.route(
                request, [part for part in path.split("/") if part]
            )
        except Http404:
            route = None
    request._wagtail_route_for_request = route
    return wagtail_serve(request, path)


def translation_publish(page, language: str, **words):
    """Publish `page`'s translation into `language` with `words` (its translated
    fields), making it as the admin's "Translate" action does (a copy that keeps the
    slug and the access fields, untranslated parents as aliases) if it does not
    exist yet. A translation that exists is left as it is, so seeding twice makes
    nothing new. Returns the translation."""
    locale = Locale.objects.get(language_code=language)
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale, copy_parents=True).specific
    for field, value in words.items():
        setattr(translated, field, value)
    translated.save_revision().publish()
    return translated
