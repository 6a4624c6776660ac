"""Pages in both languages in the index (see partner_portal.page_languages).

`page_kind` makes the kind of a page model index every version of each page: the
source and each of its live translations, one document each. A translation's
document is its source's with the translation's words (`with_words_of`): the URL,
products, file text and times are the source's, since the source is the page. Every
document carries its page's `translation_key` and the language of its words
(`locale`), so that a search shows each page once, in the version the user reads
(search.query and search.database collapse on the key).

A version is found only by those who may see both it and its source: in the index its
access fields are the stricter of the two, and the database search admits a version
only where its source is visible too.
"""

from collections.abc import Callable

from django.db import models

from partner_portal.page_languages import (
    source_locale,
    sources,
    versions,
    with_words_of,
)
from partner_portal.partners.access import strictest

from .registry import IndexableKind


def shown_version(locales: list, language: str) -> int:
    """Of the versions of one page that matched, given their locales best first,
    the index of the one a search shows: the user's language, else the best."""
    return next((i for i, locale in enumerate(locales) if locale == language), 0)


def _by_level(rows, audience):
    return rows.filter(audience.q())


def page_kind(
    *,
    model: type[models.Model],
    pages: Callable[[], models.QuerySet],
    to_document: Callable[[models.Model], dict],
    load: Callable[[models.QuerySet], models.QuerySet] = lambda rows: rows,
    access_item: Callable[[models.Model], object] = lambda page: page,
    visible: Callable[[models.QuerySet, object], models.QuerySet] = _by_level,
    prepare: Callable[[list], None] | None = None,
    **options,
) -> IndexableKind:
    """The kind of `model`'s pages: the versions of the live pages `pages()` gives
    (in any language; only the sources among them decide which pages are indexed),
    each read through `load` (its select_related and prefetches), turned into a
    document by `to_document`, whose access is `access_item(page)`'s (a lesson's is
    its course's when that is stricter) and which `visible` filters by audience."""

    def attach_sources(rows):
        source_id = source_locale().pk
        wanted = {row.translation_key for row in rows if row.locale_id != source_id}
        found = {
            page.translation_key: page
            for page in load(
                model.objects.filter(locale_id=source_id, translation_key__in=wanted)
            )
        }
        for row in rows:
            row.index_source = found.get(row.translation_key)
        if prepare is not None:
            prepare([*rows, *found.values()])

    def document(row):
        source = getattr(row, "index_source", None)
        if source is None:
            fields = to_document(row)
        else:
            fields = to_document(with_words_of(source, row))
            item = strictest(access_item(source), access_item(row))
            fields.update(access_level=item.access_level, min_tier_id=item.min_tier_id)
        fields["translation_key"] = str(row.translation_key)
        fields["locale"] = row.locale.language_code
        return fields

    def visible_versions(rows, audience):
        seen_sources = visible(sources(model.objects.all()), audience)
        return visible(rows, audience).filter(
            translation_key__in=seen_sources.values("translation_key")
        )

    return IndexableKind(
        model=model,
        indexable=lambda: load(versions(pages())).select_related("locale"),
        to_document=document,
        prepare=attach_sources,
        visible=visible_versions,
        versions=lambda rows: model.objects.filter(
            alias_of__isnull=True, translation_key__in=rows.values("translation_key")
        ),
        **options,
    )
