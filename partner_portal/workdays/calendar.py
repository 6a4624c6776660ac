"""Counting in the vendor's working time: its working weekdays and hours, in its time
zone, less the holidays staff maintain (Settings → Working calendar, → Holidays).

    calendar = Calendar.load()
    calendar.add_days(submitted_at, 2)          # a deal decision's due moment
    calendar.add_hours(opened_at, 8)            # a ticket's response due moment
    calendar.working_time(start, end)           # working time elapsed, a timedelta

Business days: a moment on a day off counts from the next working day's start, so a
deal submitted on Saturday is due as one submitted on Monday at 00:00. Business
hours: only the working hours of working days count, so a ticket opened on Friday
evening starts its clock on Monday morning.
"""

import datetime as dt
from dataclasses import dataclass

from .models import Holiday, WorkingCalendar

# No calendar has more than this many days off in a row (a long holiday and weekends).
_MAX_DAYS_OFF = 60


@dataclass(frozen=True)
class Calendar:
    weekdays: frozenset[int]
    starts: dt.time
    ends: dt.time
    zone: dt.tzinfo
    holidays: frozenset[dt.date]

    @classmethod
    def load(cls, first: dt.date | None = None, last: dt.date | None = None):
        """The calendar with the holidays between `first` and `last` (all if None)."""
        settings = WorkingCalendar.load()
        holidays = Holiday.objects.all()
        if first is not None and last is not None:
            holidays = holidays.filter(date__range=(first, last))
        return cls(
            weekdays=settings.working_weekdays,
            starts=settings.day_starts,
            ends=settings.day_ends,
            zone=settings.zone,
            holidays=frozenset(holidays.values_list("date", flat=True)),
        )

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def _next_working_day(self, day: dt.date) -> dt.date:
        for _offset in range(_MAX_DAYS_OFF * 6):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("The working calendar has no working day ahead.")

    def add_days(self, moment: dt.datetime, days: int) -> dt.datetime:
        """The moment `days` working days after `moment`, at the same local time."""
        local = moment.astimezone(self.zone)
        day = local.date()
        if not self.is_working_day(day):
            day = self._next_working_day(day)
            local = dt.datetime.combine(day, dt.time(), self.zone)
        for _day in range(days):
            day = self._next_working_day(day)
        return dt.datetime.combine(day, local.timetz())

    def _hours_of(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(day, self.starts, self.zone),
            dt.datetime.combine(day, self.ends, self.zone),
        )

    def working_time(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The working time between two moments (zero when end ≤ start)."""
        total = dt.timedelta()
        if end <= start:
            return total
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._hours_of(day)
                overlap = min(closes, end) - max(opens, start)
                if overlap > dt.timedelta():
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def add_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """The moment when `hours` of working time have passed since `moment`."""
        remaining = dt.timedelta(hours=hours)
        day = moment.astimezone(self.zone).date()
        for _day in range(_MAX_DAYS_OFF * 6 + int(hours) + 1):
            if self.is_working_day(day):
                opens, closes = self._hours_of(day)
                start = max(opens, moment)
                if start < closes:
                    if start + remaining <= closes:
                        return start + remaining
                    remaining -= closes - start
            day += dt.timedelta(days=1)
        raise ValueError("The working calendar has no working hours ahead.")


def calendar_around(moment: dt.datetime, days_ahead: int) -> Calendar:
    """The calendar with the holidays from `moment` to well past `days_ahead`."""
    first = moment.date() - dt.timedelta(days=1)
    span = days_ahead + (days_ahead // 5 + 1) * 2 + _MAX_DAYS_OFF
    return Calendar.load(first, first + dt.timedelta(days=span + 2))


def add_business_days(moment: dt.datetime, days: int) -> dt.datetime:
    """`moment` plus `days` working days (see `Calendar.add_days`)."""
    return calendar_around(moment, days).add_days(moment, days)


def business_days_between(first: dt.date, last: dt.date) -> int:
    """Working days after `first` up to and including `last` (0 when last ≤ first)."""
    if last <= first:
        return 0
    calendar = Calendar.load(first, last)
    return sum(
        calendar.is_working_day(first + dt.timedelta(days=offset))
        for offset in range(1, (last - first).days + 1)
    )
