"""A lesson stricter than its course: hidden, and not required, below its level."""

import itertools
import re

from django.core.files.base import ContentFile

import pytest

from learning.models import Enrolment, LearningPath, LearningPathStep, LessonPage
from learning.services import lesson_complete, quiz_attempt_start, quiz_attempt_submit
from partner_portal.partners.access import ANONYMOUS, STAFF, Audience
from partner_portal.partners.models import AccessLevel, Role, Tier
from partner_portal.resources.models import PortalDocument
from tests.factories import tier

from .conftest import right_answers

pytestmark = pytest.mark.django_db

GOLD_TITLE = "Gold lesson wombatgoldxyzzy"


@pytest.fixture
def course(make_course):
    """A course for any partner whose middle lesson is for Gold partners only."""
    course = make_course(
        "mixed-101",
        lessons=("Open lesson one", GOLD_TITLE, "Open lesson two"),
    )
    restrict_to_gold(course.lessons().get(title=GOLD_TITLE))
    return course


def restrict_to_gold(lesson):
    lesson.access_level, lesson.min_tier = AccessLevel.TIER, tier("gold")
    lesson.save_revision().publish()


def gold_lesson_of(course):
    return LessonPage.objects.get(title=GOLD_TITLE, path__startswith=course.path)


def open_lessons_of(course):
    return [lesson for lesson in course.lessons() if lesson.title != GOLD_TITLE]


def pass_quiz(user, course):
    attempt = quiz_attempt_start(user=user, course=course)
    quiz_attempt_submit(attempt=attempt, answers=right_answers(course))


def enrolment_of(user, course):
    return Enrolment.objects.get(user=user, course=course)


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_course_page_lists_only_the_lessons_the_user_may_open(
    client, partner_user_at, course
):
    gold_lesson = gold_lesson_of(course)
    client.force_login(partner_user_at("registered"))
    for _ in range(2):  # before enrolling, then as a learner
        page = client.get(course.url).content.decode()
        assert "Open lesson one" in page and "Open lesson two" in page
        assert "wombatgoldxyzzy" not in page
        assert gold_lesson.url not in page
        client.post(f"{course.url}enrol/")
    response = client.get(gold_lesson.url)
    assert response.status_code == 404
    assert b"wombatgoldxyzzy" not in response.content

    client.force_login(partner_user_at("gold"))
    assert GOLD_TITLE in client.get(course.url).content.decode()
    assert client.get(gold_lesson.url).status_code == 200


def test_a_user_below_the_lesson_completes_the_course_without_it(
    client, partner_user_at, course
):
    user = partner_user_at("registered")
    first, second = open_lessons_of(course)
    assert lesson_complete(user=user, lesson=first) == second
    assert lesson_complete(user=user, lesson=second) is None
    client.force_login(user)
    assert "You have completed 2 of 2 lessons." in client.get(course.url).text
    assert not enrolment_of(user, course).is_complete

    pass_quiz(user, course)
    assert enrolment_of(user, course).is_complete
    assert "You have completed this course." in client.get(course.url).text


def test_a_gold_user_must_complete_every_lesson(client, partner_user_at, course):
    user = partner_user_at("gold")
    for lesson in open_lessons_of(course):
        lesson_complete(user=user, lesson=lesson)
    pass_quiz(user, course)
    assert not enrolment_of(user, course).is_complete
    client.force_login(user)
    page = client.get(course.url).text
    assert "You have completed 2 of 3 lessons." in page
    assert f'href="{gold_lesson_of(course).url}">Resume the course' in page

    lesson_complete(user=user, lesson=gold_lesson_of(course))
    assert enrolment_of(user, course).is_complete


def test_a_course_without_a_quiz_completes_with_the_visible_lessons(
    partner_user_at, make_course
):
    course = make_course("noquiz-101", lessons=("Open", "Gold only"), questions=())
    restrict_to_gold(course.lessons().get(title="Gold only"))
    user = partner_user_at("registered")
    lesson_complete(user=user, lesson=course.lessons().get(title="Open"))
    assert enrolment_of(user, course).is_complete


def test_learning_paths_count_only_the_lessons_the_user_may_see(
    client, partner_user_at, course
):
    path = LearningPath(name="Mixed path", role=Role.SALES)
    path.steps = [LearningPathStep(course=course)]
    path.save()
    user = partner_user_at("registered", role=Role.SALES)
    lesson_complete(user=user, lesson=open_lessons_of(course)[0])
    client.force_login(user)
    text = _text(client.get("/learning/").content.decode())
    assert "In progress: 1 of 2 lessons done" in text


def test_a_file_used_only_in_the_stricter_lesson_is_served_at_its_level(
    client, partner_user_at, course, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = PortalDocument.objects.create(
        title="Gold handout",
        file=ContentFile(b"gold handout", name="gold-handout.txt"),
        access_level=AccessLevel.PARTNER,
    )
    gold_lesson = gold_lesson_of(course)
    gold_lesson.body = [
        {"type": "document", "value": {"document": document.pk, "description": ""}}
    ]
    gold_lesson.save_revision().publish()
    client.force_login(partner_user_at("registered"))
    assert client.get(document.url).status_code == 404
    client.force_login(partner_user_at("gold"))
    assert client.get(document.url).status_code == 200


LEVELS = [
    (AccessLevel.PUBLIC, None),
    (AccessLevel.PARTNER, None),
    (AccessLevel.TIER, "silver"),
    (AccessLevel.TIER, "gold"),
    (AccessLevel.STAFF, None),
]


def test_the_lesson_rule_and_its_queryset_agree_at_every_tier(make_course):
    """`LessonPage.visible_to` and `LessonPage.objects.visible_to` are one rule."""
    lessons = []
    for number, (course_level, lesson_level) in enumerate(
        itertools.product(LEVELS, LEVELS)
    ):
        course = make_course(
            f"agree-{number}",
            access_level=course_level[0],
            min_tier=course_level[1],
            lessons=("Lesson",),
        )
        lesson = course.lessons().get()
        lesson.access_level, tier_code = lesson_level
        lesson.min_tier = tier(tier_code) if tier_code else None
        lesson.save_revision().publish()
        lessons.append(LessonPage.objects.get(pk=lesson.pk))
    # How many of the five levels each audience may see; a lesson is visible when
    # both its own level and its course's are.
    expected = {
        "anonymous": 1,
        "registered": 2,
        "silver": 3,
        "gold": 4,
        "platinum": 4,
        "staff": 5,
    }
    audiences = {
        "anonymous": ANONYMOUS,
        "staff": STAFF,
        **{t.code: Audience(tier_rank=t.rank) for t in Tier.objects.all()},
    }
    for name, audience in audiences.items():
        in_python = {lesson.pk for lesson in lessons if lesson.visible_to(audience)}
        in_sql = set(
            LessonPage.objects.filter(pk__in=[lesson.pk for lesson in lessons])
            .visible_to(audience)
            .values_list("pk", flat=True)
        )
        assert in_python == in_sql, name
        assert len(in_python) == expected[name] ** 2, name
