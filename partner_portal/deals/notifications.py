"""Emails about deal registrations, each in its recipient's language.

A submission goes to the staff who may decide it (`deals.decide_deal` and the partner
within their reach); a decision, an extension or an expiry goes to the registrant,
with the reason staff gave and never their internal note; the registrant is reminded
before the protection window ends.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from partner_portal.partners.recipients import preferred_languages, staff_who_may

from .models import Deal, DealEvent

DECIDE = "deals.decide_deal"
# Actions the registrant hears about; their own drafts, wins and losses they know.
TO_REGISTRANT = frozenset(
    {
        DealEvent.Action.APPROVED,
        DealEvent.Action.CO_SELL,
        DealEvent.Action.REJECTED,
        DealEvent.Action.EXTENDED,
        DealEvent.Action.EXPIRED,
    }
)


def _url(name: str, *args) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(template: str, user, language: str, context: dict) -> None:
    with translation.override(language):
        context = {**context, "user": user}
        subject = render_to_string(f"deals/emails/{template}_subject.txt", context)
        body = render_to_string(f"deals/emails/{template}.txt", context)
    send_mail(subject.strip(), body, None, [user.email])


def _registrant(deal: Deal):
    user = deal.registered_by
    if user is None or not user.email or not user.is_active:
        return None
    return user


def deal_event_notify(event: DealEvent) -> int:
    """Email the people `event` concerns; returns how many emails went out."""
    deal = event.deal
    if event.action == DealEvent.Action.SUBMITTED:
        recipients = staff_who_may(DECIDE, deal.partner)
        languages = preferred_languages(recipients)
        for user in recipients:
            _send(
                "submitted",
                user,
                languages[user.pk],
                {
                    "deal": deal,
                    "url": _url("deals_admin:decide", deal.pk),
                },
            )
        return len(recipients)
    user = _registrant(deal)
    if event.action not in TO_REGISTRANT or user is None:
        return 0
    _send(
        "decided",
        user,
        preferred_languages([user])[user.pk],
        {"deal": deal, "event": event, "url": _url("deal-detail", deal.pk)},
    )
    return 1


def deal_expiry_remind(deal: Deal) -> bool:
    """Remind the registrant that the protection window ends soon."""
    user = _registrant(deal)
    if user is None:
        return False
    _send(
        "expiry_reminder",
        user,
        preferred_languages([user])[user.pk],
        {"deal": deal, "url": _url("deal-detail", deal.pk)},
    )
    return True
