"""Emails about support tickets, each in its recipient's language.

A new ticket goes to the members of the group it is assigned to who may see its
partner, or, when there are none, to the staff who may answer tickets of its partner
(`support.answer_ticket`).
A public reply of staff goes to the partner user who opened the ticket; a partner's
reply to the agent it is assigned to (else the group, else the staff who may
answer). A change of status goes to the opener, with a link to rate the answer when
the ticket is resolved. Internal notes are emailed to nobody: `ticket_replied_notify`
refuses them, and no email quotes anything but the ticket and the reply it is about.
A survey, once sent, asks each invited user to answer, with the link to its page.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from partner_portal.partners.models import User
from partner_portal.partners.recipients import (
    preferred_languages,
    staff_reaching,
    staff_who_may,
)

from .models import Survey, Ticket, TicketMessage
from .rating_links import rating_link

ANSWER = "support.answer_ticket"


def _url(name: str, *args) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(template: str, recipients: list[User], context: dict) -> int:
    languages = preferred_languages(recipients)
    for user in recipients:
        with translation.override(languages[user.pk]):
            personal = {**context, "user": user}
            subject = render_to_string(
                f"support/emails/{template}_subject.txt", personal
            )
            body = render_to_string(f"support/emails/{template}.txt", personal)
        send_mail(" ".join(subject.split()), body, None, [user.email])
    return len(recipients)


def _reachable(users) -> list[User]:
    return [user for user in users if user.is_active and user.email]


def _agents(ticket: Ticket) -> list[User]:
    """Who at the vendor hears of the ticket: its agent, else its group's staff,
    else every member of staff who may answer its partner's tickets."""
    if ticket.assigned_to_id:
        agents = _reachable([ticket.assigned_to])
        if agents:
            return agents
    if ticket.assigned_group_id:
        members = staff_reaching(ticket.assigned_group.user_set.all(), ticket.partner)
        if members:
            return members
    return staff_who_may(ANSWER, ticket.partner)


def _opener(ticket: Ticket) -> list[User]:
    return _reachable([ticket.opened_by])


def _admin_url(ticket: Ticket) -> str:
    return _url("support_admin:ticket", ticket.pk)


def ticket_opened_notify(ticket: Ticket) -> int:
    """Tell the vendor's agents of a new ticket; returns how many emails went out."""
    return _send(
        "ticket_opened", _agents(ticket), {"ticket": ticket, "url": _admin_url(ticket)}
    )


def ticket_replied_notify(message: TicketMessage) -> int:
    """Send a public reply to the other side: staff's to the opener, a partner's
    to the ticket's agents. An internal note goes to nobody."""
    if message.internal:
        return 0
    ticket = message.ticket
    if message.author.is_staff:
        return _send(
            "reply_to_partner",
            _opener(ticket),
            {
                "ticket": ticket,
                "message": message,
                "url": _url("ticket-detail", ticket.pk),
            },
        )
    return _send(
        "reply_to_agent",
        _agents(ticket),
        {"ticket": ticket, "message": message, "url": _admin_url(ticket)},
    )


def ticket_status_notify(ticket: Ticket) -> int:
    """Tell the opener the ticket's new status; a resolved ticket's email carries
    the one-time link to rate the answer."""
    context = {"ticket": ticket, "url": _url("ticket-detail", ticket.pk)}
    if ticket.status == Ticket.Status.RESOLVED and not hasattr(ticket, "rating"):
        context["rating_url"] = settings.PORTAL_BASE_URL.rstrip("/") + rating_link(
            ticket
        )
    return _send("status_changed", _opener(ticket), context)


def survey_invited_notify(survey: Survey) -> int:
    """Ask every user invited to `survey` to answer it, each in their language."""
    users = _reachable(
        User.objects.filter(survey_invitations__survey=survey).order_by("pk")
    )
    return _send(
        "survey_invited",
        users,
        {"survey": survey, "url": _url("survey-answer", survey.pk)},
    )
