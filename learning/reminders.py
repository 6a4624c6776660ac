"""Emails reminding holders that a certification expires in 30 and in 7 days, each
in its holder's language."""

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from partner_portal.partners.recipients import preferred_languages

from .models import CertificationAward

# (days before expiry, the field that records the reminder was sent)
REMINDERS = ((7, "reminded_7_at"), (30, "reminded_30_at"))


def send_expiry_reminders(*, today: date | None = None) -> int:
    """Send each reminder that is due and not sent yet; returns how many went out.

    Run daily. An award that enters the 7-day window without having had its
    30-day reminder gets only the 7-day one. Each is sent once, even when the
    command runs twice a day.
    """
    today = today or timezone.localdate()
    sent = 0
    for days, field in REMINDERS:
        due = (
            CertificationAward.objects.expiring_between(
                today, today + timedelta(days=days)
            )
            .filter(**{f"{field}__isnull": True})
            .exclude(user__email="")
            .select_related("user", "certification")
        )
        due = list(due)
        languages = preferred_languages([award.user for award in due])
        for award in due:
            with transaction.atomic():
                claimed = CertificationAward.objects.filter(
                    pk=award.pk, **{f"{field}__isnull": True}
                ).update(
                    reminded_7_at=award.reminded_7_at
                    or (timezone.now() if days == 7 else None),
                    reminded_30_at=award.reminded_30_at or timezone.now(),
                )
                if claimed:
                    _send(
                        award,
                        (award.expires_at - today).days,
                        languages[award.user_id],
                    )
                    sent += 1
    return sent


def _send(award: CertificationAward, days_left: int, language: str) -> None:
    context = {
        "award": award,
        "name": award.user.get_full_name() or award.user.username,
        "days_left": days_left,
        "learning_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("learning-home"),
    }
    with translation.override(language):
        subject = render_to_string(
            "learning/emails/expiry_reminder_subject.txt", context
        ).strip()
        body = render_to_string("learning/emails/expiry_reminder.txt", context)
    send_mail(subject, body, None, [award.user.email])
