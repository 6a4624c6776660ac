"""Reads of statements for the people who look at them.

Partner users see their partner's statements only once issued: drafts and approved
statements are the vendor's work in progress. Which partner, and which roles (partner
admins and sales), is the partner-owned policy's answer; staff see statements at
every step by its rules (model permission, their partners).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from partner_portal.partners.ownership import partner_owned

from ..models import Dispute, Program, Statement, StatementEvent

# What a partner user sees of a statement's life.
PARTNER_STATUSES = (Statement.Status.ISSUED, Statement.Status.PAID)


def statements_visible_to(user) -> QuerySet[Statement]:
    """The statements `user` may see; partner users only issued and paid ones."""
    statements = partner_owned.policy_for(Statement).visible_to(user)
    if not user.is_staff:
        statements = statements.filter(status__in=PARTNER_STATUSES)
    return statements


def disputes_visible_to(user) -> QuerySet[Dispute]:
    return Dispute.objects.filter(line__statement__in=statements_visible_to(user))


def partner_programs(partner, statements, *, today: datetime.date) -> QuerySet:
    """The programs `partner` takes part in: those not ended on `today` that its
    tier is eligible for now, and those of `statements` (its visible ones)."""
    return (
        Program.objects.filter(
            Q(eligible_tiers=partner.tier_id, end__gte=today)
            | Q(pk__in=statements.values("program"))
        )
        .distinct()
        .order_by("-end", "name")
    )


@dataclass(frozen=True)
class Steps:
    issued: datetime.datetime | None
    paid: datetime.datetime | None


def statement_steps(statement: Statement) -> Steps:
    """When the statement was issued and paid (what partners see of its history)."""
    at = dict(
        statement.events.filter(
            action__in=[StatementEvent.Action.ISSUED, StatementEvent.Action.PAID]
        ).values_list("action", "at")
    )
    return Steps(
        issued=at.get(StatementEvent.Action.ISSUED),
        paid=at.get(StatementEvent.Action.PAID),
    )


@dataclass(frozen=True)
class IncentiveTotals:
    """What statements owe partners in one currency (`incentive_totals`)."""

    currency: str
    statements: int
    accrued: Decimal
    issued: Decimal
    paid: Decimal


# Issued statements are owed to partners; paid ones were issued first.
OWED = (Statement.Status.ISSUED, Statement.Status.PAID)


def incentive_totals(
    statements: QuerySet[Statement], first: datetime.date, last: datetime.date
) -> list[IncentiveTotals]:
    """Per currency, one aggregate over the statements and adjustments (already
    scoped to what the reader may see) of the periods that end from `first` to
    `last`:

    - accrued: their totals at every step, drafts and approved ones included:
      what the calculation says partners earned;
    - issued: those issued to partners, paid or not yet;
    - paid: those marked paid.
    """
    owed = Q(status__in=OWED)
    paid = Q(status=Statement.Status.PAID)
    zero = Decimal("0.00")
    rows = (
        statements.filter(period_end__gte=first, period_end__lte=last)
        .order_by()
        .values("currency")
        .annotate(
            count=Count("pk"),
            accrued=Sum("total"),
            issued=Sum("total", filter=owed),
            paid_total=Sum("total", filter=paid),
        )
        .order_by("currency")
    )
    return [
        IncentiveTotals(
            currency=row["currency"],
            statements=row["count"],
            accrued=row["accrued"],
            issued=row["issued"] or zero,
            paid=row["paid_total"] or zero,
        )
        for row in rows
    ]
