"""One query service for the search page, autocomplete and the API.

The audience filter is part of the Elasticsearch query, so hits, totals, facet counts,
highlights and suggestions never see an item the user may not. When Elasticsearch cannot
be reached, the same audience filter runs on the database and the answer says it is
degraded.
"""

import math
from dataclasses import dataclass, field

from elasticsearch.exceptions import ApiError, TransportError

from partner_portal.partners.access import Audience
from partner_portal.partners.models import AccessLevel

from .client import get_client
from .index import alias_name
from .registry import kinds

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


def audience_clauses(audience: Audience) -> list[dict]:
    """The access rule as Elasticsearch filter clauses (nothing for staff)."""
    if audience.is_staff:
        return []
    visible = [{"term": {"access_level": AccessLevel.PUBLIC}}]
    if audience.is_partner:
        visible.append({"term": {"access_level": AccessLevel.PARTNER}})
        visible.append(
            {
                "bool": {
                    "filter": [
                        {"term": {"access_level": AccessLevel.TIER}},
                        {"terms": {"min_tier_id": audience.visible_tier_ids()}},
                    ]
                }
            }
        )
    return [{"bool": {"should": visible, "minimum_should_match": 1}}]


NOT_EXPIRED = {
    "bool": {
        "should": [
            {"bool": {"must_not": {"exists": {"field": "expires_at"}}}},
            {"range": {"expires_at": {"gt": "now"}}},
        ],
        "minimum_should_match": 1,
    }
}


def _filters(audience, filters):
    clauses = [*audience_clauses(audience), NOT_EXPIRED]
    for name, value in filters.items():
        if value:
            clauses.append({"term": {FILTERABLE[name]: value}})
    return clauses


def search(
    *, audience: Audience, query: str, page: int = 1, per_page: int = 20, **filters
) -> SearchResult:
    query = query.strip()
    page = max(page, 1)
    client = get_client()
    if client is not None:
        try:
            return _search_elasticsearch(
                client, audience, query, page, per_page, filters
            )
        except (TransportError, ApiError):
            pass
    return _search_database(audience, query, page, per_page, filters)


def _search_elasticsearch(client, audience, query, page, per_page, filters):
    text = {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": query,
                        "fields": ["title^3", "body"],
                        "operator": "and",
                    }
                },
                {
                    "multi_match": {
                        "query": query,
                        "fields": ["title^2", "body"],
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "operator": "and",
                    }
                },
            ],
            "minimum_should_match": 1,
        }
    }
    boosted = {
        "function_score": {
            "query": {"bool": {"must": [text], "filter": _filters(audience, filters)}},
            "functions": [
                {
                    "gauss": {
                        "published_at": {"origin": "now", "scale": "180d", "decay": 0.5}
                    },
                    "weight": 1,
                }
            ],
            "boost_mode": "multiply",
            "score_mode": "sum",
        }
    }
    answer = client.search(
        index=alias_name(),
        query=boosted,
        from_=(page - 1) * per_page,
        size=per_page,
        highlight={
            "fields": {"title": {}, "body": {"fragment_size": 160}},
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
        },
        aggs={name: {"terms": {"field": name, "size": 30}} for name in FACETS},
        track_total_hits=True,
    )
    total = answer["hits"]["total"]["value"]
    hits = []
    for hit in answer["hits"]["hits"]:
        source = hit["_source"]
        highlight = hit.get("highlight", {})
        hits.append(
            {
                **source,
                "title_highlight": (highlight.get("title") or [None])[0],
                "snippet": " … ".join(highlight.get("body", [])),
            }
        )
    facets = {
        name: [
            (b["key"], b["doc_count"]) for b in answer["aggregations"][name]["buckets"]
        ]
        for name in FACETS
    }
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        facets=facets,
    )


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
        for instance in rows[:500]:
            document = {"kind": kind.name, "object_id": str(instance.pk)}
            document.update(kind.to_document(instance))
            documents.append(document)
    for name, value in filters.items():
        if value and name != "kind":
            field_name = FILTERABLE[name]
            documents = [
                d
                for d in documents
                if value == d.get(field_name) or value in (d.get(field_name) or [])
            ]
    total = len(documents)
    start = (page - 1) * per_page
    hits = [{**d, "snippet": ""} for d in documents[start : start + per_page]]
    return SearchResult(
        hits=hits,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        degraded=True,
    )


def suggest(*, audience: Audience, prefix: str, size: int = 8) -> list[str]:
    """Titles starting with what the user typed, among what they may see."""
    client = get_client()
    if client is None or not prefix.strip():
        return []
    try:
        answer = client.search(
            index=alias_name(),
            query={
                "bool": {
                    "must": [
                        {
                            "match": {
                                "title.autocomplete": {
                                    "query": prefix,
                                    "operator": "and",
                                }
                            }
                        }
                    ],
                    "filter": [*audience_clauses(audience), NOT_EXPIRED],
                }
            },
            size=size,
            source=["title"],
        )
    except (TransportError, ApiError):
        return []
    return [hit["_source"]["title"] for hit in answer["hits"]["hits"]]
