"""Medians of durations, computed by the database.

    rows.aggregate(days=Median(DaysBetween("decided_at", "submitted_at")))

`Median` is PostgreSQL's `percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)`: the
middle value, or the mean of the two middle ones, NULLs left out, None for no rows.
SQLite (the embedded default of `make run`) has no such aggregate, so
`register_sqlite_median` adds one with the same definition to every SQLite
connection (connected to `connection_created` in the analytics app's `ready()`): the
figures are the same on both, and each stays one SQL aggregate.

`DaysBetween(later, earlier)` is the exact time between two moments in days (1.5 is a
day and a half), NULL when either is; a date counts from the start of its day.
"""

import statistics

from django.db.models import Aggregate, FloatField, Func

SQLITE_MEDIAN = "cplms_median"


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function=SQLITE_MEDIAN,
            template="%(function)s(%(expressions)s)",
            **extra_context,
        )


class DaysBetween(Func):
    arity = 2
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)::float8",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class _SQLiteMedian:
    """SQLite's aggregate protocol: `step` per row, `finalize` once."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def register_sqlite_median(sender, connection, **kwargs):
    """A `connection_created` receiver: give SQLite connections `Median`."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, _SQLiteMedian)
