"""The figures of market development funds, read by the portal, the admin and the API.

A balance is one allocation's (or one currency's, over several allocations):

- allocated: the allocation's amount;
- requested: the planned cost of the requests awaiting a decision;
- approved: what staff approved for requests (their claims and expiries included);
- claimed: what staff approved of the claims, paid or not;
- paid: the approved claims that were paid;
- expired: the approved funds that were not claimed in time;
- remaining: allocated less approved, what a new approval may still take.

Every figure is a SQL aggregate: one query for all the allocations asked about,
whatever the number of requests and claims behind them. For reports over a period
of days: the allocations whose period overlaps it (`allocations_overlapping`), the
claims paid in it (`claims_paid_in`) and the revenue that followed their activities
(`mdf_return`).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import (
    Coalesce,
    ExtractQuarter,
    ExtractYear,
    TruncQuarter,
)

from partner_portal.incentives.models.ledger import AMOUNT_DIGITS, AMOUNT_PLACES
from partner_portal.partners.models import Partner

from .models import DealSettings, FundAllocation, FundClaim, FundExpiry, FundRequest
from .selectors import day_bounds

MONEY = DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
ZERO = Decimal("0.00")
FIGURES = ("requested", "approved", "claimed", "paid", "expired")
# Requests whose approved amount counts against the allocation for good.
COMMITTED = (FundRequest.Status.APPROVED, FundRequest.Status.EXPIRED)
CLAIM_APPROVED = (FundClaim.Status.APPROVED, FundClaim.Status.PAID)


@dataclass(frozen=True)
class Balance:
    """The figures of one allocation, or (`allocation` None) of one currency."""

    currency: str
    allocated: Decimal
    requested: Decimal
    approved: Decimal
    claimed: Decimal
    paid: Decimal
    expired: Decimal
    allocation: FundAllocation | None = None

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.approved

    @property
    def unclaimed(self) -> Decimal:
        """Approved funds no approved claim took and that did not expire (a claim
        awaiting a decision may still take them)."""
        return self.approved - self.claimed - self.expired


def _total(rows: QuerySet, field: str, link: str) -> Coalesce:
    """The sum of `field` over `rows` whose `link` is the outer allocation."""
    summed = (
        rows.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(
        Subquery(summed, output_field=MONEY), Value(ZERO), output_field=MONEY
    )


def with_figures(allocations: QuerySet[FundAllocation]) -> QuerySet[FundAllocation]:
    """`allocations`, each annotated with the figures of its balance (and
    `remaining`, for listings that sort or show it)."""
    requests = FundRequest.objects.all()
    claims = FundClaim.objects.filter(status__in=CLAIM_APPROVED)
    return allocations.annotate(
        requested=_total(
            requests.filter(status=FundRequest.Status.SUBMITTED),
            "planned_cost",
            "allocation",
        ),
        approved=_total(
            requests.filter(status__in=COMMITTED), "approved_amount", "allocation"
        ),
        claimed=_total(claims, "approved_amount", "request__allocation"),
        paid=_total(
            claims.filter(status=FundClaim.Status.PAID),
            "approved_amount",
            "request__allocation",
        ),
        expired=_total(FundExpiry.objects.all(), "amount", "request__allocation"),
    ).annotate(
        remaining=ExpressionWrapper(F("amount") - F("approved"), output_field=MONEY)
    )


def _allocations(of) -> QuerySet[FundAllocation]:
    if isinstance(of, Partner):
        return FundAllocation.objects.filter(partner=of)
    if isinstance(of, FundAllocation):
        return FundAllocation.objects.filter(pk=of.pk)
    return of


def balances(of) -> list[Balance]:
    """The balance of each allocation of `of`: a partner, an allocation or a
    queryset of allocations (already scoped to what the reader may see)."""
    rows = with_figures(_allocations(of).select_related("partner"))
    return [
        Balance(
            currency=row.currency,
            allocated=row.amount,
            allocation=row,
            **{name: getattr(row, name) for name in FIGURES},
        )
        for row in rows
    ]


def balance_of(allocation: FundAllocation) -> Balance:
    return balances(allocation)[0]


def currency_totals(of) -> list[Balance]:
    """The balances of the allocations of `of` added up per currency (never across
    currencies), by currency code."""
    rows = (
        with_figures(_allocations(of))
        .order_by()
        .values("currency")
        .annotate(
            allocated_total=Sum("amount"),
            **{f"{name}_total": Sum(name) for name in FIGURES},
        )
        .order_by("currency")
    )
    return [
        Balance(
            currency=row["currency"],
            allocated=row["allocated_total"],
            **{name: row[f"{name}_total"] for name in FIGURES},
        )
        for row in rows
    ]


def claim_deadline(allocation: FundAllocation, grace_days: int | None = None):
    """The last day a claim against the allocation's requests is taken."""
    if grace_days is None:
        grace_days = DealSettings.load().mdf_grace_days
    return allocation.period_end + dt.timedelta(days=grace_days)


