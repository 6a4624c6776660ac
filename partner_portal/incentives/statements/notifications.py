"""Emails to the vendor's staff when a partner opens a dispute or adds to one.

They go to the staff who may resolve it: the permission `incentives.resolve_dispute`
and the partner within their reach (a channel account manager's own partners; a
program manager's, every partner). Each reads the email in the language they chose
for the admin, English when they chose none.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from partner_portal.partners.models import User
from partner_portal.partners.recipients import preferred_languages, staff_who_may

from ..models import Dispute, DisputeMessage
from . import wording

RESOLVE = "incentives.resolve_dispute"


def dispute_recipients(partner) -> list[User]:
    """Active staff with an email address who may resolve disputes of `partner`."""
    return staff_who_may(RESOLVE, partner)


def dispute_notify_staff(
    *, dispute: Dispute, message: DisputeMessage, opened: bool
) -> int:
    """Email `message` (the one that `opened` the dispute, or a partner's reply) to
    the staff who may resolve `dispute`; returns how many emails went out."""
    line = dispute.line
    statement = line.statement
    recipients = dispute_recipients(statement.partner)
    languages = preferred_languages(recipients)
    template = "opened" if opened else "reply"
    admin_url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("wagtailadmin_home")
    for user in recipients:
        with translation.override(languages[user.pk]):
            context = {
                "user": user,
                "dispute": dispute,
                "statement": statement,
                "line": line,
                "rule": wording.line_rule(line),
                "amount": wording.money(line.amount, statement.currency),
                "author": message.author.get_full_name() or message.author.username,
                "body": message.body,
                "admin_url": admin_url,
            }
            subject = render_to_string(
                f"incentives/emails/dispute_{template}_subject.txt", context
            ).strip()
            body = render_to_string(
                f"incentives/emails/dispute_{template}.txt", context
            )
        send_mail(subject, body, None, [user.email])
    return len(recipients)


def dispute_notify_partner(*, dispute: Dispute, message: DisputeMessage) -> bool:
    """Email staff's answer or decision to the partner user who opened `dispute`,
    in the language of their profile; False when they have no address."""
    opener = dispute.opened_by
    if opener is None or not opener.email or not opener.is_active:
        return False
    statement = dispute.line.statement
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "incentive-dispute", args=[dispute.pk]
    )
    with translation.override(preferred_languages([opener])[opener.pk]):
        context = {
            "user": opener,
            "dispute": dispute,
            "statement": statement,
            "line": dispute.line,
            "body": message.body,
            "resolved": dispute.status != Dispute.Status.OPEN,
            "url": url,
        }
        subject = render_to_string(
            "incentives/emails/dispute_answer_subject.txt", context
        ).strip()
        body = render_to_string("incentives/emails/dispute_answer.txt", context)
    send_mail(subject, body, None, [opener.email])
    return True
