"""Reads of the sales ledger."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import TruncMonth

from partner_portal.partners.models import Partner
from partner_portal.partners.ownership import partner_owned

from .models import SalesImportJob, SalesRecord, SalesSource


def trailing_window(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the 12 months that end on `as_of`, both included.

    The window starts the day after the same date a year earlier: as of 2025-03-15
    it runs from 2024-03-16 to 2025-03-15, so a sale is counted in exactly twelve
    consecutive monthly evaluations. 29 February counts back to 28 February.
    """
    try:
        year_before = as_of.replace(year=as_of.year - 1)
    except ValueError:
        year_before = as_of.replace(year=as_of.year - 1, day=28)
    return year_before + datetime.timedelta(days=1), as_of


def trailing_revenue(
    *, partner_ids: Iterable[int], as_of: datetime.date, currency: str
) -> dict[int, Decimal]:
    """{partner_id: sum of amounts in `currency` over the trailing 12 months}.

    One SQL aggregate for all the partners; returns and credit notes (negative
    lines) reduce the sum. Partners without sales in the window are left out.
    Lines in other currencies are not converted: they are not counted.
    """
    first, last = trailing_window(as_of)
    rows = (
        SalesRecord.objects.filter(
            partner_id__in=list(partner_ids),
            currency=currency,
            date__gte=first,
            date__lte=last,
        )
        .order_by()
        .values("partner_id")
        .annotate(total=Sum("amount"))
    )
    return {row["partner_id"]: row["total"] for row in rows}


def compute_trailing_revenue(partner_ids, as_of, currency):
    """The TRAILING_REVENUE measure that tier requirements ask for."""
    return trailing_revenue(partner_ids=partner_ids, as_of=as_of, currency=currency)


def trailing_revenue_by_currency(
    *, partner: Partner, as_of: datetime.date
) -> list[dict]:
    """[{"currency", "amount", "lines"}] of one partner's trailing 12 months."""
    first, last = trailing_window(as_of)
    return (
        SalesRecord.objects.for_partner(partner)
        .in_period(first, last)
        .totals_by_currency()
    )


@dataclass(frozen=True)
class MonthlyRevenue:
    """One currency's revenue in each of the 12 calendar months up to a day."""

    currency: str
    # (first day of the month, sum of its amounts), oldest first, every month.
    months: tuple[tuple[datetime.date, Decimal], ...]


def monthly_revenue(
    *, lines: QuerySet[SalesRecord], as_of: datetime.date
) -> list[MonthlyRevenue]:
    """Per currency, the revenue of `lines` (one partner's, a staff user's visible
    ones) in each month from 11 months before the month of `as_of` to `as_of`
    itself; returns deducted, months without sales 0.

    One SQL aggregate. Currencies without a line in the period are left out.
    """
    month = as_of.replace(day=1)
    starts = []
    for _ in range(12):
        starts.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    starts.reverse()
    rows = (
        lines.in_period(starts[0], as_of)
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("currency", "month")
        .annotate(amount=Sum("amount"))
    )
    sums = {}
    for row in rows:
        sums.setdefault(row["currency"], {})[row["month"]] = row["amount"]
    return [
        MonthlyRevenue(
            currency=currency,
            months=tuple(
                (start, by_month.get(start, Decimal("0.00"))) for start in starts
            ),
        )
        for currency, by_month in sorted(sums.items())
    ]


def sales_visible_to(user) -> QuerySet[SalesRecord]:
    """The lines the user may see: a partner user their partner's, while it has
    partner access; staff with `incentives.view_salesrecord` those of the partners
    they may see (see `partners.ownership`)."""
    return partner_owned.policy_for(SalesRecord).visible_to(user)


def sources_visible_to(user) -> QuerySet[SalesSource]:
    """Imports that hold at least one line the staff user may see."""
    visible = sales_visible_to(user).filter(source=OuterRef("pk"))
    return SalesSource.objects.filter(Exists(visible))


def sales_import_jobs_visible_to(user) -> QuerySet[SalesImportJob]:
    """The background imports the user started; nobody else's, whatever their role.

    A job is the user's own unfinished work (a check to confirm, a file still
    loading); what an import wrote is listed for everyone who may see it under
    Sales imports, as its source.
    """
    if not user.is_authenticated:
        return SalesImportJob.objects.none()
    return SalesImportJob.objects.filter(created_by=user)
