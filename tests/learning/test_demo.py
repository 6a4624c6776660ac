from io import StringIO

from django.core.management import call_command

import pytest

from learning.models import (
    Certification,
    CourseIndexPage,
    CoursePage,
    LearningPath,
    LessonPage,
)
from tests.snapshots import demo_seed

pytestmark = pytest.mark.django_db


def _counts():
    """The academy's pages in each language, then its certifications and paths."""
    return (
        *(
            model.objects.filter(locale__language_code=language).count()
            for language in ("en", "zh-hans")
            for model in (CourseIndexPage, CoursePage, LessonPage)
        ),
        Certification.objects.count(),
        LearningPath.objects.count(),
    )


def test_seed_demo_creates_courses_once(client):
    demo_seed()
    first = _counts()
    # Every page of the academy in English and in Chinese.
    assert first == (1, 3, 5, 1, 3, 5, 1, 2)
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    levels = set(
        CoursePage.objects.filter(locale__language_code="en").values_list(
            "access_level", "min_tier__code"
        )
    )
    assert levels == {("partner", None), ("tier", "silver"), ("tier", "gold")}
    certification = Certification.objects.get()
    assert [c.code for c in certification.required_courses.all()] == ["platform-basics"]
    sales = LearningPath.objects.get(role="sales")
    assert sales.tier.code == "silver"
    assert [s.course.code for s in sales.steps.all()] == [
        "platform-basics",
        "selling-security",
    ]


def test_the_demo_silver_sales_user_sees_the_sales_path(client):
    from partner_portal.partners.models import User

    demo_seed()
    client.force_login(User.objects.get(username="silver.user"))
    content = client.get("/learning/").content.decode()
    assert "Sales at Silver" in content and "Selling security" in content
    assert "Technical track" not in content
    client.force_login(User.objects.get(username="platinum.user"))
    content = client.get("/learning/").content.decode()
    assert "Technical track" in content and "Advanced deployment" in content


def test_the_demo_certification_is_named_in_chinese_once(client):
    from learning.demo import seed_learning

    demo_seed()
    assert Certification.objects.get().name_zh == "平台认证专员"
    # A demo database seeded before certifications had Chinese names gets one.
    Certification.objects.update(name_zh="")
    seed_learning(stdout=StringIO())
    assert Certification.objects.get().name_zh == "平台认证专员"
    # A Chinese name staff gave it stays theirs.
    Certification.objects.update(name_zh="平台基础认证")
    seed_learning(stdout=StringIO())
    assert Certification.objects.get().name_zh == "平台基础认证"
