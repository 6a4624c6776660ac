"""Course trees for the learning tests, built as an editor would in the admin."""

from wagtail.models import Site

import pytest

from learning.models import Certification, CourseIndexPage, CoursePage, LessonPage
from partner_portal.partners.models import AccessLevel
from tests.factories import tier


def question(qid, text, options, multiple=False, explanation=""):
    """A quiz question as StreamField data; `options` is [(text, correct), ...]."""
    return {
        "type": "question",
        "id": qid,
        "value": {
            "text": text,
            "multiple": multiple,
            "explanation": explanation,
            "options": [
                {"type": "item", "id": f"{qid}-{i}", "value": {"text": t, "correct": c}}
                for i, (t, c) in enumerate(options)
            ],
        },
    }


QUESTIONS = [
    question("q-single", "Which port?", [("443", True), ("21", False), ("23", False)]),
    question(
        "q-multi",
        "Which are protocols?",
        [("HTTP", True), ("TLS", True), ("Paris", False), ("Blue", False)],
        multiple=True,
        explanation="HTTP and TLS are protocols.",
    ),
]


@pytest.fixture
def course_index(db):
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage(title="Academy", slug="academy-test")
    root.add_child(instance=index)
    return index


@pytest.fixture
def make_course(course_index):
    def make(
        code="net-101",
        access_level=AccessLevel.PARTNER,
        min_tier=None,
        lessons=("Lesson one", "Lesson two"),
        questions=QUESTIONS,
        **fields,
    ):
        course = CoursePage(
            title=fields.pop("title", f"Course {code}"),
            slug=code,
            code=code,
            summary=fields.pop("summary", "A course."),
            access_level=access_level,
            min_tier=tier(min_tier) if min_tier else None,
            questions=list(questions),
            **fields,
        )
        course_index.add_child(instance=course)
        for number, title in enumerate(lessons, start=1):
            course.add_child(
                instance=LessonPage(
                    title=title,
                    slug=f"{code}-lesson-{number}",
                    body=[{"type": "text", "value": f"<p>{title} body</p>"}],
                )
            )
        return course

    return make


@pytest.fixture
def make_certification():
    def make(code, courses, validity_months=12):
        certification = Certification.objects.create(
            code=code, name=f"Certified {code}", validity_months=validity_months
        )
        # A ParentalManyToManyField is written when its owner is saved.
        certification.required_courses.set(courses)
        certification.save()
        return certification

    return make


def right_answers(course):
    """The answers that score full marks, as the form would post them."""
    return {
        block.id: [i for i, o in enumerate(block.value["options"]) if o["correct"]]
        for block in CoursePage.objects.get(pk=course.pk).questions
    }
