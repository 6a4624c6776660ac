"""The Elasticsearch connection, and what state search is in."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings

from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ApiError, TransportError


def get_client() -> Elasticsearch | None:
    """The client for ELASTICSEARCH_URL (comma-separated hosts), or None if unset."""
    if not settings.ELASTICSEARCH_URL:
        return None
    return _client_for(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT)


@cache
def _client_for(url: str, timeout: float) -> Elasticsearch:
    return Elasticsearch(
        [host.strip() for host in url.split(",") if host.strip()],
        request_timeout=timeout,
        retry_on_timeout=False,
        max_retries=0,
    )


@dataclass(frozen=True)
class SearchState:
    mode: str  # "database" or "elasticsearch"
    up: bool
    detail: str = ""


def search_state() -> SearchState:
    """Database mode is always up; Elasticsearch mode is up when the cluster answers."""
    client = get_client()
    if client is None:
        return SearchState(mode="database", up=True)
    try:
        health = client.cluster.health(timeout="2s")
    except (TransportError, ApiError) as exc:
        return SearchState(mode="elasticsearch", up=False, detail=type(exc).__name__)
    status = health.get("status")
    return SearchState(
        mode="elasticsearch", up=status in {"green", "yellow"}, detail=str(status)
    )
