"""The circuit breaker: after Elasticsearch fails, searches answer from the database
for a cool-down without asking it, so a hung node holds no request.

The node is really paused (SIGSTOP) for a second or two and always resumed; others
share it, so the pause is kept short.
"""

import logging
import os
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

import pytest

from partner_portal.partners.access import audience_for
from search.client import breaker, get_client
from search.index import drain
from search.query import search, suggest
from tests.factories import StaffFactory
from tests.testapp.models import GatedItem

TRANSPORT_LOG = "elastic_transport.transport"


def elasticsearch_pid() -> int:
    """The node `make services` started (its pid file), else the only one running."""
    pid_file = Path(settings.BASE_DIR) / ".services" / "es" / "es.pid"
    if pid_file.exists():
        return int(pid_file.read_text())
    [pid] = subprocess.run(
        ["pgrep", "-f", "org.elasticsearch"], capture_output=True, text=True
    ).stdout.split()
    return int(pid)


@contextmanager
def paused_elasticsearch():
    pid = elasticsearch_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@pytest.fixture
def corpus(db, settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    cache.clear()
    GatedItem.objects.create(title="Zebra guide one", access_level="public")
    GatedItem.objects.create(title="Zebra guide two", access_level="partner")
    drain()
    live = get_client()  # the live node, even if a test points settings elsewhere
    yield
    cache.clear()
    live.indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def requests_to_elasticsearch(caplog):
    return [r for r in caplog.records if r.name == TRANSPORT_LOG]


def test_a_paused_node_opens_the_breaker_and_searches_answer_from_the_database(
    corpus, settings, client, caplog
):
    settings.ELASTICSEARCH_TIMEOUT = 1.0
    settings.ELASTICSEARCH_BREAKER_COOLDOWN = 5.0
    staff = audience_for(StaffFactory())
    assert not search(audience=staff, query="zebra").degraded

    with paused_elasticsearch():
        first = search(audience=staff, query="zebra")  # waits for the read timeout
        with caplog.at_level(logging.INFO, logger=TRANSPORT_LOG):
            caplog.clear()
            second = search(audience=staff, query="zebra")
            page = client.get("/search/?q=zebra")
            suggestions = suggest(audience=staff, prefix="zeb")
            health = client.get("/healthz/full").json()
            serving = client.get("/healthz").status_code
            asked = requests_to_elasticsearch(caplog)

    assert first.degraded
    assert second.degraded
    assert sorted(hit["title"] for hit in second.hits) == [
        "Zebra guide one",
        "Zebra guide two",
    ]
    assert asked == []
    assert breaker.state().is_open
    assert (
        "Search is running in a reduced mode right now: results may be incomplete."
        in page.text
    )
    # Suggestions answer from the database too, within the same audience.
    assert sorted(suggestions) == ["Zebra guide one", "Zebra guide two"]
    assert "search" in health["failing"]
    assert health["search"]["detail"] == "breaker open"
    assert health["search"]["breaker"]["state"] == "open"
    assert serving == 200
    status = StringIO()
    call_command("search_status", stdout=status)
    assert "Circuit breaker: open until " in status.getvalue()
    client.force_login(StaffFactory(is_superuser=True))
    admin_page = client.get(reverse("search_status")).text
    assert "Circuit breaker: open until " in admin_page
    assert (
        "Until then, searches answer from the database without asking Elasticsearch."
        in admin_page
    )

    # Once the cool-down is over, the next search asks Elasticsearch again.
    while breaker.state().is_open:
        time.sleep(0.2)
    with caplog.at_level(logging.INFO, logger=TRANSPORT_LOG):
        caplog.clear()
        recovered = search(audience=staff, query="zebra")
        assert len(requests_to_elasticsearch(caplog)) == 1
    assert not recovered.degraded
    assert str(breaker.state()) == "closed"
    status = StringIO()
    call_command("search_status", stdout=status)
    assert "Circuit breaker: closed." in status.getvalue()


def test_after_the_cool_down_one_request_tries_while_the_others_wait(
    corpus, settings, caplog
):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_BREAKER_COOLDOWN = 0.5
    staff = audience_for(StaffFactory())
    assert search(audience=staff, query="zebra").degraded
    assert breaker.state().is_open
    while breaker.state().is_open:
        time.sleep(0.1)

    assert breaker.allows()  # this request tries Elasticsearch
    with caplog.at_level(logging.INFO, logger=TRANSPORT_LOG):
        caplog.clear()
        meanwhile = search(audience=staff, query="zebra")
        assert requests_to_elasticsearch(caplog) == []
    assert meanwhile.degraded


def test_a_request_elasticsearch_refuses_does_not_open_the_breaker(corpus, settings):
    """A missing index answers 404: the cluster is there, so searches keep asking it."""
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-missing-{uuid.uuid4().hex[:8]}"
    staff = audience_for(StaffFactory())

    assert search(audience=staff, query="zebra").degraded
    assert not breaker.state().is_open
    assert breaker.allows()
