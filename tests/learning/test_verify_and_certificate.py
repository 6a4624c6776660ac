import io
import re
import zlib
from datetime import date, timedelta

from django.utils import timezone

import pytest
from pypdf import PdfReader

from learning.certificates import certificate_pdf
from learning.services import award_create, award_revoke
from tests.factories import MembershipFactory, StaffFactory

from .conftest import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(make_course, make_certification):
    certification = make_certification("sec", [make_course("sec-101")])
    membership = MembershipFactory(
        user__first_name="小龙",
        user__last_name="李",
        user__email="private-address@example.com",
        partner__name="Acme 科技",
        partner__phone="+49 555 0100",
    )
    return award_create(
        user=membership.user,
        certification=certification,
        issued_at=date(2025, 1, 10),
        expires_at=date(2035, 1, 10),
    )


def test_verify_shows_the_public_facts_and_nothing_private(client, award):
    response = client.get(f"/verify/{award.credential_id}")
    assert response.status_code == 200
    content = response.content.decode()
    for shown in (
        "李小龙",
        "Acme 科技",
        award.certification.name,
        "Active",
        "2025-01-10",
        "2035-01-10",
    ):
        assert shown in content
    for private in (
        "private-address",
        "+49 555 0100",
        award.user.username,
        award.partner.external_id,
    ):
        assert private not in content


def test_verify_shows_revoked_and_expired(client, award):
    award_revoke(award=award, by=StaffFactory(), reason="Secret reason xyz")
    content = client.get(f"/verify/{award.credential_id}").content.decode()
    assert "Revoked" in content and "Secret reason xyz" not in content
    award.revoked_on = None
    award.issued_at, award.expires_at = date(2020, 1, 1), date(2021, 1, 1)
    award.save()
    assert "Expired" in client.get(f"/verify/{award.credential_id}").content.decode()


def test_an_unknown_credential_answers_404(client, award):
    assert client.get("/verify/not-a-real-credential").status_code == 404
    assert client.get(f"/verify/{award.credential_id[:-1]}").status_code == 404


def test_only_the_holder_downloads_the_certificate(client, award):
    url = f"/learning/certificates/{award.credential_id}.pdf"
    client.force_login(MembershipFactory(partner=award.partner).user)
    assert client.get(url).status_code == 404
    client.force_login(award.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def _to_unicode_maps(pdf: bytes) -> str:
    """The decompressed ToUnicode maps: which characters the embedded font draws."""
    maps = [pdf.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text = zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue
        maps.append(text)
    return "".join(m for m in maps if "beginbfchar" in m).upper()


def test_the_certificate_embeds_a_cjk_font_for_a_chinese_name(award):
    pdf = certificate_pdf(award)
    assert b"NotoSansCJK" in pdf and b"/FontFile" in pdf
    maps = _to_unicode_maps(pdf)
    for character in "李小龙科技":
        assert f"<{ord(character):04X}>" in maps, character


def test_correct_answers_never_reach_the_browser_before_submission(
    client, partner_user_at, make_course
):
    course = make_course(passing_score=100)
    user = partner_user_at()
    client.force_login(user)
    client.post(f"{course.url}enrol/")
    client.post(f"{course.url}quiz/", {"action": "start"})
    page = client.get(f"{course.url}quiz/").content.decode()
    assert "Which port?" in page and "Which are protocols?" in page
    assert "✓" not in page and "HTTP and TLS are protocols." not in page
    assert "correct" not in page.lower()
    attempt = user.enrolments.get().attempts.get()
    data = {"action": "submit", "attempt": attempt.pk}
    for qid, indexes in right_answers(course).items():
        data[f"q-{qid}"] = [str(i) for i in indexes]
    response = client.post(f"{course.url}quiz/", data, follow=True)
    content = response.content.decode()
    assert "You passed with a score of 100%" in content
    assert "HTTP and TLS are protocols." in content


def _pdf_text(pdf: bytes) -> str:
    """The text a PDF reader shows; pypdf reads the CJK font's map as UTF-16 units."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(page.extract_text() for page in pages).replace("\x00", "")


def test_a_revoked_certificate_cannot_be_downloaded(client, award):
    url = f"/learning/certificates/{award.credential_id}.pdf"
    award_revoke(award=award, by=StaffFactory(), reason="Exam taken by someone else")
    client.force_login(award.user)
    response = client.get(url)
    assert response.status_code == 410
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert "was revoked on" in content and "can no longer be downloaded" in content
    assert "Exam taken by someone else" not in content
    learning = client.get("/learning/").content.decode()
    assert "Revoked" in learning
    assert url not in learning
    assert f"/verify/{award.credential_id}" in learning
    verify = client.get(f"/verify/{award.credential_id}").content.decode()
    assert "Revoked" in verify
    client.force_login(MembershipFactory(partner=award.partner).user)
    assert client.get(url).status_code == 404


def test_a_revocation_from_a_later_day_leaves_the_certificate_until_then(client, award):
    award_revoke(
        award=award,
        by=StaffFactory(),
        reason="Partner leaves the program",
        on=timezone.localdate() + timedelta(days=3),
    )
    client.force_login(award.user)
    response = client.get(f"/learning/certificates/{award.credential_id}.pdf")
    assert response.status_code == 200
    assert "Active" in client.get(f"/verify/{award.credential_id}").content.decode()


def test_an_expired_certificate_is_still_the_holders_marked_expired(client, award):
    url = f"/learning/certificates/{award.credential_id}.pdf"
    client.force_login(award.user)
    active = _pdf_text(client.get(url).content)
    assert "Certified sec" in active and "expired" not in active
    award.issued_at, award.expires_at = date(2020, 1, 10), date(2022, 1, 10)
    award.save()
    learning = client.get("/learning/").content.decode()
    assert "Expired" in learning and url in learning
    response = client.get(url)
    assert response.status_code == 200
    text = _pdf_text(response.content)
    assert "Certified sec" in text
    assert "This certification expired on Jan. 10, 2022." in text


def test_staff_download_a_certificate_only_by_permission_and_scope(client, award):
    from django.contrib.auth.models import Permission

    from partner_portal.partners.services import account_manager_permissions_sync

    url = f"/learning/certificates/{award.credential_id}.pdf"
    view_awards = Permission.objects.get(codename="view_certificationaward")
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 404

    other_manager = StaffFactory()
    other_manager.user_permissions.add(view_awards)
    client.force_login(other_manager)
    assert client.get(url).status_code == 404

    manager = StaffFactory()
    manager.user_permissions.add(view_awards)
    award.partner.account_manager = manager
    award.partner.save()
    account_manager_permissions_sync(partner=award.partner)
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
