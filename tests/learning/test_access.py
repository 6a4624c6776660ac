"""The access rule on courses, lessons, quizzes and lesson files, for every tier."""

from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse

from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents import get_document_model

import pytest

from learning.models import (
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
    QuizAttempt,
)
from partner_portal.partners.access import AccessControlledPage
from partner_portal.partners.models import AccessLevel
from partner_portal.resources.demo import demo_png
from partner_portal.resources.models import PortalImage
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

TIERS = ["registered", "silver", "gold", "platinum"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tier_courses(make_course):
    """One course per tier; every title, lesson and file carries a marker word."""
    courses = {}
    for code in TIERS:
        marker = f"marker{code}xyzzy"
        course = make_course(
            code=f"course-{code}",
            access_level=AccessLevel.TIER,
            min_tier=code,
            title=f"Course {marker}",
            lessons=(f"Lesson {marker}",),
        )
        document = get_document_model().objects.create(
            title=f"Handout {marker}",
            file=ContentFile(f"file {marker}".encode(), name=f"handout-{code}.txt"),
            access_level=AccessLevel.PARTNER,
        )
        image = PortalImage(title=f"Diagram {marker}", access_level=AccessLevel.PARTNER)
        image.file = ContentFile(demo_png(), name=f"diagram-{code}.png")
        image.save()
        lesson = course.lessons().first()
        lesson.body = [
            {"type": "document", "value": {"document": document.pk, "description": ""}},
            {"type": "image", "value": {"image": image.pk, "caption": ""}},
        ]
        lesson.save_revision().publish()
        lesson = LessonPage.objects.get(pk=lesson.pk)
        courses[code] = (course, lesson, (document, image), marker)
    return courses


def _urls(course, lesson, files):
    document, image = files
    return {
        "course": course.url,
        "lesson": lesson.url,
        "quiz": f"{course.url}quiz/",
        "file": document.url,
        "image": reverse("resources-image", args=(image.pk, "max-800x800")),
    }


@pytest.mark.parametrize("user_tier", TIERS)
def test_each_tier_sees_its_courses_and_none_above(
    client, partner_user_at, tier_courses, user_tier
):
    client.force_login(partner_user_at(user_tier))
    rank = TIERS.index(user_tier)
    for course_tier, (course, lesson, files, marker) in tier_courses.items():
        allowed = TIERS.index(course_tier) <= rank
        for kind, url in _urls(course, lesson, files).items():
            response = client.get(url)
            streamed = kind in ("file", "image")
            body = b"".join(response) if streamed else response.content
            if allowed:
                assert response.status_code == 200, (kind, course_tier)
                if kind == "image":
                    assert response["Content-Type"] == "image/png"
                    assert body.startswith(b"\x89PNG")
                else:
                    assert marker.encode() in body, (kind, course_tier)
            else:
                assert response.status_code == 404, (kind, course_tier)
                assert marker.encode() not in body, (kind, course_tier)


def test_anonymous_visitors_and_suspended_partners_see_nothing(
    client, partner_user_at, tier_courses
):
    course, lesson, files, marker = tier_courses["registered"]
    for user in (None, partner_user_at("platinum", stage="suspended")):
        client.logout()
        if user:
            client.force_login(user)
        for kind, url in _urls(course, lesson, files).items():
            response = client.get(url)
            if user is None and kind not in ("file", "image"):
                # A page asks a visitor to sign in first, naming nothing.
                assert response.status_code == 302
                assert response["Location"] == f"{reverse('login')}?next={url}"
            else:
                assert response.status_code == 404
            assert marker.encode() not in response.content


def test_a_lesson_open_to_all_partners_is_hidden_with_its_gold_course(
    client, partner_user_at, tier_courses
):
    _course, lesson, _document, _marker = tier_courses["gold"]
    assert lesson.access_level == AccessLevel.PARTNER
    client.force_login(partner_user_at("silver"))
    assert client.get(lesson.url).status_code == 404


def test_the_course_list_shows_only_what_the_tier_may_see(
    client, partner_user_at, tier_courses, course_index
):
    client.force_login(partner_user_at("silver"))
    content = client.get(course_index.url).content.decode()
    assert "markerregisteredxyzzy" in content and "markersilverxyzzy" in content
    assert "markergoldxyzzy" not in content and "markerplatinumxyzzy" not in content


def test_staff_preview_every_course_but_take_no_quiz(client, tier_courses):
    client.force_login(StaffFactory())
    course, _lesson, _document, _marker = tier_courses["platinum"]
    assert client.get(course.url).status_code == 200
    response = client.get(f"{course.url}quiz/")
    assert b"Only partner users take quizzes" in response.content
    assert client.post(f"{course.url}enrol/").status_code == 404


def test_a_user_below_the_tier_cannot_enrol_complete_or_take_the_quiz(
    client, partner_user_at, tier_courses
):
    course, lesson, _files, _marker = tier_courses["gold"]
    user = partner_user_at("silver")
    client.force_login(user)
    assert client.post(f"{course.url}enrol/").status_code == 404
    assert client.post(lesson.url).status_code == 404
    assert client.post(f"{course.url}quiz/", {"action": "start"}).status_code == 404
    assert not user.enrolments.exists()


def _routes(page):
    """Every route of a routable page, as a URL (the routes take no arguments)."""
    return {
        page.url + page.reverse_subpage(route.name) for route in page.get_subpage_urls()
    }


def test_every_route_of_a_course_the_user_may_not_see_answers_404(
    client, partner_user_at, tier_courses
):
    course, lesson, _files, marker = tier_courses["gold"]
    routes = _routes(course) | _routes(lesson)
    # The URLs the README and the templates give learners, all of them routes.
    assert routes == {
        course.url,
        f"{course.url}enrol/",
        f"{course.url}quiz/",
        lesson.url,
    }
    below_tier = partner_user_at("silver")
    suspended = partner_user_at("platinum", stage="suspended")
    for user in (below_tier, suspended, None):
        client.logout()
        if user:
            client.force_login(user)
        for url in routes:
            for response in (
                client.get(url),
                client.post(url),
                client.post(url, {"action": "start"}),
                client.post(url, {"action": "submit", "attempt": "1"}),
            ):
                # A Gold course is not one every partner may open: a signed-out
                # visitor is not asked to sign in for it either, and nothing is named.
                assert response.status_code == 404, (url, user)
                assert marker.encode() not in response.content, (url, user)
    assert not Enrolment.objects.exists()
    assert not LessonCompletion.objects.exists()
    assert not QuizAttempt.objects.exists()


def test_routable_pages_check_access_before_dispatching_a_route():
    """Wagtail serves a route through `serve()`; AccessControlledPage.serve only
    guards the routes when it comes before RoutablePageMixin, whose `serve()` calls
    the route's method without going further up."""
    routable = [
        model
        for model in apps.get_models()
        if issubclass(model, AccessControlledPage)
        and issubclass(model, RoutablePageMixin)
    ]
    assert CoursePage in routable and LessonPage in routable
    for model in routable:
        mro = model.__mro__
        assert mro.index(AccessControlledPage) < mro.index(RoutablePageMixin), model


@pytest.mark.parametrize("who", ["anonymous", "suspended"])
def test_a_public_courses_quiz_never_shows_its_answers_to_non_partners(
    client, make_course, partner_user_at, who
):
    course = make_course(code="open-101", access_level=AccessLevel.PUBLIC)
    if who == "suspended":
        client.force_login(partner_user_at("gold", "suspended"))

    response = client.get(f"{course.url}quiz/")

    assert response.status_code == 404
    assert "✓" not in response.content.decode()
