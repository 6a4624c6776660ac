"""Registrations brought over from an earlier system (`manage.py import_deals`).

An imported registration arrives in the status it had there, keyed as a partner's
submission is. One awaiting a decision is submitted now: its decision is due in
business days from the import, and it is checked for conflicts as a submission is,
against the registrations already here and those imported before it. The import is
history, not news: it records one event (the import, in the staff-only note) and
sends no email, webhook or onboarding event.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partner_portal.partners.models import Partner, User
from partner_portal.workdays.calendar import add_business_days

from ..customers import deal_keys_set
from ..models import Deal, DealConflict, DealEvent, DealSettings, LostReason
from .deals import _lock_customer, conflicts_for

# The event an imported registration's status is recorded with.
EVENT_OF_STATUS = {
    Deal.Status.DRAFT: DealEvent.Action.CREATED,
    Deal.Status.SUBMITTED: DealEvent.Action.SUBMITTED,
    Deal.Status.APPROVED: DealEvent.Action.APPROVED,
    Deal.Status.REJECTED: DealEvent.Action.REJECTED,
    Deal.Status.WON: DealEvent.Action.WON,
    Deal.Status.LOST: DealEvent.Action.LOST,
    Deal.Status.EXPIRED: DealEvent.Action.EXPIRED,
}
DECIDED = frozenset(
    {
        Deal.Status.APPROVED,
        Deal.Status.REJECTED,
        Deal.Status.WON,
        Deal.Status.LOST,
        Deal.Status.EXPIRED,
    }
)


@transaction.atomic
def deal_import(
    *,
    partner: Partner,
    registered_by: User | None,
    products,
    status: str,
    by: User | None,
    note: str,
    protected_until: dt.date | None = None,
    final_value: Decimal | None = None,
    lost_reason: LostReason | None = None,
    **fields,
) -> Deal:
    """Create a registration as the earlier system had it; `note` says where it
    came from (staff only)."""
    now = timezone.now()
    deal = Deal(
        partner=partner,
        registered_by=registered_by,
        status=status,
        protected_until=protected_until,
        final_value=final_value,
        lost_reason=lost_reason,
        **fields,
    )
    deal_keys_set(deal)
    if status != Deal.Status.DRAFT:
        deal.submitted_at = now
    if status == Deal.Status.SUBMITTED:
        deal.decision_due = add_business_days(
            now, DealSettings.load().decision_business_days
        )
    if status in DECIDED:
        deal.decided_at = now
        deal.decided_by = by
    deal.full_clean(exclude=["products"])
    deal.save()
    deal.products.set(products)
    if status == Deal.Status.SUBMITTED:
        _lock_customer(deal)
        found = conflicts_for(deal)
        if found:
            DealConflict.objects.bulk_create(
                [
                    DealConflict(deal=deal, other=other, rule=rule)
                    for other, rule in found
                ]
            )
            Deal.objects.filter(
                pk__in=[deal.pk, *(other.pk for other, _rule in found)]
            ).update(conflict=True)
    DealEvent.objects.create(
        deal=deal, action=EVENT_OF_STATUS[status], status=status, by=by, note=note
    )
    return deal
