"""What program managers, partners and staff do with market development funds, each
step one transaction, audit-logged on its record (Wagtail's history).

    allocation_set(partner=p, period="2026-Q4", currency="USD", amount=..., by=pm)
    request = fund_request_submit(allocation=a, by=user, title=..., planned_cost=...)
    fund_request_decide(request=request, by=staff, approve=True, amount=...)
    claim = fund_claim_submit(request=request, by=user, actual_cost=..., files=[...])
    fund_claim_decide(claim=claim, by=staff, approve=True, amount=...)
    fund_claim_pay(claim=claim, by=finance, reference="PAY-123")
    funds_expire()  # nightly

An approval takes at most what remains of the allocation at that moment: the
allocation's row is locked (`select_for_update`) while the remaining amount is
added up and the approval written, so two approvals at once are made one after
the other and cannot overspend. Every lock on an allocation is taken before any on
its requests, so the steps never wait on each other in a circle. The services
check what the steps need of the records; who may take them (roles, model
permissions, the partners in reach) the views check, through the partner-owned
policy.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from partner_portal.events import announce
from partner_portal.incentives.currencies import validate_currency
from partner_portal.incentives.models import PeriodKind
from partner_portal.incentives.periods import calendar_period
from partner_portal.incentives.statements.wording import money
from partner_portal.partners.models import Partner, User

from .. import mdf_notifications as notifications
from ..mdf_proofs import proof_store, proofs_check
from ..mdf_selectors import CLAIM_APPROVED, balance_of, claim_deadline
from ..models import (
    ActivityType,
    ClaimProof,
    DealSettings,
    FundAllocation,
    FundClaim,
    FundExpiry,
    FundRequest,
)

REQUEST_FIELDS = (
    "activity_type",
    "title",
    "description",
    "start_date",
    "end_date",
    "planned_cost",
    "expected_leads",
    "expected_attendees",
)
LIVE_CLAIM = (
    FundClaim.Status.SUBMITTED,
    FundClaim.Status.APPROVED,
    FundClaim.Status.PAID,
)


def _day(day):
    return day.isoformat()


def allocation_floor_error(allocation: FundAllocation, amount: Decimal) -> str | None:
    """Why a stored allocation cannot be set to `amount`, or None: it is never set
    below what is approved from it."""
    approved = balance_of(allocation).approved
    if amount >= approved:
        return None
    return _(
        "%(approved)s is approved from this allocation already; it cannot be set "
        "lower than that."
    ) % {"approved": money(approved, allocation.currency)}


@transaction.atomic
def allocation_set(
    *,
    partner: Partner,
    period: str,
    currency: str,
    amount: Decimal,
    by: User | None,
    note: str = "",
) -> FundAllocation:
    """Allocate `amount` to `partner` for `period` ("2026-Q3" or "2026") in
    `currency`, or change that allocation's amount: never below what is already
    approved from it."""
    found = calendar_period(period or "", (PeriodKind.QUARTER, PeriodKind.YEAR))
    if found is None:
        raise ValidationError(
            {
                "period": _(
                    "“%(period)s” is not a quarter or a year: write it like "
                    "2026-Q3 or 2026."
                )
                % {"period": period}
            }
        )
    currency = (currency or "").strip().upper()
    try:
        validate_currency(currency)
    except ValidationError as error:
        raise ValidationError({"currency": error.messages}) from None
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("Enter an amount of zero or more.")})
    allocation = (
        FundAllocation.objects.select_for_update()
        .filter(partner=partner, period=found.label, currency=currency)
        .first()
    )
    if allocation is None:
        allocation = FundAllocation(
            partner=partner,
            period=found.label,
            period_start=found.first,
            period_end=found.last,
            currency=currency,
            created_by=by,
        )
        before = None
    else:
        before = allocation.amount
        floor = allocation_floor_error(allocation, amount)
        if floor:
            raise ValidationError({"amount": floor})
    if before == amount and allocation.note == note:
        return allocation
    allocation.amount = amount
    allocation.note = note
    allocation.full_clean()
    allocation.save()
    log(
        instance=allocation,
        action="cplms.mdf.allocation_set",
        user=by,
        data={
            "partner": partner.external_id,
            "period": allocation.period,
            "currency": currency,
            "from": None if before is None else str(before),
            "to": str(amount),
        },
    )
    return allocation


def _request_errors(allocation: FundAllocation, values: dict, today: dt.date):
    """The problems of a request's dates and cost, by field."""
    errors = {}
    start, end = values.get("start_date"), values.get("end_date")
    if allocation.period_end < today:
        errors.setdefault("__all__", []).append(
            _(
                "The period of this allocation, %(period)s, ended on %(end)s; funds "
                "can no longer be requested from it."
            )
            % {"period": allocation.period, "end": _day(allocation.period_end)}
        )
    if start and end:
        if end < start:
            errors["end_date"] = [_("The activity cannot end before it starts.")]
        elif start < allocation.period_start or end > allocation.period_end:
            errors["start_date"] = [
                _(
                    "The activity must take place within %(period)s, from %(start)s "
                    "to %(end)s: the period of the allocation."
                )
                % {
                    "period": allocation.period,
                    "start": _day(allocation.period_start),
                    "end": _day(allocation.period_end),
                }
            ]
        elif end < today:
            errors["end_date"] = [
                _(
                    "The activity is over already. Request funds before an "
                    "activity takes place."
                )
            ]
    cost = values.get("planned_cost")
    if cost is not None and cost <= 0:
        errors["planned_cost"] = [_("Enter a planned cost above zero.")]
    return errors


