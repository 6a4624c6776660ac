"""Surveys in the portal and the admin: partners answer theirs once, in their
language; staff write, send and read the results, an account manager only of their
own partners; every table exports."""

import csv
import datetime as dt
import io

from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from wagtail.users.models import UserProfile

import pytest
from openpyxl import load_workbook

from partner_portal.partners.models import Stage
from partner_portal.partners.services import account_manager_permissions_sync
from partner_portal.support.models import Survey, SurveyInvitation, SurveyQuestion
from partner_portal.support.services.surveys import survey_answer, survey_send
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier

from .portal_helpers import words

pytestmark = pytest.mark.django_db

SURVEYS = "/admin/support/surveys/"
RESULTS_PERMISSIONS = ["access_admin", "view_survey", "view_surveyinvitation"]


def staff(username, *codenames, **fields):
    user = StaffFactory(username=username, **fields)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def program_manager():
    """Writes and sends surveys, sees every partner's answers."""
    return staff(
        "program",
        *RESULTS_PERMISSIONS,
        "add_survey",
        "change_survey",
        "delete_survey",
        "send_survey",
        "view_partner",
    )


def users_of(partner, count=1):
    return [MembershipFactory(partner=partner).user for _n in range(count)]


def survey_with_question(**fields) -> Survey:
    survey = Survey.objects.create(
        title=fields.pop("title", "How are we doing?"),
        title_zh=fields.pop("title_zh", "我们做得怎么样？"),  # noqa: RUF001
        introduction="Three minutes, please.",
        introduction_zh="请花三分钟。",
        **fields,
    )
    SurveyQuestion.objects.create(
        survey=survey,
        text="What should we fix first?",
        text_zh="我们应先改进什么？",  # noqa: RUF001
    )
    return survey


def sent(survey) -> dict:
    return {i.user: i for i in survey_send(survey=survey, by=StaffFactory())}


@pytest.fixture
def answered_world():
    """A hand-made set: gold EMEA (10, 9, 7 and one not answered), silver APAC
    (6, 0, 9), a second gold partner in Greater China (3, 10); an account manager
    assigned to the silver partner only."""
    cam = staff("cam", *RESULTS_PERMISSIONS)
    gold = PartnerFactory(name="Gold EMEA Co", tier=tier("gold"), region="emea")
    silver = PartnerFactory(
        name="Silver APAC Co",
        tier=tier("silver"),
        region="apac",
        account_manager=cam,
    )
    china = PartnerFactory(name="华东金牌", tier=tier("gold"), region="greater_china")
    account_manager_permissions_sync(partner=silver)
    scores = {gold: [10, 9, 7, None], silver: [6, 0, 9], china: [3, 10]}
    people = {partner: users_of(partner, len(s)) for partner, s in scores.items()}
    survey = survey_with_question()
    invitations = sent(survey)
    question = survey.questions.get()
    for partner, partner_scores in scores.items():
        for user, score in zip(people[partner], partner_scores, strict=True):
            if score is not None:
                survey_answer(
                    invitation=invitations[user],
                    by=user,
                    score=score,
                    reason=f"Reason of {partner.name} {score}",
                    answers={str(question.pk): f"Fix of {partner.name} {score}"},
                )
    return {"survey": survey, "cam": cam, "gold": gold, "silver": silver}


def table(response, name) -> dict:
    """{first cell: the row's other cells} of one of the results' tables."""
    _header, rows = response.context["tables"][name]
    return {row[0]: row[1:] for row in rows}


# Each row of a results table: invited, answered, response rate, promoters,
# passives, detractors, NPS.
def test_the_results_give_nps_overall_and_by_partner_tier_and_region(
    client, answered_world
):
    client.force_login(program_manager())
    survey = answered_world["survey"]
    response = client.get(reverse("support_survey:results", args=[survey.pk]))
    assert response.status_code == 200
    overall = response.context["overall"]
    # 9 invited, 8 answered: promoters 10, 9, 9, 10; passive 7; detractors 6, 0, 3.
    assert (overall.invited, overall.answered) == (9, 8)
    assert (overall.promoters, overall.passives, overall.detractors) == (4, 1, 3)
    assert overall.score == 12.5  # (4 - 3) / 8
    assert overall.response_rate == 88.9
    assert table(response, "partners") == {
        "Gold EMEA Co": [4, 3, 75.0, 2, 1, 0, 66.7],
        "Silver APAC Co": [3, 3, 100.0, 1, 0, 2, -33.3],
        "华东金牌": [2, 2, 100.0, 1, 0, 1, 0.0],
    }
    # Tiers come lowest first, as staff rank them.
    assert list(table(response, "tiers")) == ["Silver", "Gold"]
    assert table(response, "tiers") == {
        "Gold": [6, 5, 83.3, 3, 1, 1, 40.0],
        "Silver": [3, 3, 100.0, 1, 0, 2, -33.3],
    }
    assert table(response, "regions") == {
        "Asia Pacific": [3, 3, 100.0, 1, 0, 2, -33.3],
        "Europe, Middle East and Africa": [4, 3, 75.0, 2, 1, 0, 66.7],
        "Greater China": [2, 2, 100.0, 1, 0, 1, 0.0],
    }
    scores = table(response, "scores")
    assert [scores[str(n)][0] for n in range(11)] == [1, 0, 0, 1, 0, 0, 1, 1, 0, 2, 2]
    text = words(response)
    assert "Reason of Silver APAC Co 0" in text
    assert "Fix of 华东金牌 3" in text
    # The 0-10 distribution is drawn as a chart whose figures are on the page.
    assert 'data-chart="chart-scores-data"' in response.text


