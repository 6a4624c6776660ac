"""Counting in business days: Monday to Friday, less the holidays staff maintain.

    due = add_business_days(submitted_at, 2)   # Friday 16:00 → Tuesday 16:00
    business_days_between(submitted_at, now)   # whole business days elapsed

A time on a weekend or a holiday counts from the next business day's start, so a
deal submitted on Saturday is due as one submitted on Monday at 00:00.
"""

import datetime as dt

from django.utils import timezone

from .models import Holiday

WEEKEND = frozenset({5, 6})
# No calendar skips more than this many days in a row (a long holiday plus weekends).
_MAX_DAYS_OFF = 60


def holidays_between(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    return frozenset(
        Holiday.objects.filter(date__range=(first, last)).values_list("date", flat=True)
    )


def _is_business_day(day: dt.date, holidays: frozenset[dt.date]) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def is_business_day(day: dt.date) -> bool:
    return _is_business_day(day, holidays_between(day, day))


def _start_of_business(moment: dt.datetime, holidays) -> dt.datetime:
    """`moment`, or the start of the next business day when it falls on a day off."""
    day = moment.date()
    if _is_business_day(day, holidays):
        return moment
    while not _is_business_day(day, holidays):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(tzinfo=moment.tzinfo))


def add_business_days(moment: dt.datetime, days: int) -> dt.datetime:
    """The moment `days` business days after `moment`, in the current time zone."""
    local = timezone.localtime(moment)
    span = days + (days // 5 + 1) * 2 + _MAX_DAYS_OFF
    holidays = holidays_between(local.date(), local.date() + dt.timedelta(days=span))
    local = _start_of_business(local, holidays)
    day = local.date()
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if _is_business_day(day, holidays):
            remaining -= 1
    return dt.datetime.combine(day, local.timetz())


def business_days_between(first: dt.date, last: dt.date) -> int:
    """Business days after `first` up to and including `last` (0 when last ≤ first)."""
    if last <= first:
        return 0
    holidays = holidays_between(first, last)
    return sum(
        _is_business_day(first + dt.timedelta(days=offset), holidays)
        for offset in range(1, (last - first).days + 1)
    )
