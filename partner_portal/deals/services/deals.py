"""What partners and staff do to a deal registration, each step one transaction.

    deal = deal_save(partner=p, by=user, products=[...], customer_name=..., ...)
    deal = deal_submit(deal=deal, by=user)         # conflict check, decision due
    deal_decide(deal=deal, by=staff, decision="approve" | "reject" | "co_sell", ...)
    deal_extend / deal_win / deal_lose; deals_expire and deals_remind nightly.

The conflict check runs under a transaction-level advisory lock on the customer's
keys, so two partners submitting the same customer at once cannot both miss the
other. Each change of status is a `DealEvent`; the partner's first submitted deal
completes the onboarding step "Register a first deal".
"""

import datetime as dt
import zlib

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.events import announce
from partner_portal.partners.models import OnboardingStep, Partner, User
from partner_portal.partners.onboarding import onboarding_event
from partner_portal.workdays.calendar import add_business_days

from .. import notifications
from ..customers import deal_keys_set
from ..models import Deal, DealConflict, DealEvent, DealSettings, LostReason

PARTNER_FIELDS = (
    "customer_name",
    "customer_domain",
    "country",
    "region",
    "estimated_value",
    "currency",
    "expected_close_date",
    "notes",
    "contact_name",
    "contact_email",
    "contact_phone",
)


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    CO_SELL = "co_sell"
    ALL = (APPROVE, REJECT, CO_SELL)


def _record(
    deal: Deal, action: str, by: User | None, *, reason="", note=""
) -> DealEvent:
    event = DealEvent.objects.create(
        deal=deal, action=action, status=deal.status, by=by, reason=reason, note=note
    )
    if action != DealEvent.Action.CREATED:
        announce(
            "deal.status_changed",
            {"deal": deal.pk, "status": deal.status, "action": action},
        )
    transaction.on_commit(lambda: notifications.deal_event_notify(event))
    return event


# The code of the refusal of a step the registration's status does not allow: the
# API answers it 409, as a conflict with the registration's state, not bad input.
WRONG_STATUS = "wrong_status"


def _refuse_unless(deal: Deal, *statuses: str) -> None:
    if deal.status not in statuses:
        raise ValidationError(
            _("This registration is %(status)s; it cannot be changed that way.")
            % {"status": deal.get_status_display().lower()},
            code=WRONG_STATUS,
        )


@transaction.atomic
def deal_save(
    *, partner: Partner, by: User | None, products, deal: Deal | None = None, **fields
) -> Deal:
    """Create a draft registration, or change a draft (only drafts change)."""
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise ValueError(f"A registration has no field {sorted(unknown)}")
    created = deal is None
    if created:
        deal = Deal(partner=partner, registered_by=by)
    else:
        # Read again under a lock: a submission at the same moment is not undone by
        # saving the draft's old status over it.
        deal = Deal.objects.select_for_update().get(pk=deal.pk)
        _refuse_unless(deal, Deal.Status.DRAFT)
    for name, value in fields.items():
        setattr(deal, name, value)
    products = list(products)
    if not products:
        raise ValidationError({"products": _("Choose at least one product.")})
    deal_keys_set(deal)
    deal.full_clean(exclude=["products"])
    deal.save()
    deal.products.set(products)
    if created:
        _record(deal, DealEvent.Action.CREATED, by)
    return deal


def _lock_customer(deal: Deal) -> None:
    """Serialise submissions of the same customer (by name key and by domain). On
    SQLite (`make run` alone) there is nothing to do: it lets one writer at a time."""
    if connection.vendor != "postgresql":
        return
    keys = sorted({f"name:{deal.customer_key}", f"domain:{deal.domain_key}"})
    with connection.cursor() as cursor:
        for key in keys:
            if not key.endswith(":"):
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)",
                    [0x0DEA1, zlib.crc32(key.encode()) - 2**31],
                )


