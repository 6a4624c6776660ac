"""Reads of deal registrations for reports: each figure one SQL aggregate over the
registrations given (already scoped to what the reader may see) and a period of
local days, from `first` to `last`, both included.

- registered: the registrations submitted in the period, by status today;
- decisions: the decisions made in the period, approved (co-sell included) or
  rejected, and how many came by their due moment (`decision_due`);
- decision days: how long those decisions took in business days of the working
  calendar, as a count of decisions per number of days (`DecisionDays`);
- closes: the registrations won or lost in the period (their event's day);
- pipeline: the approved registrations still open today, and those awaiting a
  decision, with their estimated value per currency.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    F,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate, TruncQuarter
from django.utils import timezone

from partner_portal.workdays.calendar import Calendar

from .models import Deal, DealEvent

APPROVED = (
    Deal.Status.APPROVED,
    Deal.Status.WON,
    Deal.Status.LOST,
    Deal.Status.EXPIRED,
)


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of `first` and the first moment after `last`, local time."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def _within(field: str, first: dt.date, last: dt.date) -> Q:
    start, end = day_bounds(first, last)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def registered(deals: QuerySet[Deal], first, last) -> dict[str, int]:
    """{status: how many} of the registrations submitted in the period."""
    rows = (
        deals.filter(_within("submitted_at", first, last))
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


@dataclass(frozen=True)
class Decisions:
    approved: int
    rejected: int
    # Of the decisions with a due moment (imported ones have none), those made by it.
    due: int
    on_time: int

    @property
    def decided(self) -> int:
        return self.approved + self.rejected


def decided_in(deals: QuerySet[Deal], first, last) -> QuerySet[Deal]:
    return deals.filter(_within("decided_at", first, last))


def decisions(deals: QuerySet[Deal], first, last) -> Decisions:
    clocked = Q(decision_due__isnull=False)
    return Decisions(
        **decided_in(deals, first, last).aggregate(
            approved=Count("pk", filter=Q(status__in=APPROVED)),
            rejected=Count("pk", filter=Q(status=Deal.Status.REJECTED)),
            due=Count("pk", filter=clocked),
            on_time=Count("pk", filter=clocked & Q(decided_at__lte=F("decision_due"))),
        )
    )


@dataclass(frozen=True)
class DecisionDays:
    """How many decisions took each number of business days: a decision on the
    day of submission took 0, one on the next working day 1, and so on (the
    working days after the submission's day up to the decision's day)."""

    counts: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def median(self) -> Decimal | None:
        """The middle decision's days; the mean of the two middle ones when the
        count is even (so 1.5 days can be)."""
        if not self.total:
            return None
        middle = []
        for position in ((self.total - 1) // 2, self.total // 2):
            seen = 0
            for days in sorted(self.counts):
                seen += self.counts[days]
                if seen > position:
                    middle.append(days)
                    break
        return (Decimal(sum(middle)) / 2).quantize(Decimal("0.1"), ROUND_HALF_UP)


def decision_days(deals: QuerySet[Deal], first, last) -> DecisionDays:
    """The business days the period's decisions took, of registrations submitted
    here (an imported decision has no due moment, and no time taken to count).

    One aggregate counts the decisions per (day submitted, day decided) in the
    calendar's time zone; the calendar then counts the working days of each pair,
    so the work grows with the days spanned, not with the registrations."""
    calendar = Calendar.load()
    pairs = list(
        decided_in(deals, first, last)
        .filter(decision_due__isnull=False, submitted_at__isnull=False)
        .annotate(
            submitted_day=TruncDate("submitted_at", tzinfo=calendar.zone),
            decided_day=TruncDate("decided_at", tzinfo=calendar.zone),
        )
        .order_by()
        .values_list("submitted_day", "decided_day")
        .annotate(count=Count("pk"))
    )
    counts: dict[int, int] = {}
    if not pairs:
        return DecisionDays(counts)
    start = min(submitted for submitted, _decided, _count in pairs)
    end = max(decided for _submitted, decided, _count in pairs)
    # working[day]: the working days after `start` up to and including `day`.
    working, total, day = {}, 0, start
    while day <= end:
        if day > start and calendar.is_working_day(day):
            total += 1
        working[day] = total
        day += dt.timedelta(days=1)
    for submitted, decided, count in pairs:
        days = max(working[decided] - working[submitted], 0)
        counts[days] = counts.get(days, 0) + count
    return DecisionDays(counts)


@dataclass(frozen=True)
class Closes:
    won: int
    lost: int

    @property
    def closed(self) -> int:
        return self.won + self.lost


def closes(deals: QuerySet[Deal], first, last) -> Closes:
    """The registrations marked won or lost in the period."""
    events = DealEvent.objects.filter(
        _within("at", first, last),
        deal__in=deals,
        action__in=(DealEvent.Action.WON, DealEvent.Action.LOST),
    )
    return Closes(
        **events.aggregate(
            won=Count("deal", distinct=True, filter=Q(action=DealEvent.Action.WON)),
            lost=Count("deal", distinct=True, filter=Q(action=DealEvent.Action.LOST)),
        )
    )


@dataclass(frozen=True)
class Pipeline:
    currency: str
    approved: int
    approved_value: Decimal
    awaiting: int
    awaiting_value: Decimal


def pipeline(deals: QuerySet[Deal]) -> list[Pipeline]:
    """Per currency, today: the approved registrations not yet won, lost or expired
    and those awaiting a decision, with the sum of their estimated values."""
    approved = Q(status=Deal.Status.APPROVED)
    awaiting = Q(status=Deal.Status.SUBMITTED)
    zero = Decimal("0.00")
    rows = (
        deals.filter(approved | awaiting)
        .order_by()
        .values("currency")
        .annotate(
            approved=Count("pk", filter=approved),
            approved_value=Sum("estimated_value", filter=approved),
            awaiting=Count("pk", filter=awaiting),
            awaiting_value=Sum("estimated_value", filter=awaiting),
        )
        .order_by("currency")
    )
    return [
        Pipeline(
            currency=row["currency"],
            approved=row["approved"],
            approved_value=row["approved_value"] or zero,
            awaiting=row["awaiting"],
            awaiting_value=row["awaiting_value"] or zero,
        )
        for row in rows
    ]


def registrations_by_partner(deals: QuerySet[Deal], first, last) -> dict[int, int]:
    """{partner id: registrations submitted in the period} of `deals`; one
    aggregate."""
    rows = (
        deals.filter(_within("submitted_at", first, last))
        .order_by()
        .values("partner_id")
        .annotate(count=Count("pk"))
    )
    return {row["partner_id"]: row["count"] for row in rows}


# Scorecards: figures grouped by `by`, any of "partner_id" and "quarter" (the first
# day of the calendar quarter, local time), each one aggregate -----------------------


def registrations_per(
    deals: QuerySet[Deal], first, last, *, by: Sequence[str]
) -> list[dict]:
    """[{*by, "count"}] of the registrations submitted in the period."""
    return list(
        deals.filter(_within("submitted_at", first, last))
        .annotate(quarter=TruncQuarter("submitted_at", output_field=DateField()))
        .order_by()
        .values(*by)
        .annotate(count=Count("pk"))
    )


def wins_per(deals: QuerySet[Deal], first, last, *, by: Sequence[str]) -> list[dict]:
    """[{*by, "count"}] of the registrations marked won in the period (their
    event's day, as `closes` counts them)."""
    events = DealEvent.objects.filter(
        _within("at", first, last), deal__in=deals, action=DealEvent.Action.WON
    )
    return list(
        events.annotate(
            partner_id=F("deal__partner_id"),
            quarter=TruncQuarter("at", output_field=DateField()),
        )
        .order_by()
        .values(*by)
        .annotate(count=Count("deal", distinct=True))
    )


def first_submitted(deals: QuerySet[Deal], partner) -> Subquery:
    """When the partner (an outer reference) first submitted one of `deals`, a
    draft never submitted left out; None if it never did (the recruitment
    funnel's "first deal")."""
    return Subquery(
        deals.filter(partner=partner, submitted_at__isnull=False)
        .order_by("submitted_at", "pk")
        .values("submitted_at")[:1],
        output_field=DateTimeField(),
    )