def open_allocations(allocations: QuerySet, today: dt.date) -> QuerySet:
    """The allocations funds may still be requested from: their period has not
    ended."""
    return allocations.filter(period_end__gte=today)


def awaiting_claim(requests: QuerySet, today: dt.date) -> list[FundRequest]:
    """Approved requests with no claim in progress or approved, whose claim window
    is still open, the soonest due first; each with `claim_by`, its last day."""
    grace_days = DealSettings.load().mdf_grace_days
    live = FundClaim.objects.exclude(status=FundClaim.Status.REJECTED)
    due = list(
        requests.filter(
            status=FundRequest.Status.APPROVED,
            allocation__period_end__gte=today - dt.timedelta(days=grace_days),
        )
        .exclude(pk__in=live.values("request"))
        .select_related("allocation")
        .order_by("allocation__period_end", "end_date", "pk")
    )
    for request in due:
        request.claim_by = claim_deadline(request.allocation, grace_days)
    return due


def allocations_overlapping(allocations: QuerySet, first, last) -> QuerySet:
    """The allocations whose period shares a day with `first` to `last`."""
    return allocations.filter(period_start__lte=last, period_end__gte=first)


def claims_paid_in(claims: QuerySet[FundClaim], first, last) -> QuerySet[FundClaim]:
    start, end = day_bounds(first, last)
    return claims.filter(
        status=FundClaim.Status.PAID, paid_at__gte=start, paid_at__lt=end
    )


# Quarters after an activity whose revenue counts towards its return.
RETURN_QUARTERS = 2


@dataclass(frozen=True)
class MdfReturn:
    """Per currency: the claims, what was paid for them, and the revenue of their
    partners in the quarters after the activities (`mdf_return`)."""

    currency: str
    claims: int
    paid: Decimal
    revenue_after: Decimal

    @property
    def ratio(self) -> Decimal | None:
        """Revenue per unit of funds paid: 12.50 is 12.50 CNY sold per 1 CNY paid."""
        if not self.paid:
            return None
        return (self.revenue_after / self.paid).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _quarter_number(field: str) -> ExpressionWrapper:
    """Quarters counted from year 0: consecutive quarters differ by one."""
    return ExpressionWrapper(
        ExtractYear(field) * 4 + ExtractQuarter(field), output_field=IntegerField()
    )


def _quarter_start(day: dt.date, later: int = 0) -> dt.date:
    number = day.year * 4 + (day.month - 1) // 3 + later
    return dt.date(number // 4, number % 4 * 3 + 1, 1)


def mdf_return(
    claims: QuerySet[FundClaim], lines: QuerySet, quarters: int = RETURN_QUARTERS
) -> list[MdfReturn]:
    """For `claims` (paid ones, say those paid in a period), per currency: what was
    paid, against the revenue of `lines` (sales lines, already scoped to what the
    reader may see) of the claims' partners, in that currency, dated in the
    `quarters` calendar quarters after the quarter each claim's activity ended in.

    A sales line counts once even when it follows two activities of its partner;
    quarters still under way count the sales so far. Three aggregates, whatever the
    number of claims and lines.
    """
    claims = claims.order_by()
    paid = list(
        claims.values(currency=F("request__allocation__currency"))
        .annotate(claims=Count("pk"), paid=Sum("approved_amount"))
        .order_by("currency")
    )
    if not paid:
        return []
    ended = claims.aggregate(
        first=Min("request__end_date"), last=Max("request__end_date")
    )
    follows_an_activity = Exists(
        claims.annotate(activity_quarter=_quarter_number("request__end_date")).filter(
            partner=OuterRef("partner_id"),
            request__allocation__currency=OuterRef("currency"),
            activity_quarter__lt=OuterRef("quarter"),
            activity_quarter__gte=OuterRef("quarter") - quarters,
        )
    )
    revenue = dict(
        lines.filter(
            partner__in=claims.values("partner"),
            date__gte=_quarter_start(ended["first"], 1),
            date__lt=_quarter_start(ended["last"], quarters + 1),
        )
        .annotate(quarter=_quarter_number("date"))
        .filter(follows_an_activity)
        .order_by()
        .values_list("currency")
        .annotate(amount=Sum("amount"))
    )
    return [
        MdfReturn(
            currency=row["currency"],
            claims=row["claims"],
            paid=row["paid"],
            revenue_after=revenue.get(row["currency"], ZERO),
        )
        for row in paid
    ]


def paid_per(
    claims: QuerySet[FundClaim], first: dt.date, last: dt.date, *, by: Sequence[str]
) -> list[dict]:
    """[{*by, "currency", "amount"}] of the claims paid from `first` to `last` (local
    days, both included): their approved amounts per currency, grouped by `by`, any
    of "partner_id" and "quarter" (the first day of the quarter of the payment);
    one aggregate, for scorecards."""
    return list(
        claims_paid_in(claims, first, last)
        .annotate(
            currency=F("request__allocation__currency"),
            quarter=TruncQuarter("paid_at", output_field=DateField()),
        )
        .order_by()
        .values(*by, "currency")
        .annotate(amount=Sum("approved_amount"))
    )
