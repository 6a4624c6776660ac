"""`Median` and `DaysBetween` give the same figures on PostgreSQL (percentile_cont)
and on the SQLite of `make run` (the aggregate the analytics app registers on every
new SQLite connection), the same query run on both."""

import datetime as dt

from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.db.models import DateTimeField, Value

import pytest

from partner_portal.medians import DaysBetween, Median
from search.models import SearchClick

START = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)
SQLITE = "medians-sqlite"


@pytest.fixture
def sqlite():
    """A real in-memory SQLite database beside the PostgreSQL one, with one table."""
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "OPTIONS": {},
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias=SQLITE,
    )
    connections[SQLITE] = wrapper
    try:
        with wrapper.schema_editor() as editor:
            editor.create_model(SearchClick)
        yield SQLITE
    finally:
        wrapper.close()
        del connections[SQLITE]


def medians(alias):
    """Clicks 1, 2, 4 and 10.5 days after START: the median of all four is
    (2 + 4) / 2 = 3.0, of the first three 2.0, of none None."""
    for days in (1, 2, 4, 10.5):
        SearchClick.objects.using(alias).create(
            text="t",
            kind="k",
            object_id="1",
            url="/",
            clicked_at=START + dt.timedelta(days),
        )
    clicks = SearchClick.objects.using(alias)
    since = DaysBetween("clicked_at", Value(START, output_field=DateTimeField()))
    return (
        clicks.aggregate(days=Median(since))["days"],
        clicks.filter(clicked_at__lt=START + dt.timedelta(5)).aggregate(
            days=Median(since)
        )["days"],
        clicks.filter(text="none").aggregate(days=Median(since))["days"],
    )


def test_postgresql_gives_the_median_of_the_days(db):
    assert medians("default") == (pytest.approx(3.0), pytest.approx(2.0), None)


def test_sqlite_gives_the_same_figures(db, sqlite):
    assert medians(sqlite) == (pytest.approx(3.0), pytest.approx(2.0), None)
