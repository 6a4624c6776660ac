"""A statement's life after the run: approve, issue, pay; and partners' disputes.

Each step is one service inside a transaction that writes the statement's history
(`StatementEvent`). Who may take a step is the views' question (the model
permissions `approve_statement`, `issue_statement`, `pay_statement` and
`resolve_dispute`, within the partners the user may see); these services check
only that the step follows the last one.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.events import announce

from ..models import Dispute, DisputeMessage, Statement, StatementEvent, StatementLine
from .notifications import dispute_notify_staff

Status = Statement.Status
_NEXT = {
    Status.DRAFT: (Status.APPROVED, StatementEvent.Action.APPROVED),
    Status.APPROVED: (Status.ISSUED, StatementEvent.Action.ISSUED),
    Status.ISSUED: (Status.PAID, StatementEvent.Action.PAID),
}
_EVENTS = {Status.ISSUED: "statement.issued", Status.PAID: "statement.paid"}


def next_status(statement: Statement) -> str | None:
    """The status the statement's next step leads to; None once it is paid."""
    return _NEXT.get(statement.status, (None, None))[0]


def _advance(statement: Statement, to: str, *, by, note: str = "") -> Statement:
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        allowed, action = _NEXT.get(statement.status, (None, None))
        if allowed != to:
            raise ValidationError(
                _("A statement that is %(status)s cannot become %(to)s.")
                % {
                    "status": statement.get_status_display().lower(),
                    "to": Status(to).label.lower(),
                },
                code="status",
            )
        statement.status = to
        statement.save(update_fields=["status", "updated_at"])
        StatementEvent.objects.create(
            statement=statement, action=action, by=by, note=note
        )
        if to in _EVENTS:
            announce(_EVENTS[to], statement_event_data(statement))
    return statement


def statement_event_data(statement: Statement) -> dict:
    """What a webhook says about a statement: the API's names, no lines."""
    return {
        "id": statement.pk,
        "partner": statement.partner.external_id,
        "program": statement.program.code,
        "period": statement.period,
        "kind": statement.kind,
        "currency": statement.currency,
        "status": statement.status,
        "total": str(statement.total),
    }


def statement_approve(*, statement: Statement, by, note: str = "") -> Statement:
    return _advance(statement, Status.APPROVED, by=by, note=note)


def statement_issue(*, statement: Statement, by, note: str = "") -> Statement:
    return _advance(statement, Status.ISSUED, by=by, note=note)


def statement_pay(*, statement: Statement, by, note: str = "") -> Statement:
    return _advance(statement, Status.PAID, by=by, note=note)


@transaction.atomic
def dispute_open(*, line: StatementLine, by, body: str) -> Dispute:
    """A partner user questions a line of an issued statement."""
    status = Statement.objects.values_list("status", flat=True).get(
        pk=line.statement_id
    )
    if status not in (Status.ISSUED, Status.PAID):
        raise ValidationError(
            _("Only a line of an issued statement can be disputed."), code="status"
        )
    if not body.strip():
        raise ValidationError(_("Say what is wrong with this line."), code="empty")
    if line.disputes.filter(status=Dispute.Status.OPEN).exists():
        raise ValidationError(
            _("This line has an open dispute already: add to its thread."),
            code="open",
        )
    dispute = Dispute.objects.create(line=line, opened_by=by)
    message = DisputeMessage.objects.create(
        dispute=dispute, author=by, body=body.strip()
    )
    transaction.on_commit(
        lambda: dispute_notify_staff(dispute=dispute, message=message, opened=True)
    )
    return dispute


@transaction.atomic
def dispute_reply(*, dispute: Dispute, by, body: str) -> DisputeMessage:
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError(_("This dispute is resolved."), code="status")
    if not body.strip():
        raise ValidationError(_("Write a message first."), code="empty")
    message = DisputeMessage.objects.create(
        dispute=dispute, author=by, body=body.strip()
    )
    if not by.is_staff:  # the partner's side: tell the staff who resolve it
        transaction.on_commit(
            lambda: dispute_notify_staff(dispute=dispute, message=message, opened=False)
        )
    return message


@transaction.atomic
def dispute_resolve(
    *, dispute: Dispute, by, accept: bool, reason: str, amount=None
) -> Dispute:
    """Accept (with the agreed correction as a draft adjustment) or reject, with a
    reason both sides read."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != Dispute.Status.OPEN:
        raise ValidationError(_("This dispute is resolved."), code="status")
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision."), code="reason")
    if accept:
        if amount is None or not amount:
            raise ValidationError(
                _("Give the amount of the correction the partner is owed."),
                code="amount",
            )
        dispute.adjustment = _correction(dispute.line, amount, reason, by)
    dispute.status = Dispute.Status.ACCEPTED if accept else Dispute.Status.REJECTED
    dispute.resolution = reason.strip()
    dispute.resolved_by = by
    dispute.resolved_at = timezone.now()
    dispute.save()
    DisputeMessage.objects.create(dispute=dispute, author=by, body=reason.strip())
    return dispute


def _correction(line: StatementLine, amount, reason: str, by) -> Statement:
    """A draft adjustment holding the agreed correction of `line`."""
    original = line.statement
    sequence = (
        Statement.objects.of(
            partner=original.partner, program=original.program, period=original.period
        )
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    adjustment = Statement.objects.create(
        partner=original.partner,
        program=original.program,
        period=original.period,
        period_start=original.period_start,
        period_end=original.period_end,
        kind=Statement.Kind.ADJUSTMENT,
        sequence=sequence + 1,
        currency=original.currency,
        tier=original.tier,
        total=amount,
        ledger_watermark=original.ledger_watermark,
        computed_at=timezone.now(),
    )
    StatementLine.objects.create(
        statement=adjustment,
        number=1,
        rule_type=StatementLine.CORRECTION,
        rule_position=line.rule_position,
        sku=line.sku,
        basis_kind=StatementLine.Basis.AGREED,
        basis=amount,
        amount=amount,
        detail={"disputed_line": line.number, "of_statement": original.pk},
    )
    StatementEvent.objects.create(
        statement=adjustment, action=StatementEvent.Action.COMPUTED, by=by, note=reason
    )
    return adjustment
