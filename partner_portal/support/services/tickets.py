"""What partners and agents do to a ticket, each step one transaction.

    ticket = ticket_open(partner=p, by=user, category=c, priority="high", ...)
    ticket_reply(ticket=t, by=agent, body="...", internal=True)      # a note
    ticket_reply(ticket=t, by=agent, body="...", waiting=True)       # ask the partner
    ticket_reply(ticket=t, by=partner_user, body="...")              # reopens it
    ticket_status_set(ticket=t, by=agent, status=Ticket.Status.RESOLVED)
    tickets_autoclose()                                              # nightly

The first public reply of staff is the first response; asking the partner stops the
resolution clock until they answer (`support.sla`). Every change of status or agent
is a `TicketEvent`.
"""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.events import announce
from partner_portal.partners.models import Partner, User
from partner_portal.resources.owned_files import owned_file_store, owned_files_check
from partner_portal.workdays.calendar import Calendar

from .. import notifications
from ..models import Category, Ticket, TicketAttachment, TicketEvent, TicketMessage
from ..sla import clock_pause, clock_resume, clock_start

# A resolved ticket nobody reopens closes itself after this long.
AUTOCLOSE_AFTER = dt.timedelta(days=7)

STATUS_CHANGES = {
    Ticket.Status.NEW: {
        Ticket.Status.OPEN,
        Ticket.Status.WAITING,
        Ticket.Status.RESOLVED,
    },
    Ticket.Status.OPEN: {Ticket.Status.WAITING, Ticket.Status.RESOLVED},
    Ticket.Status.WAITING: {Ticket.Status.OPEN, Ticket.Status.RESOLVED},
    Ticket.Status.RESOLVED: {Ticket.Status.OPEN, Ticket.Status.CLOSED},
    Ticket.Status.CLOSED: set(),
}
# Files one ticket or one reply takes (each at most TICKET_ATTACHMENT_MAX_BYTES).
MAX_ATTACHMENTS = 10
ATTACHMENTS_COLLECTION = "Ticket attachments"


def _attach(
    ticket: Ticket, files: Sequence, by: User, message: TicketMessage | None = None
) -> None:
    """Keep `files` as the ticket's (or the reply's) documents: for the partner and
    staff, or for staff only on an internal note. Refuses them all, under
    "attachments", if one is not taken."""
    try:
        owned_files_check(
            files,
            max_bytes=settings.TICKET_ATTACHMENT_MAX_BYTES,
            max_files=MAX_ATTACHMENTS,
        )
    except ValidationError as error:
        raise ValidationError({"attachments": error.error_list}) from None
    for upload in files:
        document = owned_file_store(
            upload=upload,
            partner=ticket.partner,
            by=by,
            collection=ATTACHMENTS_COLLECTION,
            staff_only=bool(message and message.internal),
        )
        TicketAttachment.objects.create(
            ticket=ticket, message=message, document=document
        )


def _record(ticket: Ticket, by: User | None) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket, status=ticket.status, assigned_to=ticket.assigned_to, by=by
    )
    announce(
        "ticket.status_changed",
        {"ticket": ticket.pk, "number": ticket.number, "status": ticket.status},
    )
    return event


@transaction.atomic
def ticket_open(
    *,
    partner: Partner,
    by: User,
    category: Category,
    priority: str,
    subject: str,
    description: str,
    product=None,
    files: Sequence = (),
) -> Ticket:
    """Open a ticket with its SLA due moments and `files` attached, assigned to its
    category's group; its group (or the agents who may answer) hear by email."""
    now = timezone.now()
    ticket = Ticket(
        partner=partner,
        opened_by=by,
        category=category,
        product=product,
        priority=priority,
        subject=subject,
        description=description,
        assigned_group=category.group,
    )
    clock_start(ticket, now, Calendar.load())
    ticket.full_clean()
    ticket.save()
    _attach(ticket, files, by)
    TicketEvent.objects.create(ticket=ticket, status=ticket.status, by=by)
    transaction.on_commit(lambda: notifications.ticket_opened_notify(ticket))
    announce(
        "ticket.created",
        {"ticket": ticket.pk, "number": ticket.number, "partner": partner.external_id},
    )
    return ticket


