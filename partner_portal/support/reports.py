"""The support report's figures for a period, each one SQL aggregate over the
tickets (and deflections) the user may see.

- volume: tickets opened per week (weeks start on Monday, local time) and category;
- SLA: per priority, tickets answered and resolved, how many on time, how many still
  open past their target, the compliance (on time over answered-or-overdue) and the
  average time taken (on the clock, not business hours);
- satisfaction: the ratings given in the period, their average and spread;
- deflections: answers partners opened instead of writing a ticket, and the subjects
  they had typed, most frequent first.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Avg,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import Lower, TruncWeek
from django.utils import timezone
from django.utils.translation import get_language

from .models import Deflection, Priority, Rating, Ticket

TOP_QUERIES = 10


@dataclass(frozen=True)
class Period:
    """From the first day to the last, both included, in local time."""

    first: dt.date
    last: dt.date

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.first, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(
            self.last + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        )
        return start, end

    def weeks(self) -> list[dt.date]:
        """The Monday of every week the period touches."""
        monday = self.first - dt.timedelta(days=self.first.weekday())
        weeks = []
        while monday <= self.last:
            weeks.append(monday)
            monday += dt.timedelta(days=7)
        return weeks


def opened_in(tickets: QuerySet[Ticket], period: Period) -> QuerySet[Ticket]:
    start, end = period.bounds
    return tickets.filter(created_at__gte=start, created_at__lt=end)


@dataclass(frozen=True)
class Volume:
    weeks: list[dt.date]
    categories: list[str]
    # counts[week][category]
    counts: dict[dt.date, dict[str, int]]

    def total(self, week: dt.date) -> int:
        return sum(self.counts[week].values())

    @property
    def grand_total(self) -> int:
        return sum(self.total(week) for week in self.weeks)


def volume(tickets: QuerySet[Ticket], period: Period) -> Volume:
    rows = (
        opened_in(tickets, period)
        .annotate(week=TruncWeek("created_at", output_field=DateField()))
        .values("week", "category__name", "category__name_zh", "category__sort_order")
        .annotate(count=Count("pk"))
        .order_by("category__sort_order", "category__name", "week")
    )
    weeks = period.weeks()
    chinese = get_language() == "zh-hans"
    categories: list[str] = []
    counts = {week: {} for week in weeks}
    for row in rows:
        name = (
            row["category__name_zh"]
            if chinese and row["category__name_zh"]
            else row["category__name"]
        )
        if name not in categories:
            categories.append(name)
        counts.setdefault(row["week"], {})[name] = row["count"]
    for week in weeks:
        for name in categories:
            counts[week].setdefault(name, 0)
    return Volume(weeks=weeks, categories=categories, counts=counts)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _hours(duration: dt.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 3600).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )


@dataclass(frozen=True)
class SlaRow:
    label: str
    opened: int
    answered: int
    answered_on_time: int
    response_overdue: int
    response_hours: Decimal | None
    resolved: int
    resolved_on_time: int
    resolution_overdue: int
    resolution_hours: Decimal | None

    @property
    def response_compliance(self) -> Decimal | None:
        return _percent(self.answered_on_time, self.answered + self.response_overdue)

    @property
    def resolution_compliance(self) -> Decimal | None:
        return _percent(self.resolved_on_time, self.resolved + self.resolution_overdue)


def _sla_aggregates(now: dt.datetime) -> dict:
    def taken(moment: str):
        return ExpressionWrapper(
            F(moment) - F("created_at"), output_field=DurationField()
        )

    unresolved = Q(resolved_at__isnull=True)
    return {
        "opened": Count("pk"),
        "answered": Count("pk", filter=Q(first_response_at__isnull=False)),
        "answered_on_time": Count(
            "pk", filter=Q(first_response_at__lte=F("first_response_due"))
        ),
        "response_overdue": Count(
            "pk",
            filter=Q(first_response_at__isnull=True, first_response_due__lt=now),
        ),
        "response_taken": Avg(taken("first_response_at")),
        "resolved": Count("pk", filter=~unresolved),
        "resolved_on_time": Count("pk", filter=Q(resolved_at__lte=F("resolution_due"))),
        # Past the target: still running past it, or stopped (waiting) past it.
        "resolution_overdue": Count(
            "pk",
            filter=unresolved
            & (
                Q(waiting_since__isnull=True, resolution_due__lt=now)
                | Q(resolution_due__lt=F("waiting_since"))
            ),
        ),
        "resolution_taken": Avg(taken("resolved_at")),
    }


def _sla_row(label: str, values: dict) -> SlaRow:
    return SlaRow(
        label=label,
        opened=values["opened"],
        answered=values["answered"],
        answered_on_time=values["answered_on_time"],
        response_overdue=values["response_overdue"],
        response_hours=_hours(values["response_taken"]),
        resolved=values["resolved"],
        resolved_on_time=values["resolved_on_time"],
        resolution_overdue=values["resolution_overdue"],
        resolution_hours=_hours(values["resolution_taken"]),
    )


def sla_compliance(
    tickets: QuerySet[Ticket], period: Period, now: dt.datetime
) -> tuple[list[SlaRow], SlaRow]:
    """A row per priority (urgent first) of the tickets opened in the period, and
    the row of them all."""
    aggregates = _sla_aggregates(now)
    opened = opened_in(tickets, period).order_by()
    by_priority = {
        row["priority"]: row for row in opened.values("priority").annotate(**aggregates)
    }
    rows = [
        _sla_row(str(label), by_priority[value])
        for value, label in reversed(Priority.choices)
        if value in by_priority
    ]
    total = _sla_row("", opened.aggregate(**aggregates))
    return rows, total


@dataclass(frozen=True)
class Satisfaction:
    count: int
    average: Decimal | None
    # scores[n]: how many ratings of n, 1 to 5
    scores: dict[int, int]


def satisfaction(tickets: QuerySet[Ticket], period: Period) -> Satisfaction:
    start, end = period.bounds
    ratings = Rating.objects.filter(
        ticket__in=tickets, at__gte=start, at__lt=end
    ).order_by()
    figures = ratings.aggregate(count=Count("pk"), average=Avg("score"))
    spread = dict(
        ratings.values_list("score").annotate(count=Count("pk")).order_by("score")
    )
    average = figures["average"]
    return Satisfaction(
        count=figures["count"],
        average=None
        if average is None
        else Decimal(str(average)).quantize(Decimal("0.01"), ROUND_HALF_UP),
        scores={score: spread.get(score, 0) for score in range(1, 6)},
    )


@dataclass(frozen=True)
class Deflections:
    count: int
    tickets_opened: int
    # [(subject typed, lower case; how many answers opened)], most first
    top_queries: list[tuple[str, int]]


def deflections(
    rows: QuerySet[Deflection], tickets: QuerySet[Ticket], period: Period
) -> Deflections:
    start, end = period.bounds
    in_period = rows.filter(at__gte=start, at__lt=end).order_by()
    top = (
        in_period.annotate(typed=Lower("query"))
        .values("typed")
        .annotate(count=Count("pk"))
        .order_by("-count", "typed")[:TOP_QUERIES]
    )
    return Deflections(
        count=in_period.count(),
        tickets_opened=opened_in(tickets, period).count(),
        top_queries=[(row["typed"], row["count"]) for row in top],
    )
