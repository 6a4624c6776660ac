"""The quiz page as a learner meets it: the right answers stay hidden after a failed
attempt (and, if the course says so, always), the time of the next try is written
out with its date and time zone, and a learner who is not enrolled can enrol from
the quiz page."""

import datetime
import zoneinfo

from django.test import override_settings
from django.utils import translation
from django.utils.formats import date_format

import pytest

from learning.models.pages import RevealAnswers

from .conftest import right_answers

pytestmark = pytest.mark.django_db

EXPLANATION = "HTTP and TLS are protocols."


def submit(client, course, user, answers):
    client.post(f"{course.url}quiz/", {"action": "start"})
    attempt = user.enrolments.get().attempts.get(submitted_at__isnull=True)
    data = {"action": "submit", "attempt": attempt.pk}
    for qid, indexes in answers.items():
        data[f"q-{qid}"] = [str(i) for i in indexes]
    return client.post(f"{course.url}quiz/", data, follow=True).content.decode()


def wrong_answers(course):
    return {qid: [] for qid in right_answers(course)}


def test_a_failed_attempt_does_not_reveal_the_right_answers(
    client, partner_user_at, make_course
):
    course = make_course(passing_score=100, cooldown_minutes=0)
    user = partner_user_at()
    client.force_login(user)
    client.post(f"{course.url}enrol/")

    failed = submit(client, course, user, wrong_answers(course))

    assert "You did not pass" in failed
    assert "✓" not in failed and EXPLANATION not in failed
    assert "The right answers are not shown" in failed

    passed = submit(client, course, user, right_answers(course))

    assert "You passed with a score of 100%" in passed
    assert "✓" in passed and EXPLANATION in passed


def test_a_course_can_never_reveal_its_answers(client, partner_user_at, make_course):
    course = make_course(passing_score=100, reveal_answers=RevealAnswers.NEVER)
    user = partner_user_at()
    client.force_login(user)
    client.post(f"{course.url}enrol/")

    passed = submit(client, course, user, right_answers(course))

    assert "You passed with a score of 100%" in passed
    assert "✓" not in passed and EXPLANATION not in passed


@override_settings(TIME_ZONE="Asia/Shanghai")
@pytest.mark.parametrize(
    ("language", "wording"),
    [("en", "You can try again from "), ("zh-hans", "您可以在 ")],
)
def test_the_retry_time_has_its_date_and_time_zone(
    client, partner_user_at, make_course, language, wording
):
    course = make_course(passing_score=100, cooldown_minutes=90)
    user = partner_user_at()
    client.force_login(user)
    client.post(f"{course.url}enrol/")
    submit(client, course, user, wrong_answers(course))
    attempt = user.enrolments.get().attempts.get()
    until = attempt.submitted_at.astimezone(
        zoneinfo.ZoneInfo("Asia/Shanghai")
    ) + datetime.timedelta(minutes=90)

    page = client.get(f"{course.url}quiz/", HTTP_ACCEPT_LANGUAGE=language).text

    assert wording in page
    assert "Asia/Shanghai" in page
    with translation.override(language):
        written = date_format(until, "DATETIME_FORMAT")
    assert str(until.year) in written
    assert written in page


def test_an_unenrolled_learner_can_enrol_from_the_quiz_page(
    client, partner_user_at, make_course
):
    course = make_course()
    user = partner_user_at()
    client.force_login(user)

    page = client.get(f"{course.url}quiz/").text

    assert "Enrol in the course to take its quiz." in page
    assert f'action="{course.url}enrol/"' in page
    assert "Enrol in this course" in page
    response = client.post(f"{course.url}enrol/")
    assert response.status_code == 302
    assert user.enrolments.exists()
