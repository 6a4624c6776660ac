"""One query service for the search page, autocomplete and the API.

The audience filter is part of the Elasticsearch query, so hits, totals, facet counts,
highlights and suggestions never see an item the user may not. Without
ELASTICSEARCH_URL the database answers (search.database), as the configured search.
When a configured Elasticsearch cannot be reached, the same audience filter runs on the
database and the answer says it is degraded; after such a failure the circuit breaker
(search.client.breaker) sends searches straight to the database for a cool-down, so a
hung node holds no request.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import get_language_info

from elasticsearch.dsl import SF, A, Q, Search
from elasticsearch.dsl.query import Query
from elasticsearch.exceptions import ApiError, TransportError

from partner_portal.page_languages import active_language, source_language
from partner_portal.partners.access import Audience

from .client import breaker, get_client
from .database import clean_query, query_terms, search_database, suggest_database
from .highlight import MARK_END, MARK_START, highlight_html
from .index import alias_name
from .page_kinds import shown_version
from .registry import kinds

# Elasticsearch pages no deeper than its max_result_window (10,000 by default).
MAX_RESULT_WINDOW = 10_000
MAX_PER_PAGE = 50
# The versions of one page a hit brings back: one per language it is written in.
VERSIONS = 4
FACETS = ("kind", "asset_type", "products", "language")
FILTERABLE = {
    "kind": "kind",
    "asset_type": "asset_type",
    "product": "products",
    "language": "language",
}


@dataclass
class SearchResult:
    hits: list[dict]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    degraded: bool = False


NOT_EXPIRED = ~Q("exists", field="expires_at") | Q("range", expires_at={"gt": "now"})


def _filters(audience, filters) -> list[Query]:
    clauses = [NOT_EXPIRED]
    visible = audience.es_filter()
    if visible is not None:
        clauses.append(visible)
    for name, value in filters.items():
        if value:
            clauses.append(Q("term", **{FILTERABLE[name]: value}))
    return clauses


def search(
    *, audience: Audience, query: str, page: int = 1, per_page: int = 20, **filters
) -> SearchResult:
    query = clean_query(query)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = min(max(page, 1), MAX_RESULT_WINDOW // per_page)
    client = get_client()
    if client is not None and breaker.allows():
        try:
            result = _search_elasticsearch(
                client, audience, query, page, per_page, filters
            )
        except (TransportError, ApiError) as error:
            breaker.failed(error)
        else:
            breaker.succeeded()
            return result
    # Without ELASTICSEARCH_URL the database is the configured search, not a stand-in.
    return _search_database(
        audience, query, page, per_page, filters, degraded=client is not None
    )


def build_search(
    client, audience: Audience, query: str, page: int, per_page: int, filters: dict
) -> Search:
    """The whole request: exact words (title first), then typo-tolerant ones, inside
    the audience filter, with recent content boosted, highlights and facets."""
    text = Q(
        "multi_match", query=query, fields=["title^3", "body"], operator="and"
    ) | Q(
        "multi_match",
        query=query,
        fields=["title^2", "body"],
        fuzziness="AUTO",
        prefix_length=1,
        operator="and",
    )
    recent = SF(
        "gauss",
        published_at={"origin": "now", "scale": "180d", "decay": 0.5},
        weight=1,
    )
    request = (
        Search(using=client, index=alias_name())
        .query(
            "function_score",
            query=Q("bool", must=[text], filter=_filters(audience, filters)),
            functions=[recent],
            boost_mode="multiply",
            score_mode="sum",
        )
        # One hit per page, whichever of its versions matched; the versions that
        # did come with it, each highlighted (the text comes back as indexed;
        # highlight_html() escapes it), and the one shown is picked from them.
        .extra(
            collapse={
                "field": "translation_key",
                "inner_hits": {
                    "name": "versions",
                    "size": VERSIONS,
                    "highlight": {
                        "fields": {"title": {}, "body": {"fragment_size": 160}},
                        "pre_tags": [MARK_START],
                        "post_tags": [MARK_END],
                    },
                },
            },
            track_total_hits=True,
        )
    )
    # Totals and facet counts count pages, not versions.
    request.aggs.metric("pages", _pages_count())
    for name in FACETS:
        request.aggs.bucket(name, "terms", field=name, size=30).metric(
            "pages", _pages_count()
        )
    start = (page - 1) * per_page
    return request[start : start + per_page]


def _pages_count() -> dict:
    return A("cardinality", field="translation_key", precision_threshold=40_000)


def _search_elasticsearch(client, audience, query, page, per_page, filters):
    answer = build_search(client, audience, query, page, per_page, filters).execute()
    total = answer.aggregations.pages.value
    language = active_language()
    hits = []
    for hit in answer:
        versions = list(hit.meta.inner_hits.versions)
        version = versions[
            shown_version([getattr(v, "locale", None) for v in versions], language)
        ]
        highlight = getattr(version.meta, "highlight", None)
        titles = list(getattr(highlight, "title", []))
        hits.append(
            {
                **version.to_dict(),
                "title_highlight": highlight_html(titles[0]) if titles else None,
                "snippet": highlight_html(" … ".join(getattr(highlight, "body", []))),
            }
        )
    facets = {
        name: [(b.key, b.pages.value) for b in answer.aggregations[name].buckets]
        for name in FACETS
    }
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        facets=facets,
    )


def _search_database(audience, query, page, per_page, filters, *, degraded):
    hits, total, pages, facets = search_database(
        audience=audience,
        query=query,
        page=page,
        per_page=per_page,
        filters=filters,
        facets=FACETS,
        filterable=FILTERABLE,
    )
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        pages=pages,
        facets=facets,
        degraded=degraded,
    )


def suggest(*, audience: Audience, prefix: str, size: int = 8) -> list[str]:
    """Titles starting with what the user typed, among what they may see."""
    prefix = clean_query(prefix)
    # A single letter suggests nothing, as it finds nothing (search.database).
    if not query_terms(prefix):
        return []
    client = get_client()
    if client is None or not breaker.allows():
        return suggest_database(audience=audience, prefix=prefix, size=size)
    request = (
        Search(using=client, index=alias_name())
        .query(
            "bool",
            must=[
                Q(
                    "match",
                    title__autocomplete={"query": prefix, "operator": "and"},
                )
            ],
            filter=_filters(audience, {}),
        )
        .source(["title"])
    )[:size]
    try:
        answer = request.execute()
    except (TransportError, ApiError) as error:
        breaker.failed(error)
        return suggest_database(audience=audience, prefix=prefix, size=size)
    breaker.succeeded()
    return [hit.title for hit in answer]


def facet_label(name: str, value: str) -> str:
    """A facet's or a result's value as the user reads it: a kind's name, an asset
    type's or a language's label in the active language, never its code."""
    if name == "kind":
        registered = {kind.name: kind for kind in kinds()}.get(value)
        return str(registered.label) if registered and registered.label else value
    for kind in kinds():
        label = kind.facet_labels.get(name, {}).get(value)
        if label:
            return str(label)
    if name == "language":
        try:
            return get_language_info(value)["name_translated"]
        except KeyError:
            return value
    return value


def words_language(hit: dict) -> str:
    """The language of a hit's title and snippet: a translation's language, else
    the asset's own (a Chinese case study written in the English tree)."""
    locale = hit.get("locale") or source_language()
    if locale != source_language():
        return locale
    return hit.get("language") or locale
