"""A ticket's SLA clock, in business hours of the working calendar.

Targets come from `SlaTarget` for the ticket's priority and its partner's tier when
it opens (a Platinum partner's urgent ticket has a shorter target than a Registered
one's); without a target for that pair, `DEFAULT_HOURS` applies. The resolution
clock stops while the ticket waits on the partner: when it starts again, the working
time it stood still moves the due moment later.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from partner_portal.workdays.calendar import Calendar

from .models import Priority, SlaTarget, Ticket

# (first response, resolution) in business hours, per priority.
DEFAULT_HOURS = {
    Priority.URGENT: (Decimal(2), Decimal(8)),
    Priority.HIGH: (Decimal(4), Decimal(24)),
    Priority.NORMAL: (Decimal(8), Decimal(40)),
    Priority.LOW: (Decimal(16), Decimal(80)),
}
# A ticket is about to breach when a target falls within this much time.
DUE_SOON = dt.timedelta(hours=1)


def _hours(value: Decimal | float) -> float:
    return float(value)


def target_hours(priority: str, tier) -> tuple[Decimal, Decimal]:
    target = SlaTarget.objects.filter(priority=priority, tier=tier).first()
    if target is None:
        return DEFAULT_HOURS[priority]
    return target.first_response_hours, target.resolution_hours


def clock_start(ticket: Ticket, now: dt.datetime, calendar: Calendar) -> None:
    """Set the due moments of a ticket opening at `now` (not saved)."""
    first, resolution = target_hours(ticket.priority, ticket.partner.tier)
    ticket.resolution_hours = resolution
    ticket.first_response_due = calendar.add_hours(now, _hours(first))
    ticket.resolution_due = calendar.add_hours(now, _hours(resolution))


def clock_pause(ticket: Ticket, now: dt.datetime) -> None:
    if ticket.waiting_since is None:
        ticket.waiting_since = now


def clock_resume(ticket: Ticket, now: dt.datetime, calendar: Calendar) -> None:
    """Start the clock again, the due moment moved by the working time it stood."""
    if ticket.waiting_since is None:
        return
    ticket.paused += calendar.working_time(ticket.waiting_since, now)
    ticket.waiting_since = None
    ticket.resolution_due = calendar.add_hours(
        ticket.created_at,
        _hours(ticket.resolution_hours) + ticket.paused.total_seconds() / 3600,
    )


@dataclass(frozen=True)
class SlaState:
    first_response_breached: bool
    resolution_breached: bool
    due_soon: bool
    paused: bool

    @property
    def breached(self) -> bool:
        return self.first_response_breached or self.resolution_breached


def sla_state(ticket: Ticket, now: dt.datetime) -> SlaState:
    """The same rule as `TicketQuerySet.breached` and `.due_soon`, for one ticket."""
    answered = ticket.first_response_at or now
    first_late = answered > ticket.first_response_due
    clock_stopped_at = ticket.resolved_at or ticket.waiting_since or now
    resolution_late = clock_stopped_at > ticket.resolution_due
    unresolved = ticket.resolved_at is None
    soon = now + DUE_SOON
    due_soon = (
        unresolved
        and not (first_late or resolution_late)
        and (
            (ticket.first_response_at is None and ticket.first_response_due <= soon)
            or (ticket.waiting_since is None and ticket.resolution_due <= soon)
        )
    )
    return SlaState(
        first_response_breached=first_late,
        resolution_breached=resolution_late,
        due_soon=due_soon,
        paused=ticket.waiting_since is not None and unresolved,
    )
