"""The database's search: the configured search when no Elasticsearch is set (the
embedded default), and the fallback while a configured one cannot be reached.

It behaves like a search, not like `LIKE '%x%'`: a query is cut into terms (control
characters stripped, punctuation ignored, single Latin letters dropped), and a Latin
term matches a word that starts with it (`cert` finds "certification", `a` finds
nothing, `ert` does not find "certification"). Chinese has no spaces between words,
so a run of CJK characters matches wherever it appears. Every term must match, in the
title or the text; title matches rank above text matches; the snippet is the text
around the first match, each match marked.

SQL narrows each kind's rows to those that contain every term (an escaped
`icontains`, the same on PostgreSQL and SQLite), then the word rule, the ranking and
the snippet are decided on the document text the index would get (`to_document`),
which for a StreamField is its words, not its JSON. A page matched in several
languages is one result, shown in the user's language where that version matched.
"""

import math
import re
import unicodedata
from collections import Counter

from django.db.models import Q

from partner_portal.page_languages import active_language

from .highlight import MARK_END, MARK_START, highlight_html
from .page_kinds import shown_version
from .registry import kinds

# Rows read per kind: the database answers the first pages well, not deep ones.
MAX_ROWS_PER_KIND = 500
SNIPPET_LENGTH = 160
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_PIECES = re.compile(f"[{_CJK}]+|[^{_CJK}]+")
_WORDS = re.compile(r"[^\W_]+")
# A Latin term must start a word: no letter or digit of a Latin script before it.
_WORD_START = r"(?<![0-9A-Za-z\u00c0-\u024f\u0370-\u04ff])"


def clean_query(query: str) -> str:
    """The query without control or format characters (each becomes a space), so
    a NUL or a zero-width space neither matches everything nor breaks a word."""
    return " ".join(
        "".join(
            " " if unicodedata.category(char).startswith("C") else char
            for char in query
        ).split()
    )


def is_cjk(term: str) -> bool:
    return bool(re.fullmatch(f"[{_CJK}]+", term))


def query_terms(query: str) -> list[str]:
    """The terms of a query, lower-cased, in order, each once."""
    terms = []
    for word in _WORDS.findall(clean_query(query).lower()):
        for piece in _PIECES.findall(word):
            if (is_cjk(piece) or len(piece) > 1) and piece not in terms:
                terms.append(piece)
    return terms


def _pattern(terms: list[str]) -> re.Pattern:
    """Any of the terms where it may match: a CJK run anywhere, a Latin term at the
    start of a word."""
    alternatives = sorted(terms, key=len, reverse=True)
    return re.compile(
        "|".join(
            re.escape(term) if is_cjk(term) else _WORD_START + re.escape(term)
            for term in alternatives
        ),
        re.IGNORECASE,
    )


def _term_pattern(term: str) -> re.Pattern:
    return _pattern([term])


def _marked(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda match: f"{MARK_START}{match[0]}{MARK_END}", text)


def snippet(text: str, pattern: re.Pattern) -> str:
    """About SNIPPET_LENGTH characters of `text` around its first match, matches
    marked for highlight_html(); its beginning when only the title matched."""
    text = " ".join(text.split())
    found = pattern.search(text)
    if found is None:
        return text if len(text) <= SNIPPET_LENGTH else f"{text[:SNIPPET_LENGTH]} …"
    start = max(0, found.start() - SNIPPET_LENGTH // 3)
    if start:
        # Begin at a word, not inside one.
        space = text.find(" ", start, found.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_LENGTH)
    piece = _marked(text[start:end], pattern)
    return f"{'… ' if start else ''}{piece}{' …' if end < len(text) else ''}"


def score(document: dict, terms: list[str]) -> int:
    """How well a document matches: 0 unless every term is in its title or text; a
    term in the title counts three times one in the text, so title matches lead."""
    title, body = document.get("title") or "", document.get("body") or ""
    total = 0
    for term in terms:
        pattern = _term_pattern(term)
        in_title, in_body = bool(pattern.search(title)), bool(pattern.search(body))
        if not (in_title or in_body):
            return 0
        total += 3 * in_title + in_body
    return total


def _values(document, name) -> list:
    value = document.get(name)
    if isinstance(value, list):
        return value
    return [] if value in (None, "") else [value]


def _contains_every_term(fields, terms) -> Q:
    matches = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        matches &= any_field
    return matches


def _documents(audience, terms, kind_name=""):
    for kind in kinds():
        if kind_name and kind_name != kind.name:
            continue
        rows = kind.visible(kind.indexable(), audience).filter(
            _contains_every_term(kind.search_fields, terms)
        )
        for instance in kind.prepared(rows[:MAX_ROWS_PER_KIND]):
            document = {"kind": kind.name, "object_id": str(instance.pk)}
            document.update(kind.to_document(instance))
            yield document


def _one_per_page(matched, language):
    """(points, document) per page of the matched versions (search.page_kinds),
    as Elasticsearch collapses them: the page scores what its best version does
    and shows the version in the user's language, else its best."""
    by_page = {}
    for points, document in matched:
        key = document.get("translation_key") or (
            document["kind"],
            document["object_id"],
        )
        by_page.setdefault(key, []).append((points, document))
    for versions in by_page.values():
        versions.sort(key=lambda pair: -pair[0])
        shown = shown_version([d.get("locale") for _, d in versions], language)
        yield versions[0][0], versions[shown][1]


def search_database(*, audience, query, page, per_page, filters, facets, filterable):
    """(hits, total, pages, facets) of `query` among what `audience` may see."""
    terms = query_terms(query)
    if not terms:
        return [], 0, 1, {name: [] for name in facets}
    matched = [
        (points, document)
        for document in _documents(audience, terms, filters.get("kind", ""))
        if (points := score(document, terms))
    ]
    documents = [
        document
        for _, document in sorted(
            _one_per_page(matched, active_language()),
            key=lambda pair: (-pair[0], (pair[1].get("title") or "").lower()),
        )
    ]
    for name, value in filters.items():
        if value and name != "kind":
            documents = [d for d in documents if value in _values(d, filterable[name])]
    counted = {
        name: Counter(v for d in documents for v in _values(d, name)).most_common(30)
        for name in facets
    }
    total = len(documents)
    start = (page - 1) * per_page
    pattern = _pattern(terms)
    hits = []
    for document in documents[start : start + per_page]:
        title = document.get("title") or ""
        hits.append(
            {
                **document,
                "title_highlight": highlight_html(_marked(title, pattern)),
                "snippet": highlight_html(snippet(document.get("body") or "", pattern)),
            }
        )
    return hits, total, max(1, math.ceil(total / per_page)), counted


def suggest_database(*, audience, prefix: str, size: int) -> list[str]:
    """Titles in which every term of `prefix` starts a word, those that begin with
    it first."""
    terms = query_terms(prefix)
    if not terms:
        return []
    patterns = [_term_pattern(term) for term in terms]
    titles = set()
    for kind in kinds():
        rows = kind.visible(kind.indexable(), audience).filter(
            _contains_every_term(("title",), terms)
        )
        for title in rows.values_list("title", flat=True)[:MAX_ROWS_PER_KIND]:
            if all(pattern.search(title) for pattern in patterns):
                titles.add(title)
    first = clean_query(prefix).lower()
    ranked = sorted(
        titles, key=lambda title: (not title.lower().startswith(first), title.lower())
    )
    return ranked[:size]