def _move(ticket: Ticket, status: str, now: dt.datetime, calendar: Calendar) -> None:
    """Change the status, with the clock: waiting stops it, anything else runs it."""
    if status not in STATUS_CHANGES[ticket.status]:
        raise ValidationError(
            _("A ticket that is %(current)s cannot become %(next)s.")
            % {
                "current": ticket.get_status_display().lower(),
                "next": Ticket.Status(status).label.lower(),
            }
        )
    if status == Ticket.Status.WAITING:
        clock_pause(ticket, now)
    else:
        clock_resume(ticket, now, calendar)
    if status == Ticket.Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Ticket.Status.CLOSED:
        ticket.closed_at = now
    elif ticket.status == Ticket.Status.RESOLVED:
        ticket.resolved_at = None
    ticket.status = status


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    internal: bool = False,
    waiting=False,
    files: Sequence = (),
) -> TicketMessage:
    """Add to the thread, with `files` attached. Staff's first public reply answers
    the ticket; with `waiting` it asks the partner and stops the clock. A partner's
    reply to a ticket waiting on them, or resolved, opens it again. A public reply
    is emailed to the other side; an internal note to nobody."""
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError(_("This ticket is closed; open a new one."))
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    if internal and not by.is_staff:
        raise ValidationError(_("Only staff write internal notes."))
    now = timezone.now()
    message = TicketMessage.objects.create(
        ticket=ticket, author=by, body=body, internal=internal
    )
    _attach(ticket, files, by, message)
    before = ticket.status
    if by.is_staff and not internal:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        if waiting:
            _move(ticket, Ticket.Status.WAITING, now, Calendar.load())
        elif ticket.status == Ticket.Status.NEW:
            _move(ticket, Ticket.Status.OPEN, now, Calendar.load())
    elif not by.is_staff and ticket.status in (
        Ticket.Status.WAITING,
        Ticket.Status.RESOLVED,
    ):
        _move(ticket, Ticket.Status.OPEN, now, Calendar.load())
    ticket.save()
    if ticket.status != before:
        _record(ticket, by)
    if not internal:
        transaction.on_commit(lambda: notifications.ticket_replied_notify(message))
    return message


@transaction.atomic
def ticket_status_set(*, ticket: Ticket, by: User, status: str) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if status == ticket.status:
        return ticket
    _move(ticket, status, timezone.now(), Calendar.load())
    ticket.save()
    _record(ticket, by)
    transaction.on_commit(lambda: notifications.ticket_status_notify(ticket))
    return ticket


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, by: User, agent: User | None, group=None
) -> Ticket:
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if agent is not None and not agent.is_staff:
        raise ValidationError(
            {"assigned_to": _("Assign the ticket to a member of staff.")}
        )
    ticket.assigned_to = agent
    if group is not None:
        ticket.assigned_group = group
    ticket.save(update_fields=["assigned_to", "assigned_group"])
    TicketEvent.objects.create(
        ticket=ticket, status=ticket.status, assigned_to=agent, by=by
    )
    return ticket


def tickets_autoclose(*, now: dt.datetime | None = None) -> int:
    """Close tickets resolved more than `AUTOCLOSE_AFTER` ago; how many closed."""
    now = now or timezone.now()
    closed = 0
    due = Ticket.objects.filter(
        status=Ticket.Status.RESOLVED, resolved_at__lt=now - AUTOCLOSE_AFTER
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            if ticket.status == Ticket.Status.RESOLVED:
                _move(ticket, Ticket.Status.CLOSED, now, Calendar.load())
                ticket.save()
                _record(ticket, None)
                transaction.on_commit(
                    lambda ticket=ticket: notifications.ticket_status_notify(ticket)
                )
                closed += 1
    return closed
