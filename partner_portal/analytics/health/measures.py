"""Each factor's raw measure for many partners at once, as of a day.

A measure function takes the partners (a queryset), their ids and the `Window` and
returns a `Measure` for every id, from one aggregate or a few of the owning apps'
selectors: the number of queries does not grow with the number of partners.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone

from learning.selectors import compute_certified_users, lessons_completed_by_partner
from partner_portal.deals.models import Deal
from partner_portal.deals.selectors import registrations_by_partner
from partner_portal.incentives.selectors import lines_of, revenue_against_before
from partner_portal.partners.models import Partner
from partner_portal.partners.selectors import users_by_partner
from partner_portal.resources.selectors import downloads_by_partner
from partner_portal.support.models import Ticket
from partner_portal.support.selectors import support_trouble_by_partner

from ..models import FactorCode

ZERO, ONE = Decimal("0"), Decimal("1")
CENT = Decimal("0.01")
# Engagement, deal activity and support look back this many days, today included.
RECENT_DAYS = 90


def _add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """The periods the measures look at, as of the day `on`; `now` is the moment
    SLA breaches are judged at (the end of `on`, or now when `on` is today)."""

    on: dt.date
    now: dt.datetime

    @classmethod
    def as_of(cls, on: dt.date) -> "Window":
        now = timezone.now()
        if on < timezone.localdate(now):
            now = cls._start(on + dt.timedelta(days=1))
        return cls(on, now)

    @staticmethod
    def _start(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(
            day, dt.time.min, tzinfo=timezone.get_current_timezone()
        )

    @property
    def recent_first(self) -> dt.date:
        return self.on - dt.timedelta(days=RECENT_DAYS - 1)

    @property
    def recent_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """From the first moment of the 90 days to the first moment after `on`."""
        return self._start(self.recent_first), self._start(
            self.on + dt.timedelta(days=1)
        )

    @property
    def months(self) -> tuple[dt.date, dt.date, dt.date]:
        """The first day of the earlier three months, the first day of the last
        three full calendar months before `on`'s month, and the last day of those."""
        this_month = self.on.replace(day=1)
        return (
            _add_months(this_month, -6),
            _add_months(this_month, -3),
            this_month - dt.timedelta(days=1),
        )


@dataclass(frozen=True)
class Measure:
    """A partner's raw value (None: nothing to measure) and the numbers its sentence
    is worded from; `fallback` is the normalised value when there is no raw one."""

    raw: Decimal | None
    detail: dict = field(default_factory=dict)
    fallback: Decimal = ZERO


def _percent(part, whole) -> Decimal:
    return (Decimal(100) * part / whole).quantize(CENT, ROUND_HALF_UP)


def revenue_trend(partners: QuerySet[Partner], ids, window: Window) -> dict:
    first, split, last = window.months
    rows = revenue_against_before(lines_of(partners, first, last), split)
    # Each partner's currency with the most lines (then the first by code): the
    # trend of one currency's amounts, never a sum across currencies.
    main: dict[int, dict] = {}
    for row in sorted(rows, key=lambda row: (-row["lines"], row["currency"])):
        main.setdefault(row["partner_id"], row)
    measures = {}
    for pk in ids:
        row = main.get(pk)
        if row is None:
            measures[pk] = Measure(None)
            continue
        now, before = row["now"], row["before"]
        detail = {"currency": row["currency"], "now": str(now), "before": str(before)}
        if before <= 0:
            measures[pk] = Measure(None, detail, ONE if now > 0 else ZERO)
        else:
            measures[pk] = Measure(_percent(now - before, before), detail)
    return measures


def engagement(partners: QuerySet[Partner], ids, window: Window) -> dict:
    start, end = window.recent_bounds
    users = users_by_partner(partners, start)
    downloads = downloads_by_partner(partners, start, end)
    lessons = lessons_completed_by_partner(partners, start, end)
    measures = {}
    for pk in ids:
        detail = {
            "signed_in": users.get(pk, {}).get("signed_in", 0),
            "downloads": downloads.get(pk, 0),
            "lessons": lessons.get(pk, 0),
        }
        measures[pk] = Measure(Decimal(sum(detail.values())), detail)
    return measures


def certification(partners: QuerySet[Partner], ids, window: Window) -> dict:
    users = users_by_partner(partners, window.recent_bounds[0])
    certified = compute_certified_users(ids, window.on)
    measures = {}
    for pk in ids:
        total = users.get(pk, {}).get("users", 0)
        detail = {"certified": certified.get(pk, 0), "users": total}
        raw = _percent(detail["certified"], total) if total else None
        measures[pk] = Measure(raw, detail)
    return measures


def deal_activity(partners: QuerySet[Partner], ids, window: Window) -> dict:
    deals = Deal.objects.filter(partner__in=partners)
    counts = registrations_by_partner(deals, window.recent_first, window.on)
    return {
        pk: Measure(Decimal(counts.get(pk, 0)), {"registered": counts.get(pk, 0)})
        for pk in ids
    }


def support(partners: QuerySet[Partner], ids, window: Window) -> dict:
    start, end = window.recent_bounds
    tickets = Ticket.objects.filter(partner__in=partners)
    rows = support_trouble_by_partner(tickets, start, end, window.now)
    measures = {}
    for pk in ids:
        row = rows.get(pk, {"tickets": 0, "troubled": 0})
        raw = _percent(row["troubled"], row["tickets"]) if row["tickets"] else None
        measures[pk] = Measure(raw, row, ONE)
    return measures


MEASURES: dict[str, Callable[[QuerySet[Partner], list[int], Window], dict]] = {
    FactorCode.REVENUE_TREND: revenue_trend,
    FactorCode.ENGAGEMENT: engagement,
    FactorCode.CERTIFICATION: certification,
    FactorCode.DEAL_ACTIVITY: deal_activity,
    FactorCode.SUPPORT: support,
}
