"""The worker's search jobs: draining the outbox and sweeping time-based visibility.

One drain runs at a time and one at most waits, however many changes ask for one: a
change books a drain unless one is waiting already (partner_portal.scheduling), and a
drain that leaves entries behind books its retry later and later while they keep
failing (RETRY_AFTER doubled per attempt, up to MAX_RETRY_AFTER), so an outage costs
one retry every few minutes, not one per change.
"""

import contextlib
import datetime

from django.db import connection
from django.db.models import Max
from django.db.models.signals import post_migrate
from django.utils import timezone

from django_tasks import task

from partner_portal.scheduling import book_once

from .index import drain
from .models import OutboxEntry
from .sweep import next_visibility_change, sweep

RETRY_AFTER = datetime.timedelta(seconds=30)
MAX_RETRY_AFTER = datetime.timedelta(minutes=5)
# The sweep also runs at least this often, whatever bookings were missed.
SWEEP_AT_LEAST = datetime.timedelta(hours=1)
# Key of the PostgreSQL advisory lock that drains hold while they run.
_DRAIN_LOCK = 7_316_201


@contextlib.contextmanager
def _one_drain_at_a_time():
    """Wait until no other drain runs (a session-level advisory lock on PostgreSQL),
    so that two workers never send the same changes or rebuild the index together."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_DRAIN_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_DRAIN_LOCK])


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait before retrying entries tried `attempts` times."""
    if attempts <= 0:
        return datetime.timedelta(0)
    return min(RETRY_AFTER * 2 ** (attempts - 1), MAX_RETRY_AFTER)


def drain_soon():
    """Book a drain as soon as a worker is free, unless one is waiting already."""
    return book_once(drain_search_outbox)


@task()
def drain_search_outbox() -> int:
    """Apply waiting index changes; book a retry while some remain, later the more
    often they failed; and book the sweep for the next publish or expiry time."""
    with _one_drain_at_a_time():
        applied = drain()
    attempts = OutboxEntry.objects.aggregate(most=Max("attempts"))["most"]
    if attempts is not None:
        book_once(drain_search_outbox, timezone.now() + retry_delay(attempts))
    book_sweep()
    return applied


@task()
def sweep_search_visibility() -> int:
    """Queue the items whose publish or expiry time came, then book the next sweep."""
    queued = sweep(timezone.now())
    book_sweep()
    return queued


def book_sweep():
    """Book the sweep for the next publish or expiry time, at the latest in an hour;
    a sweep waiting for a later time is moved to it."""
    now = timezone.now()
    at = now + SWEEP_AT_LEAST
    upcoming = next_visibility_change(now)
    if upcoming is not None and upcoming < at:
        at = upcoming
    return book_once(sweep_search_visibility, at, advance=True)


def _book_after_migrate(sender, **kwargs):
    book_sweep()


def connect(app_config):
    post_migrate.connect(
        _book_after_migrate, sender=app_config, dispatch_uid="search_book_sweep"
    )