@transaction.atomic
def fund_request_submit(
    *,
    allocation: FundAllocation | None,
    by: User | None,
    today: dt.date | None = None,
    **fields,
) -> FundRequest:
    """A partner asks for funds from its allocation for an activity in the
    allocation's period; the currency is the allocation's."""
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"A fund request has no field {sorted(unknown)}")
    if allocation is None:
        raise ValidationError(
            _(
                "Your company has no marketing funds allocated for this period. "
                "Your channel account manager can tell you more."
            )
        )
    today = today or timezone.localdate()
    errors = _request_errors(allocation, fields, today)
    if fields.get("activity_type") not in ActivityType.values:
        errors["activity_type"] = [_("Choose the kind of activity.")]
    if errors:
        raise ValidationError(errors)
    request = FundRequest(
        allocation=allocation, partner=allocation.partner, requested_by=by, **fields
    )
    request.full_clean()
    request.save()
    log(
        instance=request,
        action="cplms.mdf.request_submitted",
        user=by,
        data={
            "planned_cost": str(request.planned_cost),
            "currency": allocation.currency,
        },
    )
    transaction.on_commit(lambda: notifications.fund_request_submitted_notify(request))
    return request


@transaction.atomic
def fund_request_decide(
    *,
    request: FundRequest,
    by: User,
    approve: bool,
    amount: Decimal | None = None,
    reason: str = "",
) -> FundRequest:
    """Staff approve a request with an amount (the planned cost unless given; never
    above it nor above what remains of the allocation now) or reject it with a
    reason the partner reads."""
    allocation = FundAllocation.objects.select_for_update().get(
        pk=request.allocation_id
    )
    request = FundRequest.objects.select_for_update().get(pk=request.pk)
    request.allocation = allocation
    if request.status != FundRequest.Status.SUBMITTED:
        raise ValidationError(
            _("This request is decided already: %(status)s.")
            % {"status": request.get_status_display().lower()}
        )
    reason = reason.strip()
    if approve:
        amount = request.planned_cost if amount is None else amount
        if amount <= 0:
            raise ValidationError({"amount": _("Approve an amount above zero.")})
        if amount > request.planned_cost:
            raise ValidationError(
                {
                    "amount": _(
                        "The approved amount cannot be more than the planned cost, "
                        "%(cost)s."
                    )
                    % {"cost": money(request.planned_cost, allocation.currency)}
                }
            )
        # Added up under the allocation's lock: no other approval is in between.
        remaining = balance_of(allocation).remaining
        if amount > remaining:
            raise ValidationError(
                {
                    "amount": _(
                        "Only %(remaining)s remains of the allocation for %(period)s; "
                        "approve at most that."
                    )
                    % {
                        "remaining": money(remaining, allocation.currency),
                        "period": allocation.period,
                    }
                }
            )
        request.status = FundRequest.Status.APPROVED
        request.approved_amount = amount
    else:
        if not reason:
            raise ValidationError(
                {"reason": _("Say why the request is rejected; the partner reads it.")}
            )
        request.status = FundRequest.Status.REJECTED
    request.reason = reason
    request.decided_at = timezone.now()
    request.decided_by = by
    request.full_clean()
    request.save()
    log(
        instance=request,
        action="cplms.mdf.request_decided",
        user=by,
        data={
            "status": request.status,
            "amount": None if amount is None or not approve else str(amount),
            "reason": reason,
        },
    )
    transaction.on_commit(lambda: notifications.fund_request_decided_notify(request))
    return request


