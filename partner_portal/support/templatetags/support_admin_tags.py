"""Template helpers of the admin's ticket pages."""

from dataclasses import dataclass

from django import template
from django.utils import timezone

register = template.Library()


@dataclass(frozen=True)
class Due:
    moment: object
    met: bool  # done by the moment
    late: bool  # done after it, or still not done past it


@register.simple_tag
def ticket_due(ticket, target: str) -> Due:
    """The ticket's `target` ("first_response_due" or "resolution_due") and whether
    it was met or missed, by the rule of `support.sla.sla_state`."""
    moment = getattr(ticket, target)
    if target == "first_response_due":
        done = ticket.first_response_at
        stopped = done
    else:
        done = ticket.resolved_at
        stopped = done or ticket.waiting_since
    return Due(
        moment=moment,
        met=done is not None and done <= moment,
        late=(stopped or timezone.now()) > moment,
    )
