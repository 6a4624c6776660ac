"""A partner user takes a course, passes its quiz and downloads the certificate."""

import json
from pathlib import Path

from wagtail.models import Locale

import pytest
from playwright.sync_api import expect

from learning.models import CertificationAward, CoursePage

pytestmark = pytest.mark.browser

DEMO = json.loads(Path("fixtures/demo/partners.json").read_text(encoding="utf-8"))


def _right_answer_texts():
    """The option texts that are correct, by question text (from the server side)."""
    course = CoursePage.objects.get(code="platform-basics", locale=Locale.get_default())
    return {
        block.value["text"]: [o["text"] for o in block.value["options"] if o["correct"]]
        for block in course.questions
    }


def test_take_a_course_pass_the_quiz_download_the_certificate(page, demo_data):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("registered.user")
    page.get_by_label("Password").fill(DEMO["password"])
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Learning", exact=True).first.click()
    page.get_by_role("link", name="Browse the courses").click()
    # A registered partner sees the course for every partner, not the tier ones.
    expect(page.get_by_role("link", name="Platform basics")).to_be_visible()
    expect(page.get_by_role("link", name="Advanced deployment")).to_have_count(0)
    page.get_by_role("link", name="Platform basics").click()
    page.get_by_role("button", name="Enrol in this course").click()

    expect(page.get_by_role("heading", name="What the platform does")).to_be_visible()
    page.get_by_role("button", name="Mark this lesson complete").click()
    expect(page.get_by_role("heading", name="Licensing")).to_be_visible()
    page.get_by_role("button", name="Mark this lesson complete").click()

    expect(page.get_by_text("You have completed 2 of 2 lessons.")).to_be_visible()
    page.get_by_role("link", name="Go to the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    for question, answers in _right_answer_texts().items():
        fieldset = page.locator("fieldset", has_text=question)
        for answer in answers:
            fieldset.get_by_label(answer).check()
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.get_by_text("You passed with a score of 100%.")).to_be_visible()

    page.get_by_role("link", name="See your certifications").click()
    expect(page.get_by_text("Certified Platform Associate")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "certificate-certified-associate.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    award = CertificationAward.objects.get(user__username="registered.user")
    page.context.clear_cookies()
    page.goto(f"/verify/{award.credential_id}")
    expect(page.get_by_text("Certified Platform Associate")).to_be_visible()
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