def _claim_refusal(request: FundRequest, today: dt.date, grace_days: int):
    if request.status == FundRequest.Status.EXPIRED:
        return _("The funds of this request expired; it can no longer be claimed.")
    if request.status != FundRequest.Status.APPROVED:
        return _("Only an approved request can be claimed.")
    if request.claims.filter(status__in=LIVE_CLAIM).exists():
        return _("This request has a claim already.")
    deadline = claim_deadline(request.allocation, grace_days)
    if today > deadline:
        return _("Claims for this request were due by %(date)s.") % {
            "date": _day(deadline)
        }
    if today < request.end_date:
        return _("Claim once the activity is over, from %(date)s.") % {
            "date": _day(request.end_date)
        }
    return None


def claim_refusal(request: FundRequest, today: dt.date | None = None) -> str | None:
    """Why the request cannot be claimed today, or None when it can."""
    return _claim_refusal(
        request, today or timezone.localdate(), DealSettings.load().mdf_grace_days
    )


@transaction.atomic
def fund_claim_submit(
    *,
    request: FundRequest,
    by: User | None,
    actual_cost: Decimal,
    leads: int | None = None,
    attendees: int | None = None,
    results: str = "",
    files=(),
    today: dt.date | None = None,
) -> FundClaim:
    """The partner claims the cost of an approved activity once it is over, with
    proof of performance; the claim is held to the request's approved amount."""
    request = (
        FundRequest.objects.select_for_update()
        .select_related("allocation", "partner")
        .get(pk=request.pk)
    )
    refusal = claim_refusal(request, today)
    if refusal:
        raise ValidationError(refusal)
    errors = {}
    if actual_cost is None or actual_cost <= 0:
        errors["actual_cost"] = [_("Enter the actual cost, above zero.")]
    files = list(files)
    try:
        proofs_check(files)
    except ValidationError as error:
        errors["files"] = error.messages
    if errors:
        raise ValidationError(errors)
    claim = FundClaim(
        request=request,
        partner=request.partner,
        submitted_by=by,
        request_amount=request.approved_amount,
        actual_cost=actual_cost,
        leads=leads,
        attendees=attendees,
        results=results.strip(),
    )
    claim.full_clean()
    claim.save()
    stored = []
    try:
        for upload in files:
            document = proof_store(upload=upload, partner=request.partner, by=by)
            stored.append(document)
            ClaimProof.objects.create(claim=claim, document=document)
    except Exception:
        # The rows roll back with the transaction; the files written do not.
        for document in stored:
            document.file.delete(save=False)
        raise
    log(
        instance=claim,
        action="cplms.mdf.claim_submitted",
        user=by,
        data={
            "request": request.pk,
            "actual_cost": str(actual_cost),
            "files": [document.title for document in stored],
        },
    )
    transaction.on_commit(lambda: notifications.fund_claim_submitted_notify(claim))
    return claim


def _locked_claim(claim: FundClaim) -> FundClaim:
    return (
        FundClaim.objects.select_for_update()
        .select_related("request__allocation", "partner")
        .get(pk=claim.pk)
    )


