"""Emails about market development funds, each in its recipient's language.

A new request goes to the staff who may decide requests for its partner
(`deals.decide_fundrequest` and the partner within their reach), a new claim to
those who may decide claims; a decision goes to the partner user who asked, with
the amount and the reason staff gave.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from partner_portal.partners.recipients import preferred_languages, staff_who_may

from .mdf_selectors import claim_deadline
from .models import FundClaim, FundRequest

DECIDE_REQUEST = "deals.decide_fundrequest"
DECIDE_CLAIM = "deals.decide_fundclaim"


def _url(name: str, *args) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


def _send(template: str, user, language: str, context: dict) -> None:
    with translation.override(language):
        context = {**context, "user": user}
        subject = render_to_string(f"deals/emails/{template}_subject.txt", context)
        body = render_to_string(f"deals/emails/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def _to_staff(permission: str, partner, template: str, context: dict) -> int:
    recipients = staff_who_may(permission, partner)
    languages = preferred_languages(recipients)
    for user in recipients:
        _send(template, user, languages[user.pk], context)
    return len(recipients)


def _to_partner_user(user, template: str, context: dict) -> int:
    if user is None or not user.email or not user.is_active:
        return 0
    _send(template, user, preferred_languages([user])[user.pk], context)
    return 1


def fund_request_submitted_notify(request: FundRequest) -> int:
    """Tell the staff who may decide it; returns how many emails went out."""
    return _to_staff(
        DECIDE_REQUEST,
        request.partner,
        "mdf_request_submitted",
        {"request": request, "url": _url("mdf_requests:decide", request.pk)},
    )


def fund_request_decided_notify(request: FundRequest) -> int:
    """Tell the partner user who asked how their request was decided."""
    return _to_partner_user(
        request.requested_by,
        "mdf_request_decided",
        {
            "request": request,
            "claim_by": claim_deadline(request.allocation),
            "url": _url("mdf-request", request.pk),
        },
    )


def fund_claim_submitted_notify(claim: FundClaim) -> int:
    return _to_staff(
        DECIDE_CLAIM,
        claim.partner,
        "mdf_claim_submitted",
        {
            "claim": claim,
            "request": claim.request,
            "url": _url("mdf_claims:decide", claim.pk),
        },
    )


def fund_claim_decided_notify(claim: FundClaim) -> int:
    return _to_partner_user(
        claim.submitted_by,
        "mdf_claim_decided",
        {
            "claim": claim,
            "request": claim.request,
            "claim_by": claim_deadline(claim.request.allocation),
            "url": _url("mdf-request", claim.request_id),
        },
    )
