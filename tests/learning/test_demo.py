from io import StringIO

from django.core.management import call_command

import pytest

from learning.models import Certification, CourseIndexPage, CoursePage, LessonPage

pytestmark = pytest.mark.django_db


def _counts():
    return (
        CourseIndexPage.objects.count(),
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Certification.objects.count(),
    )


def test_seed_demo_creates_courses_once(client):
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    assert first == (1, 3, 5, 1)
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    levels = set(CoursePage.objects.values_list("access_level", "min_tier__code"))
    assert levels == {("partner", None), ("tier", "silver"), ("tier", "gold")}
    certification = Certification.objects.get()
    assert [c.code for c in certification.required_courses.all()] == ["platform-basics"]
