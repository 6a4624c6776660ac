"""The decision SLA of deal registrations as staff see it: which are overdue, which
are due today, and the order the admin lists them in.

A registration's decision is due `DealSettings.decision_business_days` business
days after it was submitted (`deal_submit` sets `decision_due` with the working
calendar, so weekends and holidays are already counted); it is overdue while it
awaits a decision past that moment.
"""

import datetime as dt

from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, When
from django.utils import timezone

from .models import Deal

OVERDUE = "overdue"
DUE_TODAY = "due_today"


def with_sla(deals, now: dt.datetime | None = None):
    """The registrations with `overdue` (awaiting a decision past its due time)
    and `pending_due` (the due time of those awaiting one, else none)."""
    now = now or timezone.now()
    awaiting = Q(status=Deal.Status.SUBMITTED)
    return deals.annotate(
        overdue=ExpressionWrapper(
            awaiting & Q(decision_due__lt=now), output_field=BooleanField()
        ),
        pending_due=Case(When(awaiting, then=F("decision_due")), default=None),
    )


# Overdue first, then the others awaiting a decision by due time, then the
# decided ones, the latest submitted first.
SLA_ORDER = (
    F("overdue").desc(),
    F("pending_due").asc(nulls_last=True),
    F("submitted_at").desc(nulls_last=True),
    "-pk",
)


def sla_state(deal: Deal, now: dt.datetime) -> str:
    """OVERDUE, DUE_TODAY or "" (decided, or due on a later day)."""
    if deal.status != Deal.Status.SUBMITTED or deal.decision_due is None:
        return ""
    if deal.decision_due < now:
        return OVERDUE
    if timezone.localdate(deal.decision_due) == timezone.localdate(now):
        return DUE_TODAY
    return ""
