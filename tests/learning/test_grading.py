from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from learning.models import QuizAttempt
from learning.services import (
    enrolment_start,
    lesson_complete,
    quiz_attempt_start,
    quiz_attempt_submit,
)

from .conftest import right_answers

pytestmark = pytest.mark.django_db


def test_single_and_multiple_choice_are_graded_on_the_server(
    partner_user_at, make_course
):
    user = partner_user_at()
    course = make_course(passing_score=100)
    attempt = quiz_attempt_start(user=user, course=course)
    answers = right_answers(course)
    # Half of the multiple-choice answer is wrong, not half right.
    answers["q-multi"] = answers["q-multi"][:1]
    attempt = quiz_attempt_submit(attempt=attempt, answers=answers)
    assert attempt.score == 50
    assert attempt.results == {"q-single": True, "q-multi": False}
    assert not attempt.passed


def test_choosing_several_options_of_a_single_choice_question_scores_nothing(
    partner_user_at, make_course
):
    user = partner_user_at()
    course = make_course(passing_score=50)
    attempt = quiz_attempt_start(user=user, course=course)
    answers = right_answers(course)
    answers["q-single"] = [0, 1]
    attempt = quiz_attempt_submit(attempt=attempt, answers=answers)
    assert attempt.results["q-single"] is False
    assert attempt.score == 50 and attempt.passed


def test_a_submitted_attempt_cannot_be_submitted_again(partner_user_at, make_course):
    user = partner_user_at()
    course = make_course()
    attempt = quiz_attempt_start(user=user, course=course)
    quiz_attempt_submit(attempt=attempt, answers={})
    with pytest.raises(ValidationError):
        quiz_attempt_submit(attempt=attempt, answers=right_answers(course))


def test_questions_and_options_are_shuffled_per_attempt(partner_user_at, make_course):
    many = [
        {
            "type": "question",
            "id": f"q{n}",
            "value": {
                "text": f"Question {n}",
                "multiple": False,
                "explanation": "",
                "options": [
                    {
                        "type": "item",
                        "id": f"q{n}-{i}",
                        "value": {"text": str(i), "correct": i == 0},
                    }
                    for i in range(6)
                ],
            },
        }
        for n in range(8)
    ]
    course = make_course(questions=many, max_attempts=0, cooldown_minutes=0)
    user = partner_user_at()
    layouts = set()
    for _ in range(6):
        attempt = quiz_attempt_start(user=user, course=course)
        layouts.add(str(attempt.layout))
        order = [item["question"] for item in attempt.layout]
        assert sorted(order) == sorted(f"q{n}" for n in range(8))
        for item in attempt.layout:
            assert sorted(item["options"]) == list(range(6))
        quiz_attempt_submit(attempt=attempt, answers={})
    # 8! * 6!^8 orders: six equal layouts by chance are all but impossible.
    assert len(layouts) > 1


def test_attempt_limit(partner_user_at, make_course):
    user = partner_user_at()
    course = make_course(max_attempts=2, cooldown_minutes=0)
    for _ in range(2):
        attempt = quiz_attempt_start(user=user, course=course)
        quiz_attempt_submit(attempt=attempt, answers={})
    with pytest.raises(ValidationError, match="every attempt"):
        quiz_attempt_start(user=user, course=course)
    assert QuizAttempt.objects.count() == 2


def test_cool_down_after_a_failed_attempt(partner_user_at, make_course):
    user = partner_user_at()
    course = make_course(max_attempts=0, cooldown_minutes=30)
    attempt = quiz_attempt_start(user=user, course=course)
    quiz_attempt_submit(attempt=attempt, answers={})
    with pytest.raises(ValidationError, match="again after"):
        quiz_attempt_start(user=user, course=course)
    # Half an hour later the learner may try again.
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=31)
    )
    assert quiz_attempt_start(user=user, course=course).is_open


def test_course_completes_with_every_lesson_and_a_passed_quiz(
    partner_user_at, make_course
):
    user = partner_user_at()
    course = make_course()
    enrolment = enrolment_start(user=user, course=course)
    attempt = quiz_attempt_start(user=user, course=course)
    quiz_attempt_submit(attempt=attempt, answers=right_answers(course))
    enrolment.refresh_from_db()
    assert not enrolment.is_complete
    lessons = list(course.lessons())
    assert lesson_complete(user=user, lesson=lessons[0]) == lessons[1]
    enrolment.refresh_from_db()
    assert enrolment.resume_lesson() is not None
    assert lesson_complete(user=user, lesson=lessons[1]) is None
    enrolment.refresh_from_db()
    assert enrolment.is_complete


def test_completing_a_course_completes_its_onboarding_step(
    partner_user_at, make_course
):
    from partner_portal.partners.models import OnboardingCompletion, OnboardingStep

    course = make_course("onboard-101")
    step = OnboardingStep.objects.create(
        title="Take the onboarding course",
        kind=OnboardingStep.Kind.COMPLETE_COURSE,
        reference="onboard-101",
        required=False,
    )
    user = partner_user_at(stage="onboarding")
    for lesson in course.lessons():
        lesson_complete(user=user, lesson=lesson)
    assert not OnboardingCompletion.objects.filter(step=step).exists()
    attempt = quiz_attempt_start(user=user, course=course)
    quiz_attempt_submit(attempt=attempt, answers=right_answers(course))
    completion = OnboardingCompletion.objects.get(step=step)
    assert completion.partner == user.membership.partner


def test_a_course_with_a_prerequisite_waits_for_it(
    client, partner_user_at, make_course
):
    basics = make_course("basics-101")
    advanced = make_course("advanced-201")
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    user = partner_user_at()
    with pytest.raises(ValidationError, match="Course basics-101"):
        enrolment_start(user=user, course=advanced)
    client.force_login(user)
    response = client.post(f"{advanced.url}enrol/", follow=True)
    assert b"Complete these courses first: Course basics-101." in response.content
    for lesson in basics.lessons():
        lesson_complete(user=user, lesson=lesson)
    attempt = quiz_attempt_start(user=user, course=basics)
    quiz_attempt_submit(attempt=attempt, answers=right_answers(basics))
    assert enrolment_start(user=user, course=advanced).course_id == advanced.pk


def test_a_chinese_learner_reads_the_prerequisites_in_chinese(
    client, partner_user_at, make_course
):
    from partner_portal.page_languages import translation_publish

    basics = make_course("basics-101")
    advanced = make_course("advanced-201")
    advanced.prerequisites.add(basics)
    advanced.save_revision().publish()
    translation_publish(basics, "zh-hans", title="基础课程")
    client.force_login(partner_user_at())
    page = client.get(advanced.url, HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "基础课程" in page
    assert "Course basics-101" not in page
    response = client.post(
        f"{advanced.url}enrol/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "基础课程" in response.text
    assert "Course basics-101" not in response.text


def test_a_learner_resumes_at_the_lesson_they_opened_last(
    client, partner_user_at, make_course
):
    course = make_course(lessons=("First lesson", "Second lesson", "Third lesson"))
    first, _second, third = course.lessons()
    client.force_login(partner_user_at())
    response = client.post(f"{course.url}enrol/")
    assert response["Location"] == first.url
    client.post(first.url)
    client.get(third.url)
    page = client.get(course.url).content.decode()
    assert "You have completed 1 of 3 lessons." in page
    assert f'href="{third.url}">Resume the course' in page
    # Signing in again later, the enrol button leads back there too.
    assert client.post(f"{course.url}enrol/")["Location"] == third.url