@transaction.atomic
def fund_claim_decide(
    *,
    claim: FundClaim,
    by: User,
    approve: bool,
    amount: Decimal | None = None,
    reason: str = "",
) -> FundClaim:
    """Staff approve a claim with an amount (the actual cost, up to the request's
    approved amount, unless given; never above the approved amount nor the actual
    cost) or reject it with a reason the partner reads. A rejected claim leaves
    the request open to another claim while its claim window lasts."""
    claim = _locked_claim(claim)
    currency = claim.request.allocation.currency
    if claim.status != FundClaim.Status.SUBMITTED:
        raise ValidationError(
            _("This claim is decided already: %(status)s.")
            % {"status": claim.get_status_display().lower()}
        )
    reason = reason.strip()
    if approve:
        if amount is None:
            amount = min(claim.actual_cost, claim.request_amount)
        if amount <= 0:
            raise ValidationError({"amount": _("Approve an amount above zero.")})
        if amount > claim.request_amount:
            raise ValidationError(
                {
                    "amount": _(
                        "The approved claim cannot be more than the %(approved)s "
                        "approved for the activity."
                    )
                    % {"approved": money(claim.request_amount, currency)}
                }
            )
        if amount > claim.actual_cost:
            raise ValidationError(
                {
                    "amount": _(
                        "The approved claim cannot be more than the actual cost, "
                        "%(cost)s."
                    )
                    % {"cost": money(claim.actual_cost, currency)}
                }
            )
        claim.status = FundClaim.Status.APPROVED
        claim.approved_amount = amount
    else:
        if not reason:
            raise ValidationError(
                {"reason": _("Say why the claim is rejected; the partner reads it.")}
            )
        claim.status = FundClaim.Status.REJECTED
    claim.reason = reason
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.full_clean()
    claim.save()
    log(
        instance=claim,
        action="cplms.mdf.claim_decided",
        user=by,
        data={
            "status": claim.status,
            "amount": str(amount) if approve else None,
            "reason": reason,
        },
    )
    if approve:
        announce(
            "mdf.claim_approved",
            {
                "claim": claim.pk,
                "request": claim.request_id,
                "partner": claim.partner.external_id,
                "amount": str(amount),
                "currency": currency,
            },
        )
    transaction.on_commit(lambda: notifications.fund_claim_decided_notify(claim))
    return claim


@transaction.atomic
def fund_claim_pay(*, claim: FundClaim, by: User, reference: str) -> FundClaim:
    """Record that an approved claim was paid, with the payment's reference."""
    claim = _locked_claim(claim)
    if claim.status != FundClaim.Status.APPROVED:
        raise ValidationError(_("Only an approved claim can be marked paid."))
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(
            {"reference": _("Enter the payment's reference, as your bank shows it.")}
        )
    claim.status = FundClaim.Status.PAID
    claim.paid_at = timezone.now()
    claim.payment_reference = reference
    claim.full_clean()
    claim.save()
    log(
        instance=claim,
        action="cplms.mdf.claim_paid",
        user=by,
        data={"reference": reference, "amount": str(claim.approved_amount)},
    )
    return claim


def _expiry_due(today: dt.date):
    """Approved requests whose claim window closed before `today`, not expired yet,
    with no claim awaiting a decision (it protects its request until decided) and
    not claimed in full."""
    grace = dt.timedelta(days=DealSettings.load().mdf_grace_days)
    claims = FundClaim.objects.filter(request=OuterRef("pk"))
    pending = claims.filter(status=FundClaim.Status.SUBMITTED)
    in_full = claims.filter(
        status__in=CLAIM_APPROVED, approved_amount=OuterRef("approved_amount")
    )
    return FundRequest.objects.filter(
        status=FundRequest.Status.APPROVED,
        allocation__period_end__lt=today - grace,
        expiry__isnull=True,
    ).exclude(Exists(pending) | Exists(in_full))


def funds_expire(*, today: dt.date | None = None) -> int:
    """Expire the approved funds not claimed by the end of each request's claim
    window (its allocation's period end plus the grace days): a `FundExpiry` of
    the unclaimed amount per request, and the request expired when nothing of it
    was claimed. Returns how many requests had funds expire."""
    today = today or timezone.localdate()
    expired = 0
    for pk in _expiry_due(today).values_list("pk", flat=True):
        with transaction.atomic():
            request = FundRequest.objects.select_for_update().get(pk=pk)
            # Checked again under the lock: a claim may have come in since.
            if not _expiry_due(today).filter(pk=pk).exists():
                continue
            claimed = request.claims.filter(status__in=CLAIM_APPROVED).aggregate(
                total=Sum("approved_amount")
            )["total"]
            unclaimed = request.approved_amount - (claimed or 0)
            FundExpiry.objects.create(request=request, amount=unclaimed)
            if claimed is None:
                request.status = FundRequest.Status.EXPIRED
                request.save(update_fields=["status"])
            log(
                instance=request,
                action="cplms.mdf.funds_expired",
                user=None,
                data={"amount": str(unclaimed)},
            )
            expired += 1
    return expired
