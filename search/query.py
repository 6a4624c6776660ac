"""One query service for the search page, autocomplete and the API.

The audience filter is part of the Elasticsearch query, so hits, totals, facet counts,
highlights and suggestions never see an item the user may not. When Elasticsearch cannot
be reached, the same audience filter runs on the database and the answer says it is
degraded; after such a failure the circuit breaker (search.client.breaker) sends
searches straight to the database for a cool-down, so a hung node holds no request.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from elasticsearch.dsl import SF, Q, Search
from elasticsearch.dsl.query import Query
from elasticsearch.exceptions import ApiError, TransportError

from partner_portal.partners.access import Audience

from .client import breaker, get_client
from .index import alias_name
from .registry import kinds

# Elasticsearch pages no deeper than its max_result_window (10,000 by default).
MAX_RESULT_WINDOW = 10_000
MAX_PER_PAGE = 50
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


# Elasticsearch wraps each hit in these marks, two private-use characters no text means
# to hold; highlight_html() turns them into <mark> once it has escaped the text.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")


def highlight_html(fragment: str) -> SafeString:
    """A highlight from Elasticsearch as safe HTML: the text escaped once, each hit in
    <mark>, and no other markup whatever the text holds. The portal page and the API
    both show this."""
    marked = _MARKED.sub(r"<mark>\1</mark>", str(escape(fragment)))
    return mark_safe(marked.replace(MARK_START, "").replace(MARK_END, ""))  # noqa: S308


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
    query = query.strip()
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
    return _search_database(audience, query, page, per_page, filters)


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
        .highlight("title")
        .highlight("body", fragment_size=160)
        # The text comes back as indexed; highlight_html() escapes it.
        .highlight_options(pre_tags=[MARK_START], post_tags=[MARK_END])
        .extra(track_total_hits=True)
    )
    for name in FACETS:
        request.aggs.bucket(name, "terms", field=name, size=30)
    start = (page - 1) * per_page
    return request[start : start + per_page]


def _search_elasticsearch(client, audience, query, page, per_page, filters):
    answer = build_search(client, audience, query, page, per_page, filters).execute()
    total = answer.hits.total.value
    hits = []
    for hit in answer:
        highlight = getattr(hit.meta, "highlight", None)
        titles = list(getattr(highlight, "title", []))
        hits.append(
            {
                **hit.to_dict(),
                "title_highlight": highlight_html(titles[0]) if titles else None,
                "snippet": highlight_html(" … ".join(getattr(highlight, "body", []))),
            }
        )
    facets = {
        name: [(b.key, b.doc_count) for b in answer.aggregations[name].buckets]
        for name in FACETS
    }
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        facets=facets,
    )


def _values(document, name) -> list:
    value = document.get(name)
    if isinstance(value, list):
        return value
    return [] if value in (None, "") else [value]


def _search_database(audience, query, page, per_page, filters):
    from django.db.models import Q

    documents = []
    for kind in kinds():
        if filters.get("kind") and filters["kind"] != kind.name:
            continue
        matches = Q()
        for name in kind.search_fields:
            matches |= Q(**{f"{name}__icontains": query})
        rows = kind.visible(kind.indexable(), audience).filter(matches)
        for instance in kind.prepared(rows[:500]):
            document = {"kind": kind.name, "object_id": str(instance.pk)}
            document.update(kind.to_document(instance))
            documents.append(document)
    for name, value in filters.items():
        if value and name != "kind":
            documents = [d for d in documents if value in _values(d, FILTERABLE[name])]
    facets = {
        name: Counter(v for d in documents for v in _values(d, name)).most_common(30)
        for name in FACETS
    }
    total = len(documents)
    start = (page - 1) * per_page
    hits = [{**d, "snippet": ""} for d in documents[start : start + per_page]]
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        facets=facets,
        degraded=True,
    )


def suggest(*, audience: Audience, prefix: str, size: int = 8) -> list[str]:
    """Titles starting with what the user typed, among what they may see."""
    client = get_client()
    if client is None or not prefix.strip() or not breaker.allows():
        return []
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
        return []
    breaker.succeeded()
    return [hit.title for hit in answer]
