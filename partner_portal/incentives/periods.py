"""Statement periods and their labels: `2026-07` (month), `2026-Q3`, `2026` (year)."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import PeriodKind

_PATTERNS = {
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
}
_EXAMPLES = {
    PeriodKind.MONTH: "2026-07",
    PeriodKind.QUARTER: "2026-Q3",
    PeriodKind.YEAR: "2026",
}


class PeriodError(ValueError):
    """A label that names no period of the program, worded for the user."""


@dataclass(frozen=True)
class Period:
    label: str
    first: datetime.date  # both days included
    last: datetime.date

    def contains(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def _bounds(kind: str, match) -> tuple[datetime.date, datetime.date]:
    year = int(match.group(1))
    if kind == PeriodKind.YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if kind == PeriodKind.QUARTER:
        first_month = 3 * int(match.group(2)) - 2
        last_month = first_month + 2
    else:
        first_month = last_month = int(match.group(2))
    last_day = calendar.monthrange(year, last_month)[1]
    return datetime.date(year, first_month, 1), datetime.date(
        year, last_month, last_day
    )


def label_for(kind: str, day: datetime.date) -> str:
    """The label of the period of `kind` that holds `day`."""
    if kind == PeriodKind.YEAR:
        return f"{day.year}"
    if kind == PeriodKind.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def calendar_period(label: str, kinds: tuple[str, ...]) -> Period | None:
    """The calendar period `label` names if it is one of `kinds` ("2026-Q3" for a
    quarter, "2026" for a year), else None."""
    label = label.strip().upper()
    for kind in kinds:
        match = _PATTERNS[kind].match(label)
        if match is not None:
            return Period(label, *_bounds(kind, match))
    return None


def program_period(program, label: str) -> Period:
    """The period `label` names in `program`, cut to the program's dates.

    A program that starts or ends inside a period counts only its own days of it,
    and its tier and certifications are read on the last of those days.
    """
    label = label.strip()
    match = _PATTERNS[program.period].match(label)
    if match is None:
        raise PeriodError(
            _(
                "“%(label)s” is not a period of %(program)s: its statements are per "
                "%(kind)s, labelled like %(example)s."
            )
            % {
                "label": label,
                "program": program.code,
                "kind": PeriodKind(program.period).label.lower(),
                "example": _EXAMPLES[program.period],
            }
        )
    first, last = _bounds(program.period, match)
    if last < program.start or first > program.end:
        raise PeriodError(
            _(
                "%(label)s lies outside %(program)s, which runs from %(start)s to "
                "%(end)s."
            )
            % {
                "label": label,
                "program": program.code,
                "start": program.start.isoformat(),
                "end": program.end.isoformat(),
            }
        )
    return Period(label, max(first, program.start), min(last, program.end))


def current_period(program, today: datetime.date) -> Period | None:
    """The program's period that holds `today`, or None when it is not running."""
    if not program.start <= today <= program.end:
        return None
    return program_period(program, label_for(program.period, today))


def closed_periods(program, today: datetime.date, count: int) -> list[str]:
    """The labels of the program's last `count` periods that ended before `today`,
    the latest first."""
    labels, day = [], min(today, program.end)
    while len(labels) < count and day >= program.start:
        period = program_period(program, label_for(program.period, day))
        if period.last < today:
            labels.append(period.label)
        day = period.first - datetime.timedelta(days=1)
    return labels
