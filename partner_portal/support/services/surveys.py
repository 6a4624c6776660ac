"""Sending a survey to partner users and taking their answers.

    invitations = survey_send(survey=s, by=staff)     # once; the worker emails each
    survey_answer(invitation=i, by=user, score=9, reason="...", answers={...})

A survey goes to the active users of partners with partner access (onboarding,
active, at risk) in its tiers and regions (all when none chosen), each once.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.partners.models import AUDIENCE_STAGES, Region, User

from ..models import Survey, SurveyInvitation
from ..tasks import survey_invitations_email


def survey_audience(survey: Survey):
    """The users a survey is for."""
    users = User.objects.filter(
        is_active=True,
        is_staff=False,
        membership__partner__stage__in=AUDIENCE_STAGES,
    )
    tiers = list(survey.tiers.values_list("pk", flat=True))
    if tiers:
        users = users.filter(membership__partner__tier__in=tiers)
    if survey.regions:
        within = {
            c for code in survey.regions for c in Region.objects.codes_within(code)
        }
        users = users.filter(membership__partner__region__in=within)
    return users


@transaction.atomic
def survey_send(*, survey: Survey, by: User) -> list[SurveyInvitation]:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.sent_at is not None:
        raise ValidationError(_("This survey was sent already."))
    if survey.is_closed(timezone.localdate()):
        raise ValidationError({"closes_on": _("Choose a closing day in the future.")})
    users = survey_audience(survey).select_related("membership__partner")
    invitations = SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(
                survey=survey,
                user=user,
                partner=user.membership.partner,
                tier_id=user.membership.partner.tier_id,
                region_id=user.membership.partner.region_id,
            )
            for user in users
        ]
    )
    if not invitations:
        raise ValidationError(_("No partner user is in the chosen tiers and regions."))
    survey.sent_at = timezone.now()
    survey.sent_by = by
    survey.save(update_fields=["sent_at", "sent_by"])
    # Many users may be asked at once: the worker sends their emails.
    transaction.on_commit(lambda: survey_invitations_email.enqueue(survey_id=survey.pk))
    return invitations


@transaction.atomic
def survey_answer(
    *,
    invitation: SurveyInvitation,
    by: User,
    score: int,
    reason: str = "",
    answers=None,
) -> SurveyInvitation:
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.user_id != by.pk:
        raise ValidationError(_("This survey was sent to someone else."))
    if invitation.answered_at is not None:
        raise ValidationError(_("You answered this survey already. Thank you!"))
    if invitation.survey.is_closed(timezone.localdate()):
        raise ValidationError(_("This survey is closed."))
    if score is None or not 0 <= score <= 10:
        raise ValidationError({"score": _("Choose a score from 0 to 10.")})
    questions = set(invitation.survey.questions.values_list("pk", flat=True))
    answers = {
        str(pk): text.strip()
        for pk, text in (answers or {}).items()
        if int(pk) in questions and text.strip()
    }
    invitation.score = score
    invitation.reason = reason.strip()
    invitation.answers = answers
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["score", "reason", "answers", "answered_at"])
    return invitation
