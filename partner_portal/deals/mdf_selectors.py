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
whatever the number of requests and claims behind them.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from partner_portal.incentives.models.ledger import AMOUNT_DIGITS, AMOUNT_PLACES
from partner_portal.partners.models import Partner

from .models import DealSettings, FundAllocation, FundClaim, FundExpiry, FundRequest

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