def conflicts_for(deal: Deal) -> list[tuple[Deal, str]]:
    """Other pending or approved registrations of the same customer with a product
    in common, each with the rule that matched (the domain first)."""
    same = Q(customer_key=deal.customer_key)
    if deal.domain_key:
        same |= Q(domain_key=deal.domain_key)
    others = (
        Deal.objects.pending_or_approved()
        .filter(same, products__in=deal.products.all())
        .exclude(pk=deal.pk)
        .distinct()
        .order_by("submitted_at", "pk")
    )
    return [
        (
            other,
            DealConflict.Rule.DOMAIN
            if deal.domain_key and other.domain_key == deal.domain_key
            else DealConflict.Rule.NAME,
        )
        for other in others
    ]


@transaction.atomic
def deal_submit(*, deal: Deal, by: User | None) -> Deal:
    """Submit a draft: flag conflicts, set the decision due date, tell staff."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _refuse_unless(deal, Deal.Status.DRAFT)
    deal_keys_set(deal)
    _lock_customer(deal)
    found = conflicts_for(deal)
    settings = DealSettings.load()
    now = timezone.now()
    deal.status = Deal.Status.SUBMITTED
    deal.submitted_at = now
    deal.decision_due = add_business_days(now, settings.decision_business_days)
    deal.conflict = bool(found)
    deal.save()
    DealConflict.objects.bulk_create(
        [DealConflict(deal=deal, other=other, rule=rule) for other, rule in found]
    )
    if found:
        Deal.objects.filter(pk__in=[other.pk for other, _rule in found]).update(
            conflict=True
        )
    _record(deal, DealEvent.Action.SUBMITTED, by)
    announce("deal.registered", {"deal": deal.pk, "partner": deal.partner.external_id})
    onboarding_event(
        partner=deal.partner, kind=OnboardingStep.Kind.REGISTER_DEAL, by=by
    )
    return deal


def _approve(deal: Deal, by: User, action: str, *, reason: str, note: str) -> None:
    today = timezone.localdate()
    deal.status = Deal.Status.APPROVED
    deal.decided_at = timezone.now()
    deal.decided_by = by
    deal.protected_until = today + dt.timedelta(
        days=DealSettings.load().protection_days
    )
    deal.reminded_days = None
    deal.co_sell = action == DealEvent.Action.CO_SELL
    deal.save()
    _record(deal, action, by, reason=reason, note=note)


@transaction.atomic
def deal_decide(
    *, deal: Deal, by: User, decision: str, reason: str = "", note: str = ""
) -> Deal:
    """Staff decide a submitted registration.

    "approve" starts its protection window; "reject" needs a reason, which the
    registrant reads; "co_sell" approves it and every registration it conflicts with
    that is still pending, each marked co-sell (approved ones become co-sell too).
    """
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _refuse_unless(deal, Deal.Status.SUBMITTED)
    if decision == Decision.REJECT:
        if not reason.strip():
            raise ValidationError(
                {
                    "reason": _(
                        "Say why the registration is rejected; the partner reads it."
                    )
                }
            )
        deal.status = Deal.Status.REJECTED
        deal.decided_at = timezone.now()
        deal.decided_by = by
        deal.save()
        _record(deal, DealEvent.Action.REJECTED, by, reason=reason, note=note)
    elif decision == Decision.APPROVE:
        _approve(deal, by, DealEvent.Action.APPROVED, reason=reason, note=note)
    elif decision == Decision.CO_SELL:
        _approve(deal, by, DealEvent.Action.CO_SELL, reason=reason, note=note)
        for other in conflicting(deal).select_for_update():
            if other.status == Deal.Status.SUBMITTED:
                _approve(other, by, DealEvent.Action.CO_SELL, reason=reason, note=note)
            elif other.status == Deal.Status.APPROVED and not other.co_sell:
                other.co_sell = True
                other.save(update_fields=["co_sell"])
                _record(other, DealEvent.Action.CO_SELL, by, reason=reason, note=note)
    else:
        raise ValidationError(_("Choose approve, reject or co-sell."))
    return deal


def conflicting(deal: Deal):
    """The registrations a deal conflicts with, either way round."""
    return Deal.objects.filter(
        Q(pk__in=DealConflict.objects.filter(deal=deal).values("other"))
        | Q(pk__in=DealConflict.objects.filter(other=deal).values("deal"))
    )


@transaction.atomic
def deal_extend(*, deal: Deal, by: User, until: dt.date, reason: str) -> Deal:
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _refuse_unless(deal, Deal.Status.APPROVED)
    if until <= deal.protected_until:
        raise ValidationError(
            {
                "until": _("Choose a day after the current end, %(date)s.")
                % {"date": deal.protected_until.isoformat()}
            }
        )
    deal.protected_until = until
    deal.reminded_days = None
    deal.save(update_fields=["protected_until", "reminded_days"])
    _record(deal, DealEvent.Action.EXTENDED, by, reason=reason)
    return deal


@transaction.atomic
def deal_win(*, deal: Deal, by: User, final_value) -> Deal:
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _refuse_unless(deal, Deal.Status.APPROVED)
    if final_value is None or final_value < 0:
        raise ValidationError({"final_value": _("Enter the deal's final value.")})
    deal.status = Deal.Status.WON
    deal.final_value = final_value
    deal.save(update_fields=["status", "final_value"])
    _record(deal, DealEvent.Action.WON, by)
    return deal


@transaction.atomic
def deal_lose(
    *, deal: Deal, by: User, lost_reason: LostReason | None, reason=""
) -> Deal:
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _refuse_unless(deal, Deal.Status.APPROVED)
    if lost_reason is None:
        raise ValidationError({"lost_reason": _("Choose why the deal was lost.")})
    deal.status = Deal.Status.LOST
    deal.lost_reason = lost_reason
    deal.save(update_fields=["status", "lost_reason"])
    _record(deal, DealEvent.Action.LOST, by, reason=reason)
    return deal


def deals_expire(*, today: dt.date | None = None) -> int:
    """Expire approved registrations whose window ended before `today`."""
    today = today or timezone.localdate()
    expired = 0
    ended = Deal.objects.filter(status=Deal.Status.APPROVED, protected_until__lt=today)
    for pk in ended.values_list("pk", flat=True):
        with transaction.atomic():
            deal = Deal.objects.select_for_update().get(pk=pk)
            if deal.status == Deal.Status.APPROVED and deal.protected_until < today:
                deal.status = Deal.Status.EXPIRED
                deal.save(update_fields=["status"])
                _record(
                    deal,
                    DealEvent.Action.EXPIRED,
                    None,
                    reason=_("The protection window ended on %(date)s.")
                    % {"date": deal.protected_until.isoformat()},
                )
                expired += 1
    return expired


def deals_remind(*, today: dt.date | None = None) -> int:
    """Email each registrant whose window ends within the first or the last reminder
    days, once per reminder and window; returns how many emails went out."""
    today = today or timezone.localdate()
    settings = DealSettings.load()
    sent = 0
    for days in sorted({settings.first_reminder_days, settings.last_reminder_days}):
        due = Deal.objects.filter(
            status=Deal.Status.APPROVED,
            protected_until__gte=today,
            protected_until__lte=today + dt.timedelta(days=days),
        ).filter(Q(reminded_days__isnull=True) | Q(reminded_days__gt=days))
        for pk in due.values_list("pk", flat=True):
            with transaction.atomic():
                claimed = (
                    Deal.objects.filter(pk=pk)
                    .filter(Q(reminded_days__isnull=True) | Q(reminded_days__gt=days))
                    .update(reminded_days=days)
                )
                if claimed:
                    deal = Deal.objects.select_related("registered_by").get(pk=pk)
                    transaction.on_commit(
                        lambda deal=deal: notifications.deal_expiry_remind(deal)
                    )
                    sent += 1
    return sent
