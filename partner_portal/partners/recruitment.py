"""Recruitment: score and check public applications, then approve or reject them.

Approval creates the partner (onboarding, lowest tier, joined today) and invites the
applicant as its partner admin with a one-time, expiring set-password link.
"""

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .models import (
    Agreement,
    Application,
    Partner,
    PartnerMembership,
    Role,
    ScoringRule,
    Stage,
    Tier,
    User,
)
from .onboarding import agreement_accept
from .services import partner_create

# At most this many applications from one address in the window.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)

PROGRAM_TERMS_CODE = "program-terms"


def client_key_for(address: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256
    ).hexdigest()


def is_rate_limited(client_key: str) -> bool:
    since = timezone.now() - RATE_WINDOW
    recent = Application.objects.filter(client_key=client_key, submitted_at__gte=since)
    return recent.count() >= RATE_LIMIT


def current_program_terms() -> Agreement | None:
    return (
        Agreement.objects.filter(code=PROGRAM_TERMS_CODE).order_by("-version").first()
    )


def duplicate_flags(application: Application) -> list[str]:
    """Plain sentences naming the partners and open applications this may duplicate."""
    keys = {application.name_key, application.legal_name_key} - {""}
    same = Q(name_key__in=keys) | Q(legal_name_key__in=keys)
    if application.email_domain:
        same |= Q(email_domain__iexact=application.email_domain)
    flags = [
        _("Matches the existing partner %(name)s (%(id)s).")
        % {"name": partner.name, "id": partner.external_id}
        for partner in Partner.objects.filter(same).order_by("name")
    ]
    others = Application.objects.open().exclude(pk=application.pk).filter(same)
    flags += [
        _("Matches the open application from %(name)s submitted on %(date)s.")
        % {"name": other.company_name, "date": other.submitted_at.date().isoformat()}
        for other in others.order_by("submitted_at")
    ]
    return flags


def score_application(application: Application) -> tuple[int, list[dict]]:
    """The application's score and the rules that made it, for the reviewer."""
    answers = {
        ScoringRule.Criterion.REVENUE_BAND: {application.revenue_band},
        ScoringRule.Criterion.REGION: {application.region_id},
        ScoringRule.Criterion.PARTNER_TYPE: {application.partner_type},
        ScoringRule.Criterion.SPECIALISATION: {
            s.name.casefold() for s in application.specialisations.all()
        },
        ScoringRule.Criterion.PRODUCT: {
            p.name.casefold() for p in application.products.all()
        },
    }
    breakdown = []
    for rule in ScoringRule.objects.all():
        if rule.criterion == ScoringRule.Criterion.MIN_EMPLOYEES:
            matched = rule.value.isdigit() and application.employee_count >= int(
                rule.value
            )
        else:
            matched = rule.value.casefold() in {
                a.casefold() for a in answers[rule.criterion]
            }
        if matched:
            breakdown.append(
                {
                    "criterion": str(rule.get_criterion_display()),
                    "value": rule.value,
                    "points": rule.points,
                }
            )
    return sum(item["points"] for item in breakdown), breakdown


@transaction.atomic
def application_submit(
    *,
    fields: dict,
    specialisations,
    products,
    client_key: str,
    language: str,
) -> Application:
    """Record a public application with its score and possible duplicates."""
    application = Application(
        **fields,
        client_key=client_key,
        language=language,
        terms=current_program_terms(),
    )
    application.full_clean(exclude=["terms"])
    application.save()
    application.specialisations.set(specialisations)
    application.products.set(products)
    application.score, application.score_breakdown = score_application(application)
    application.duplicate_flags = duplicate_flags(application)
    application.save(update_fields=["score", "score_breakdown", "duplicate_flags"])
    return application


def _send(template, *, to, language, context):
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}.txt", context)
    send_mail(subject, body, None, [to])


def invitation_link(user: User) -> str:
    """An absolute, one-time set-password link; it expires after
    PASSWORD_RESET_TIMEOUT and stops working once a password is set."""
    path = reverse(
        "invitation-accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def invitation_send(*, user: User, partner: Partner, language: str) -> None:
    _send(
        "invitation",
        to=user.email,
        language=language,
        context={
            "user": user,
            "partner": partner,
            "link": invitation_link(user),
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )


@transaction.atomic
def application_approve(
    *, application: Application, by: User, reason: str = ""
) -> Partner:
    """Create the partner and invite the applicant as its partner admin."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("This application has already been decided."))
    if User.objects.filter(email__iexact=application.contact_email).exists():
        raise ValidationError(
            _("A user with the email address %(email)s already exists.")
            % {"email": application.contact_email}
        )
    today = timezone.localdate()
    partner = partner_create(
        by=by,
        reason=_("Approved application from %(date)s.")
        % {"date": application.submitted_at.date().isoformat()},
        external_id=f"APP-{application.pk:06d}",
        name=application.company_name,
        legal_name=application.legal_name,
        country=application.country,
        region=application.region,
        partner_type=application.partner_type,
        tier=Tier.objects.order_by("rank").first(),
        stage=Stage.ONBOARDING,
        joined_on=today,
        email_domain=application.email_domain,
    )
    user = User(
        username=application.contact_email.lower(),
        email=application.contact_email,
        first_name=application.contact_first_name,
        last_name=application.contact_last_name,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    PartnerMembership.objects.create(user=user, partner=partner, role=Role.ADMIN)
    if application.terms_id:
        # The applicant accepted the program terms when applying.
        agreement_accept(partner=partner, agreement=application.terms, by=user)
    application.status = Application.Status.APPROVED
    application.partner = partner
    application.reviewed_by = by
    application.reviewed_at = timezone.now()
    application.decision_reason = reason
    application.save()
    transaction.on_commit(
        lambda: invitation_send(
            user=user, partner=partner, language=application.language
        )
    )
    return partner


@transaction.atomic
def application_reject(*, application: Application, by: User, reason: str) -> None:
    """Decline the application and tell the applicant why."""
    if not reason.strip():
        raise ValidationError(_("Give the applicant a reason for the rejection."))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(_("This application has already been decided."))
    application.status = Application.Status.REJECTED
    application.reviewed_by = by
    application.reviewed_at = timezone.now()
    application.decision_reason = reason
    application.save()
    transaction.on_commit(
        lambda: _send(
            "application_rejected",
            to=application.contact_email,
            language=application.language,
            context={"application": application, "reason": reason},
        )
    )
