"""Reads of the sales ledger."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    Left,
    StrIndex,
    TruncMonth,
    TruncQuarter,
)

from partner_portal.partners.models import Partner, TierChange
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


# The SKU family is a SKU's code up to its first hyphen: CLOUD-PRO and CLOUD-STD are
# both CLOUD; a SKU without a hyphen is its own family.
def sku_family_expression():
    return Case(
        When(sku__contains="-", then=Left("sku", StrIndex("sku", Value("-")) - 1)),
        default=F("sku"),
    )


def sku_family(sku: str) -> str:
    return sku.split("-", 1)[0]


def lines_of(partners: QuerySet[Partner], first, last) -> QuerySet[SalesRecord]:
    """The lines of `partners` dated from `first` to `last`, both included."""
    return SalesRecord.objects.filter(partner__in=partners).in_period(first, last)


def revenue_by_month(lines: QuerySet[SalesRecord]) -> dict[str, dict]:
    """{currency: {first day of a month: sum}} of the lines, one aggregate."""
    rows = (
        lines.annotate(month=TruncMonth("date"))
        .order_by()
        .values("currency", "month")
        .annotate(amount=Sum("amount"))
    )
    sums: dict[str, dict] = {}
    for row in rows:
        sums.setdefault(row["currency"], {})[row["month"]] = row["amount"]
    return sums


def revenue_by(lines: QuerySet[SalesRecord], dimension: str) -> list[dict]:
    """[{"key", "currency", "amount"}] of the lines grouped by `dimension`, one
    aggregate, the largest first:

    - "tier": the tier the partner held on the line's date (its tier history), so a
      partner promoted mid-period counts under each tier for its own days;
    - "region", "partner": the partner's region, the partner's id;
    - "sku_family": see `sku_family_expression`.
    """
    key = {
        "tier": Coalesce(
            Subquery(
                TierChange.objects.filter(
                    partner=OuterRef("partner_id"), effective_from__lte=OuterRef("date")
                )
                .order_by("-effective_from", "-id")
                .values("tier_id")[:1]
            ),
            F("partner__tier_id"),
            output_field=BigIntegerField(),
        ),
        "region": F("partner__region"),
        "partner": F("partner_id"),
        "sku_family": sku_family_expression(),
    }[dimension]
    return list(
        lines.annotate(key=key)
        .order_by()
        .values("key", "currency")
        .annotate(amount=Sum("amount"))
        .order_by("currency", "-amount", "key")
    )


def revenue_against_before(
    lines: QuerySet[SalesRecord], split: datetime.date
) -> list[dict]:
    """[{"partner_id", "currency", "now", "before", "lines"}] of the lines, one
    aggregate: per partner and currency the sum dated from `split` on ("now"), the
    sum dated before it ("before"), and how many lines there are in all."""
    return list(
        lines.order_by()
        .values("partner_id", "currency")
        .annotate(
            now=Coalesce(Sum("amount", filter=Q(date__gte=split)), Decimal("0")),
            before=Coalesce(Sum("amount", filter=Q(date__lt=split)), Decimal("0")),
            lines=Count("pk"),
        )
    )


# Scorecards ------------------------------------------------------------------------


def revenue_per(lines: QuerySet[SalesRecord], *, by: Sequence[str]) -> list[dict]:
    """[{*by, "currency", "amount"}] of the lines (`lines_of`, scoped), one aggregate,
    grouped by currency and by `by`: any of "partner_id" and "quarter" (the first day
    of the calendar quarter of the line's date). Returns are deducted."""
    return list(
        lines.annotate(quarter=TruncQuarter("date"))
        .order_by()
        .values(*by, "currency")
        .annotate(amount=Sum("amount"))
    )


def first_sale(lines: QuerySet[SalesRecord], partner) -> Subquery:
    """The day of the partner's (an outer reference) first sale among `lines`: its
    first line of a positive amount, as a return is no sale; None if it has none
    (the recruitment funnel's "first sale")."""
    return Subquery(
        lines.filter(partner=partner, amount__gt=0)
        .order_by("date", "pk")
        .values("date")[:1],
        output_field=DateField(),
    )
