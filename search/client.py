"""The Elasticsearch connection, its circuit breaker, and what state search is in."""

import datetime
import hashlib
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils import timezone
from django.utils.translation import pgettext

import urllib3
from elastic_transport import Urllib3HttpNode
from elasticsearch import Elasticsearch
from elasticsearch.exceptions import ApiError, TransportError


def get_client() -> Elasticsearch | None:
    """The client for ELASTICSEARCH_URL (comma-separated hosts), or None if unset."""
    if not settings.ELASTICSEARCH_URL:
        return None
    return _client_for(
        settings.ELASTICSEARCH_URL,
        settings.ELASTICSEARCH_TIMEOUT,
        settings.ELASTICSEARCH_CONNECT_TIMEOUT,
    )


@cache
def _client_for(url: str, timeout: float, connect_timeout: float) -> Elasticsearch:
    class Node(Urllib3HttpNode):
        """Connects within `connect_timeout`, then waits up to `timeout` for the
        answer: a node that is gone fails fast, a slow search may still finish."""

        def perform_request(self, *args, **kwargs):
            read = kwargs.get("request_timeout")
            if isinstance(read, int | float):
                kwargs["request_timeout"] = urllib3.Timeout(
                    connect=min(connect_timeout, read), read=read
                )
            return super().perform_request(*args, **kwargs)

    return Elasticsearch(
        [host.strip() for host in url.split(",") if host.strip()],
        node_class=Node,
        request_timeout=timeout,
        retry_on_timeout=False,
        max_retries=0,
    )


def is_outage(error: Exception) -> bool:
    """Whether an error says the cluster cannot answer (unreachable, timed out,
    overloaded), rather than that it refused this one request."""
    if isinstance(error, ApiError):
        return error.status_code >= 500 or error.status_code == 429
    return isinstance(error, TransportError)


@dataclass(frozen=True)
class BreakerState:
    """Closed (searches go to Elasticsearch) or open until a moment (they go to the
    database)."""

    open_until: datetime.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.open_until is not None

    def __str__(self):
        if self.open_until is None:
            return pgettext("circuit breaker", "closed")
        moment = timezone.localtime(self.open_until).strftime("%H:%M:%S")
        return pgettext("circuit breaker", "open until %(time)s") % {"time": moment}


class Breaker:
    """The circuit breaker in front of Elasticsearch's searches.

    After an outage error, searches skip Elasticsearch for
    ELASTICSEARCH_BREAKER_COOLDOWN seconds and answer from the database, so a hung
    node holds no web worker for its timeout. When the cool-down ends, one request at
    a time tries Elasticsearch again (the others keep to the database until it
    answers): success closes the breaker, another failure opens it for a new
    cool-down. The state lives in Django's cache, shared by every process that shares
    the cache, under a key per cluster URL.
    """

    def _key(self, suffix: str = "") -> str:
        url = hashlib.sha256(settings.ELASTICSEARCH_URL.encode()).hexdigest()[:16]
        return f"search.breaker.{url}{suffix}"

    def state(self) -> BreakerState:
        until = django_cache.get(self._key())
        if until is None or until <= time.time():
            return BreakerState()
        return BreakerState(datetime.datetime.fromtimestamp(until, tz=datetime.UTC))

    def allows(self) -> bool:
        """Whether this request may ask Elasticsearch."""
        until = django_cache.get(self._key())
        if until is None:
            return True
        if until > time.time():
            return False
        # The cool-down is over: this request tries, unless another one already is.
        trial = settings.ELASTICSEARCH_TIMEOUT + settings.ELASTICSEARCH_CONNECT_TIMEOUT
        return django_cache.add(self._key(".trial"), True, timeout=trial + 1)

    def failed(self, error: Exception) -> None:
        """Open the breaker if `error` says the cluster cannot answer."""
        if not is_outage(error):
            return
        until = time.time() + settings.ELASTICSEARCH_BREAKER_COOLDOWN
        django_cache.set(self._key(), until, timeout=None)
        django_cache.delete(self._key(".trial"))

    def succeeded(self) -> None:
        """Elasticsearch answered: close the breaker if it was tripped."""
        if django_cache.get(self._key()) is not None:
            django_cache.delete_many([self._key(), self._key(".trial")])


breaker = Breaker()


@dataclass(frozen=True)
class SearchState:
    mode: str  # "database" or "elasticsearch"
    up: bool
    detail: str = ""
    breaker: BreakerState = BreakerState()


def search_state() -> SearchState:
    """Database mode is always up; Elasticsearch mode is up when the cluster answers.

    While the breaker is open the cluster is not asked: it is down for searches.
    """
    client = get_client()
    if client is None:
        return SearchState(mode="database", up=True)
    if not breaker.allows():
        return SearchState(
            mode="elasticsearch",
            up=False,
            detail="breaker open",
            breaker=breaker.state(),
        )
    try:
        health = client.cluster.health(timeout="2s")
    except (TransportError, ApiError) as exc:
        breaker.failed(exc)
        return SearchState(
            mode="elasticsearch",
            up=False,
            detail=type(exc).__name__,
            breaker=breaker.state(),
        )
    breaker.succeeded()
    status = health.get("status")
    return SearchState(
        mode="elasticsearch", up=status in {"green", "yellow"}, detail=str(status)
    )
