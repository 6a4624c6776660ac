"""Analytics reads go to a read replica when one is configured.

The dashboard and scorecards read the other apps' tables through their selectors, so
the router cannot tell an analytics read by its model. Instead the analytics views
read inside `analytics_reads()`, and while that block runs every read the router is
asked about goes to the `analytics` database alias — set from ANALYTICS_DATABASE_URL,
absent without it. Writes always go to the primary, and the replica is never migrated
(it copies the primary).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

ALIAS = "analytics"

_reading = ContextVar("analytics_reads", default=False)


@contextmanager
def analytics_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class AnalyticsRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and ALIAS in settings.DATABASES:
            return ALIAS
        return None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # A replica holds the primary's rows: a record read from it may point at one
        # read from the primary.
        if {obj1._state.db, obj2._state.db} <= {"default", ALIAS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == ALIAS else None