def test_each_table_exports_as_csv_and_xlsx_formula_safe(client, answered_world):
    survey = answered_world["survey"]
    user = SurveyInvitation.objects.filter(survey=survey, score=9).first()
    SurveyInvitation.objects.filter(pk=user.pk).update(reason="=HYPERLINK(1)")
    client.force_login(program_manager())
    url = reverse("support_survey:results", args=[survey.pk])

    for name in ("summary", "partners", "tiers", "regions", "scores", "answers"):
        response = client.get(url, {"table": name, "export": "csv"})
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) > 1, name
    answers = client.get(url, {"table": "answers", "export": "csv"})
    rows = list(csv.reader(io.StringIO(answers.content.decode("utf-8-sig"))))
    assert rows[0][-2:] == ["Why", "What should we fix first?"]
    assert len(rows) == 1 + 8
    assert "'=HYPERLINK(1)" in [row[-2] for row in rows]
    xlsx = client.get(url, {"table": "partners", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = {row[0]: row[-1] for row in sheet.iter_rows(values_only=True)}
    assert cells["Silver APAC Co"] == -33.3


def test_an_account_manager_sees_only_their_partners_answers(client, answered_world):
    client.force_login(answered_world["cam"])
    url = reverse("support_survey:results", args=[answered_world["survey"].pk])

    # Asking for more (a partner, a filter) never widens the scope.
    response = client.get(url, {"partner": answered_world["gold"].pk, "all": "1"})
    assert response.status_code == 200
    assert response.context["overall"].invited == 3
    assert list(table(response, "partners")) == ["Silver APAC Co"]
    text = words(response)
    assert "Reason of Silver APAC Co 6" in text
    assert "Gold EMEA Co" not in text
    assert "华东金牌" not in text
    export = client.get(url, {"table": "answers", "export": "csv"})
    exported = export.content.decode("utf-8-sig")
    assert "Silver APAC Co" in exported
    assert "Gold EMEA Co" not in exported
    # Results, not the survey itself: an account manager neither sends nor edits.
    survey = answered_world["survey"]
    assert client.get(reverse("support_survey:send", args=[survey.pk])).status_code in (
        302,
        403,
    )


def test_staff_write_a_survey_with_questions_then_send_it_after_a_confirmation(
    client,
):
    partner = PartnerFactory(tier=tier("gold"), region="apac")
    users_of(partner, 2)
    users_of(PartnerFactory(tier=tier("gold"), region="emea"))
    client.force_login(program_manager())
    closes = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    response = client.post(
        reverse("support_survey:add"),
        {
            "title": "APAC pulse",
            "title_zh": "亚太调查",
            "introduction": "",
            "introduction_zh": "",
            "tiers": [tier("gold").pk],
            "regions": ["apac"],
            "closes_on": closes,
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-text": "Which product should we train you on?",
            "questions-0-text_zh": "",
            "questions-0-ORDER": "1",
            "questions-0-id": "",
            "questions-0-DELETE": "",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    survey = Survey.objects.get(title="APAC pulse")
    assert survey.regions == ["apac"]
    assert list(survey.questions.values_list("text", flat=True)) == [
        "Which product should we train you on?"
    ]

    send = reverse("support_survey:send", args=[survey.pk])
    confirm = client.get(send)
    assert "It will reach 2 partner users." in words(confirm)
    assert not SurveyInvitation.objects.exists()
    done = client.post(send, follow=True)
    assert "2 partner users get an email" in words(done)
    assert SurveyInvitation.objects.filter(survey=survey).count() == 2

    # Sent: the form changes the closing day only, and the survey is kept.
    edit = reverse("support_survey:edit", args=[survey.pk])
    shown = words(client.get(edit))
    assert "only its closing day can change" in shown
    assert "Gold" in shown and "Asia Pacific" in shown
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    client.post(edit, {"title": "Renamed", "regions": [], "closes_on": later})
    survey.refresh_from_db()
    assert (survey.title, survey.closes_on.isoformat()) == ("APAC pulse", later)
    assert survey.regions == ["apac"]
    assert survey.questions.count() == 1
    delete = client.post(reverse("support_survey:delete", args=[survey.pk]))
    assert delete.status_code in (302, 403)
    assert Survey.objects.filter(pk=survey.pk).exists()
    assert (
        client.get(send, follow=True)
        .redirect_chain[-1][0]
        .endswith(reverse("support_survey:results", args=[survey.pk]))
    )


def test_a_region_not_on_the_list_is_refused(client):
    client.force_login(program_manager())
    response = client.post(
        reverse("support_survey:add"),
        {
            "title": "Pulse",
            "regions": ["atlantis"],
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in words(response)
    assert not Survey.objects.exists()


def test_each_invited_user_is_emailed_in_their_language(
    django_capture_on_commit_callbacks,
):
    partner = PartnerFactory()
    english, chinese = users_of(partner, 2)
    UserProfile.objects.create(user=chinese, preferred_language="zh-hans")
    survey = survey_with_question()

    with django_capture_on_commit_callbacks(execute=True):
        survey_send(survey=survey, by=StaffFactory())

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {english.email, chinese.email}
    link = f"/support/surveys/{survey.pk}/"
    assert "How are we doing?" in by_recipient[english.email].subject
    assert link in by_recipient[english.email].body
    assert "我们做得怎么样" in by_recipient[chinese.email].subject
    assert "请花三分钟" in by_recipient[chinese.email].body
    assert link in by_recipient[chinese.email].body


@pytest.fixture
def invited():
    partner = PartnerFactory(tier=tier("silver"))
    user, colleague = users_of(partner, 2)
    survey = survey_with_question()
    invitations = sent(survey)
    return {"survey": survey, "user": user, "colleague": colleague, **invitations}


def test_a_user_answers_their_survey_once_and_is_thanked(client, invited):
    survey, user = invited["survey"], invited["user"]
    client.force_login(user)
    url = reverse("survey-answer", args=[survey.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Not at all likely" in page.text and "Extremely likely" in page.text
    assert "<legend>How likely are you to recommend us" in page.text
    assert page.text.count('type="radio" name="score"') == 11
    question = survey.questions.get()

    missing = client.post(url, {"reason": "No score"})
    assert missing.status_code == 400
    assert "Choose a score from 0 to 10." in words(missing)
    response = client.post(
        url,
        {"score": "8", "reason": "Good", f"question_{question.pk}": "Faster MDF"},
        follow=True,
    )
    assert "Thank you: your answer is saved." in words(response)
    assert "with a score of 8 out of 10" in words(response)
    invitation = SurveyInvitation.objects.get(survey=survey, user=user)
    assert (invitation.score, invitation.answers) == (
        8,
        {str(question.pk): "Faster MDF"},
    )

    again = client.post(url, {"score": "0", "reason": "Changed my mind"})
    assert again.status_code == 409
    assert "You answered this survey on" in words(again)
    invitation.refresh_from_db()
    assert invitation.score == 8
    listing = words(client.get(reverse("survey-list")))
    assert "There is no survey for you to answer." in listing
    assert "Answered on" in listing


def test_another_users_survey_is_not_found(client, invited):
    outsider = users_of(PartnerFactory(tier=tier("silver")))[0]
    client.force_login(outsider)
    url = reverse("survey-answer", args=[invited["survey"].pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "How are we doing?" not in response.text
    assert client.post(url, {"score": "10"}).status_code == 404
    assert not SurveyInvitation.objects.filter(answered_at__isnull=False).exists()
    # A colleague's answer stays theirs: the colleague's own page shows the form.
    client.force_login(invited["colleague"])
    assert client.get(url).context["form"] is not None


def test_a_closed_survey_says_so_and_takes_no_answer(client, invited):
    survey = invited["survey"]
    Survey.objects.filter(pk=survey.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(invited["user"])
    url = reverse("survey-answer", args=[survey.pk])
    assert "This survey is closed" in words(client.get(url))
    assert client.post(url, {"score": "9"}).status_code == 409
    assert not SurveyInvitation.objects.filter(score__isnull=False).exists()


def test_a_suspended_partners_user_loses_their_surveys(client, invited):
    user = invited["user"]
    user.membership.partner.stage = Stage.SUSPENDED
    user.membership.partner.save()
    client.force_login(user)
    assert client.get(reverse("survey-list")).status_code == 404
    url = reverse("survey-answer", args=[invited["survey"].pk])
    assert client.get(url).status_code == 404


def test_the_answer_page_speaks_chinese_on_chinese_pages(client, invited):
    client.force_login(invited["user"])
    page = client.get(
        reverse("survey-answer", args=[invited["survey"].pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    text = words(page)
    assert "我们做得怎么样？" in text  # noqa: RUF001
    assert "请花三分钟。" in text
    assert "我们应先改进什么？" in text  # noqa: RUF001
    assert "How are we doing?" not in text
