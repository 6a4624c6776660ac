"""A certification is named in its reader's language wherever a person reads its
name: the partner home's to-dos, the learning home, the certificate PDF, the
public verification page, the partner 360, statements and the expiry reminders.
Without a Chinese name, Chinese readers see the English one."""

import io
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone, translation

from wagtail.users.models import UserProfile

import lxml.html
import pytest
from pypdf import PdfReader

from learning.models import Certification
from learning.reminders import send_expiry_reminders
from learning.services import award_create, award_revoke
from partner_portal.incentives.statements.wording import certification_name
from partner_portal.partners.services import account_manager_permissions_sync
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory

pytestmark = pytest.mark.django_db

ENGLISH = "Certified Security Expert"
CHINESE = "安全认证专家"


@pytest.fixture
def certification(make_course):
    certification = Certification.objects.create(
        code="sec-expert", name=ENGLISH, name_zh=CHINESE
    )
    certification.required_courses.set([make_course("sec-101")])
    certification.save()
    return certification


def holding(certification, *, expires_in=200, **membership):
    """An award of `certification` to a new partner user, issued a year ago."""
    user = MembershipFactory(**membership).user
    today = timezone.localdate()
    return award_create(
        user=user,
        certification=certification,
        issued_at=today - timedelta(days=365),
        expires_at=today + timedelta(days=expires_in),
    )


def words(response) -> str:
    """The page's text as a reader sees it."""
    return " ".join(lxml.html.fromstring(response.text).text_content().split())


def pdf_text(pdf: bytes) -> str:
    """The text a PDF reader shows; pypdf reads the CJK font's map as UTF-16 units."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(page.extract_text() for page in pages).replace("\x00", "")


def test_a_chinese_partners_home_to_do_names_the_certification_in_chinese(
    client, certification
):
    award = holding(certification, expires_in=10)
    client.force_login(award.user)

    chinese = words(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    english = words(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))

    assert f"续期认证“{CHINESE}”" in chinese
    assert ENGLISH not in chinese
    assert f"Renew your certification “{ENGLISH}”" in english
    assert CHINESE not in english


def test_the_learning_home_names_the_certification_in_the_readers_language(
    client, certification
):
    award = holding(certification)
    client.force_login(award.user)

    chinese = words(client.get("/learning/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    english = words(client.get("/learning/", HTTP_ACCEPT_LANGUAGE="en"))

    assert CHINESE in chinese and ENGLISH not in chinese
    # A certification is 有效 (valid), where a partner or a user is 活跃.
    assert "有效" in chinese and "活跃" not in chinese
    assert ENGLISH in english and CHINESE not in english


def test_without_a_chinese_name_chinese_readers_see_the_english_one(
    client, certification, make_course
):
    untranslated = Certification.objects.create(code="net-pro", name="Network Pro")
    untranslated.required_courses.set([make_course("net-101")])
    untranslated.save()
    award = holding(certification, expires_in=10)
    award_create(
        user=award.user,
        certification=untranslated,
        issued_at=award.issued_at,
        expires_at=award.expires_at,
    )
    client.force_login(award.user)

    learning = words(client.get("/learning/", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    home = words(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans"))

    assert "我的认证" in learning
    assert "Network Pro" in learning and CHINESE in learning
    assert ENGLISH not in learning
    assert "续期认证“Network Pro”" in home and f"续期认证“{CHINESE}”" in home


def test_the_certificate_of_a_chinese_reader_carries_the_chinese_name(
    client, certification
):
    award = holding(certification)
    url = f"/learning/certificates/{award.credential_id}.pdf"
    client.force_login(award.user)

    chinese = pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    english = pdf_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content)

    assert "持有以下认证" in chinese and CHINESE in chinese
    assert ENGLISH not in chinese
    assert "holds the certification" in english and ENGLISH in english
    assert CHINESE not in english


def test_the_verification_page_names_the_certification_in_the_readers_language(
    client, certification
):
    award = holding(certification)
    url = f"/verify/{award.credential_id}"

    chinese = words(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    english = words(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))

    assert CHINESE in chinese and "有效" in chinese
    assert ENGLISH not in chinese
    assert ENGLISH in english and "Active" in english
    assert CHINESE not in english


def test_a_revoked_certificates_page_names_it_in_the_readers_language(
    client, certification
):
    award = holding(certification)
    award_revoke(award=award, by=StaffFactory(), reason="Exam shared")
    client.force_login(award.user)
    url = f"/learning/certificates/{award.credential_id}.pdf"

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 410
    assert f"认证“{CHINESE}”已于" in words(response)


def test_the_partner_360_lists_certifications_in_the_readers_language(
    client, certification
):
    manager = StaffFactory()
    manager.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_certificationaward"]
        )
    )
    partner = PartnerFactory(account_manager=manager)
    account_manager_permissions_sync(partner=partner)
    holding(certification, partner=partner)
    client.force_login(manager)
    url = f"/admin/partner/inspect/{partner.pk}/"

    chinese = words(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"))
    english = words(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))

    assert "有效" in chinese and CHINESE in chinese
    assert ENGLISH not in chinese
    assert ENGLISH in english and CHINESE not in english


def test_the_expiry_reminder_is_in_its_holders_language(certification):
    chinese = holding(certification, expires_in=7, user__email="li@example.com")
    UserProfile.objects.create(user=chinese.user, preferred_language="zh-hans")
    holding(certification, expires_in=7, user__email="ada@example.com")

    assert send_expiry_reminders() == 2

    sent = {message.to[0]: message for message in mail.outbox}
    assert sent["li@example.com"].subject == f"您的认证“{CHINESE}”即将到期"
    assert f"您的认证“{CHINESE}”将在 7 天后" in sent["li@example.com"].body
    assert ENGLISH not in sent["li@example.com"].body
    english = sent["ada@example.com"]
    assert english.subject == f"Your certification {ENGLISH} expires soon"
    assert CHINESE not in english.body


def test_a_statement_names_the_bonus_certification_in_the_readers_language(
    certification,
):
    with translation.override("zh-hans"):
        assert certification_name("sec-expert") == CHINESE
    with translation.override("en"):
        assert certification_name("sec-expert") == ENGLISH


def test_the_certification_list_in_the_admin_shows_both_names(client, certification):
    client.force_login(StaffFactory(is_superuser=True))
    url = "/admin/snippets/learning/certification/"

    listing = words(client.get(url))
    found = words(client.get(url, {"q": "安全认证"}))

    assert ENGLISH in listing and CHINESE in listing
    assert ENGLISH in found
