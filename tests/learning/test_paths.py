"""Learning paths: the courses a role should take, with the learner's progress."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from learning.models import LearningPath, LearningPathStep
from learning.selectors import learning_paths_for
from learning.services import lesson_complete, quiz_attempt_start, quiz_attempt_submit
from partner_portal.partners.models import AccessLevel, Role, User
from tests.factories import StaffFactory, tier

from .conftest import right_answers

pytestmark = pytest.mark.django_db


def make_path(name, role, tier_code, courses):
    path = LearningPath(
        name=name, role=role, tier=tier(tier_code) if tier_code else None
    )
    path.steps = [LearningPathStep(course=course) for course in courses]
    path.save()
    return path


def complete(user, course):
    for lesson in course.lessons():
        lesson_complete(user=user, lesson=lesson)
    attempt = quiz_attempt_start(user=user, course=course)
    quiz_attempt_submit(attempt=attempt, answers=right_answers(course))


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def sales_silver_path(make_course):
    basics = make_course("basics-101", title="Basics course")
    selling = make_course(
        "selling-201",
        title="Selling course",
        access_level=AccessLevel.TIER,
        min_tier="silver",
        lessons=("One", "Two", "Three"),
    )
    intro = make_course("intro-001", title="Intro course", lessons=("Only",))
    secret = make_course(
        "deploy-301",
        title="Zanzibar deployment secrets",
        access_level=AccessLevel.TIER,
        min_tier="gold",
    )
    # The editor's order, not the page tree's: selling, the gold course, basics, intro.
    path = make_path(
        "Sales at Silver", Role.SALES, "silver", [selling, secret, basics, intro]
    )
    return path, basics, selling, intro, secret


def test_a_sales_user_at_silver_sees_the_path_with_progress(
    client, partner_user_at, sales_silver_path
):
    _path, basics, selling, _intro, _secret = sales_silver_path
    user = partner_user_at("silver", role=Role.SALES)
    complete(user, basics)
    lesson_complete(user=user, lesson=selling.lessons().first())
    client.force_login(user)

    text = _text(client.get("/learning/").content.decode())
    assert "Your learning paths" in text
    assert "Sales at Silver" in text
    assert "You have completed 1 of 3 courses on this path." in text
    assert "Selling course — In progress: 1 of 3 lessons done" in text
    assert "Basics course — Completed" in text
    assert "Intro course — Not started" in text
    assert text.index("Selling course") < text.index("Basics course")
    assert text.index("Basics course") < text.index("Intro course")

    home = _text(client.get("/").content.decode())
    assert "Learning path “Sales at Silver”: 1 of 3 courses completed." in home


def test_a_course_above_the_users_tier_is_not_listed(
    client, partner_user_at, sales_silver_path
):
    client.force_login(partner_user_at("silver", role=Role.SALES))
    content = client.get("/learning/").content.decode()
    assert "Sales at Silver" in content
    assert "Zanzibar" not in content and "deploy-301" not in content


def test_a_technical_user_at_silver_does_not_see_the_sales_path(
    client, partner_user_at, sales_silver_path
):
    client.force_login(partner_user_at("silver", role=Role.TECHNICAL))
    for url in ("/learning/", "/"):
        content = client.get(url).content.decode()
        assert "Sales at Silver" not in content
        assert "Your learning paths" not in content


def test_a_path_for_one_tier_is_not_shown_at_another(
    client, partner_user_at, sales_silver_path
):
    for tier_code in ("registered", "gold"):
        client.force_login(partner_user_at(tier_code, role=Role.SALES))
        assert "Sales at Silver" not in client.get("/learning/").content.decode()


def test_a_path_for_every_tier_shows_only_what_each_tier_may_see(
    client, partner_user_at, sales_silver_path
):
    _path, basics, selling, _intro, secret = sales_silver_path
    make_path("Any tier sales", Role.SALES, None, [secret, selling, basics])
    client.force_login(partner_user_at("registered", role=Role.SALES))
    text = _text(client.get("/learning/").content.decode())
    assert "Any tier sales" in text and "Basics course" in text
    assert "Selling course" not in text and "Zanzibar" not in text
    assert "You have completed 0 of 1 courses on this path." in text
    client.force_login(partner_user_at("gold", role=Role.SALES))
    text = _text(client.get("/learning/").content.decode())
    assert "Zanzibar deployment secrets — Not started" in text


def test_a_path_whose_courses_are_all_hidden_is_not_shown(
    client, partner_user_at, sales_silver_path
):
    *_, secret = sales_silver_path
    make_path("Hidden path", Role.MARKETING, None, [secret])
    client.force_login(partner_user_at("silver", role=Role.MARKETING))
    assert "Hidden path" not in client.get("/learning/").content.decode()


def test_suspended_partners_and_staff_see_no_path(
    client, partner_user_at, sales_silver_path
):
    for user in (
        partner_user_at("silver", stage="suspended", role=Role.SALES),
        StaffFactory(),
    ):
        client.force_login(user)
        assert "Sales at Silver" not in client.get("/learning/").content.decode()


def test_the_path_listing_takes_a_fixed_number_of_queries(partner_user_at, make_course):
    user = partner_user_at("silver", role=Role.SALES)

    def queries():
        fresh = User.objects.get(pk=user.pk)  # no cached audience
        with CaptureQueriesContext(connection) as captured:
            paths = learning_paths_for(fresh)
        return len(captured), sum(item["course_count"] for item in paths)

    first, second = make_course("c-1"), make_course("c-2")
    make_path("Path one", Role.SALES, "silver", [first, second])
    complete(user, first)
    lesson_complete(user=user, lesson=second.lessons().first())
    baseline, listed = queries()
    assert listed == 2
    more = [make_course(f"c-{n}") for n in range(3, 8)]
    make_path("Path two", Role.SALES, None, more)
    complete(user, more[0])
    for course in more[1:3]:
        lesson_complete(user=user, lesson=course.lessons().first())
    assert queries() == (baseline, 7)


def test_editors_add_a_path_with_ordered_courses_in_the_admin(client, make_course):
    first, second = make_course("p-1"), make_course("p-2")
    client.force_login(StaffFactory(is_superuser=True))
    url = "/admin/snippets/learning/learningpath/add/"
    assert client.get(url).status_code == 200
    data = {
        "name": "Marketing basics",
        "description": "",
        "role": "marketing",
        "tier": "",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-course": str(second.pk),
        "steps-0-ORDER": "1",
        "steps-0-id": "",
        "steps-0-DELETE": "",
        "steps-1-course": str(first.pk),
        "steps-1-ORDER": "2",
        "steps-1-id": "",
        "steps-1-DELETE": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    path = LearningPath.objects.get(name="Marketing basics")
    assert [step.course.code for step in path.steps.all()] == ["p-2", "p-1"]


def test_a_path_keeps_the_editors_order_after_its_steps_are_written_again(
    client, partner_user_at, sales_silver_path
):
    path, basics, selling, _intro, _secret = sales_silver_path
    # PostgreSQL writes an updated row anew, at the end of the table: read in the
    # order the rows lie, the first step would now come last.
    for step in path.steps.filter(course__in=[selling, basics]):
        step.save()
    client.force_login(partner_user_at("silver", role=Role.SALES))

    text = _text(client.get("/learning/").content.decode())

    assert text.index("Selling course") < text.index("Basics course")
    assert text.index("Basics course") < text.index("Intro course")
    assert list(path.steps.values_list("sort_order", flat=True)) == [0, 1, 2, 3]
