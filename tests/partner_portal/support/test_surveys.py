"""Surveys reach the partner users of the chosen tiers and regions, are answered
once, and give the NPS: % promoters (9 to 10) minus % detractors (0 to 6)."""

from django.core.exceptions import ValidationError

import pytest

from partner_portal.partners.models import Stage
from partner_portal.support.models import Survey, SurveyInvitation, SurveyQuestion
from partner_portal.support.selectors import nps, nps_by
from partner_portal.support.services.surveys import survey_answer, survey_send
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier

pytestmark = pytest.mark.django_db


def users_of(tier_code, region="emea", count=1, stage=Stage.ACTIVE):
    partner = PartnerFactory(tier=tier(tier_code), region=region, stage=stage)
    return [MembershipFactory(partner=partner).user for _n in range(count)]


def test_a_survey_goes_to_the_chosen_tiers_and_regions_once():
    gold_emea = users_of("gold", count=2)
    users_of("gold", "apac")
    users_of("silver")
    users_of("gold", stage=Stage.SUSPENDED)
    survey = Survey.objects.create(title="How are we doing?", regions=["emea"])
    survey.tiers.add(tier("gold"))

    invitations = survey_send(survey=survey, by=StaffFactory())

    assert {invitation.user for invitation in invitations} == set(gold_emea)
    with pytest.raises(ValidationError, match="sent already"):
        survey_send(survey=survey, by=StaffFactory())


def test_an_answer_is_taken_once_from_its_user_only():
    (user,) = users_of("silver")
    survey = Survey.objects.create(title="Quarterly pulse")
    question = SurveyQuestion.objects.create(survey=survey, text="What should we fix?")
    (invitation,) = survey_send(survey=survey, by=StaffFactory())

    with pytest.raises(ValidationError):
        survey_answer(invitation=invitation, by=users_of("silver")[0], score=9)
    with pytest.raises(ValidationError):
        survey_answer(invitation=invitation, by=user, score=11)
    survey_answer(
        invitation=invitation,
        by=user,
        score=9,
        reason="Fast answers",
        answers={str(question.pk): "More training in Chinese", "999": "ignored"},
    )

    invitation.refresh_from_db()
    assert invitation.answers == {str(question.pk): "More training in Chinese"}
    with pytest.raises(ValidationError, match="already"):
        survey_answer(invitation=invitation, by=user, score=3)


def test_nps_on_a_hand_made_set_overall_and_by_tier():
    gold = users_of("gold", count=4)
    silver = users_of("silver", count=3)
    survey = Survey.objects.create(title="NPS 2026")
    invitations = {i.user: i for i in survey_send(survey=survey, by=StaffFactory())}
    # Gold: 10, 9, 7 and one not answered; silver: 6, 0, 9.
    answered = [*zip(gold[:3], (10, 9, 7), strict=True)]
    answered += zip(silver, (6, 0, 9), strict=True)
    for user, score in answered:
        survey_answer(invitation=invitations[user], by=user, score=score)

    overall = nps(SurveyInvitation.objects.filter(survey=survey))
    assert (overall.invited, overall.answered) == (7, 6)
    assert (overall.promoters, overall.passives, overall.detractors) == (3, 1, 2)
    # (3 - 2) / 6 answers = 16.7 points.
    assert overall.score == 16.7
    by_tier = dict(nps_by(SurveyInvitation.objects.filter(survey=survey), "tier__code"))
    assert by_tier["gold"].score == 66.7  # (2 - 0) / 3
    assert by_tier["silver"].score == -33.3  # (1 - 2) / 3
    assert by_tier["gold"].response_rate == 75.0
