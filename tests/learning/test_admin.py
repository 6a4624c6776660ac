import io
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from learning.models import CertificationAward
from learning.services import award_create
from tests.chinese_files import excel_csv
from tests.factories import MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db


def staff_with(*codenames, every_partner=True):
    """A staff user with these learning permissions who, unless told otherwise, may
    see every partner (as program managers may), and so every partner's awards."""
    user = StaffFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="learning", codename__in=codenames
        ),
    )
    if every_partner:
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="partners", codename="view_partner"
            )
        )
    return user


@pytest.fixture
def award(make_course, make_certification):
    certification = make_certification("sec", [make_course("sec-101")])
    return award_create(
        user=MembershipFactory(user__email="ana@example.com").user,
        certification=certification,
        issued_at=date(2025, 1, 1),
        expires_at=date(2030, 1, 1),
    )


def test_staff_revoke_an_award_with_a_reason(client, award):
    url = f"/admin/learning/awards/{award.pk}/revoke/"
    client.force_login(staff_with("view_certificationaward"))
    assert client.get(url).status_code == 302  # no change permission
    client.force_login(
        staff_with("view_certificationaward", "change_certificationaward")
    )
    listing = client.get("/admin/learning/awards/").content.decode()
    assert url in listing
    assert client.post(url, {"reason": ""}).status_code == 200
    award.refresh_from_db()
    assert award.revoked_on is None
    client.post(url, {"reason": "Exam taken by someone else"})
    award.refresh_from_db()
    assert award.revoked_on is not None
    assert award.revoked_reason == "Exam taken by someone else"


def _upload(text):
    return SimpleUploadedFile("awards.csv", text.encode(), content_type="text/csv")


def test_admin_import_dry_run_then_confirm(client, award):
    MembershipFactory(user__email="bo@example.com")
    client.force_login(staff_with("add_certificationaward"))
    url = "/admin/learning/import-awards/"
    assert url == reverse("learning_awards_import:upload")
    good = (
        "email,certification_code,issued_at,expires_at,credential_id\n"
        "bo@example.com,sec,2024-01-01,2026-01-01,LEGACY-000042\n"
    )
    response = client.post(url, {"file": _upload(good)}, follow=True)
    rows = [(row.row, row.key, row.outcome) for row in response.context["report"].rows]
    assert rows == [(2, "bo@example.com", "created")]
    assert CertificationAward.objects.count() == 1
    token = response.context["held"].token
    preview_url = reverse("learning_awards_import:preview", args=[token])
    confirmed = client.post(preview_url, {"confirm": ""})
    assert confirmed.url == reverse("learning_awards:index")
    assert CertificationAward.objects.filter(credential_id="LEGACY-000042").exists()


def test_admin_import_with_a_bad_row_writes_nothing(client, award):
    client.force_login(staff_with("add_certificationaward"))
    url = "/admin/learning/import-awards/"
    bad = (
        "email,certification_code,issued_at,expires_at,credential_id\n"
        "ana@example.com,sec,2024-01-01,2026-01-01,\n"
        "nobody@example.com,sec,2024-01-01,2026-01-01,\n"
    )
    response = client.post(url, {"file": _upload(bad)}, follow=True)
    assert b"No user has this email address." in response.content
    assert b'name="confirm"' not in response.content
    assert CertificationAward.objects.count() == 1


def _preview(client, text):
    uploaded = client.post(
        reverse("learning_awards_import:upload"), {"file": _upload(text)}
    )
    return client.get(uploaded.url)


def test_the_preview_lists_each_row_with_its_outcome_before_anything_is_written(
    client, award
):
    MembershipFactory(
        user__email="bo@example.com", user__first_name="Bo", user__last_name="Li"
    )
    award.user.first_name, award.user.last_name = "Ana", "Lima"
    award.user.save()
    client.force_login(staff_with("add_certificationaward"))
    text = (
        "email,certification_code,issued_at,expires_at,credential_id\n"
        f"ANA@example.com,sec,2025-01-01,2030-01-01,{award.credential_id}\n"
        "bo@example.com,sec,2024-01-01,2026-01-01,\n"
    )

    preview = _preview(client, text)

    report = preview.context["report"]
    assert [(row.row, row.key, row.label, row.outcome) for row in report.rows] == [
        (2, "ANA@example.com", "Ana Lima", "unchanged"),
        (3, "bo@example.com", "Bo Li", "created"),
    ]
    assert 'data-row="2" data-outcome="unchanged"' in preview.text
    assert 'data-row="3" data-outcome="created"' in preview.text
    assert "Bo Li" in preview.text
    assert 'name="confirm"' in preview.text
    assert CertificationAward.objects.count() == 1

    confirmed = client.post(preview.request["PATH_INFO"], {"confirm": ""})

    assert confirmed.status_code == 302
    assert CertificationAward.objects.count() == 2
    new = CertificationAward.objects.get(user__email="bo@example.com")
    assert (new.issued_at, new.source) == (date(2024, 1, 1), "imported")


def test_importing_the_same_file_again_leaves_every_row_unchanged(client, award):
    MembershipFactory(user__email="bo@example.com")
    client.force_login(staff_with("add_certificationaward"))
    text = (
        "email,certification_code,issued_at,expires_at,credential_id\n"
        "bo@example.com,sec,2024-01-01,2026-01-01,LEGACY-000042\n"
        "bo@example.com,sec,2026-01-01,2028-01-01,LEGACY-000043\n"
    )
    first = _preview(client, text)
    client.post(first.request["PATH_INFO"], {"confirm": ""})
    assert CertificationAward.objects.count() == 3

    again = _preview(client, text)

    assert [row.outcome for row in again.context["report"].rows] == [
        "unchanged",
        "unchanged",
    ]
    assert "there is nothing to import" in again.text
    assert 'name="confirm"' not in again.text
    assert CertificationAward.objects.count() == 3


def test_a_stored_credential_id_on_another_award_is_an_error(client, award):
    MembershipFactory(user__email="bo@example.com")
    client.force_login(staff_with("add_certificationaward"))
    text = (
        "email,certification_code,issued_at,expires_at,credential_id\n"
        f"bo@example.com,sec,2025-01-01,2030-01-01,{award.credential_id}\n"
        f"ana@example.com,sec,2025-01-01,2031-01-01,{award.credential_id}\n"
    )

    preview = _preview(client, text)

    errors = [(e.row, e.column, e.message) for e in preview.context["errors"]]
    assert errors == [
        (2, "credential_id", "Another award has this credential ID."),
        (3, "credential_id", "Row 2 has the same credential ID."),
    ]
    assert 'name="confirm"' not in preview.text


def test_the_settings_menu_offers_the_award_import_to_those_who_may_use_it(
    client, award
):
    upload_url = reverse("learning_awards_import:upload")
    client.force_login(staff_with("add_certificationaward"))
    assert upload_url in client.get(reverse("wagtailadmin_home")).text
    page = client.get(upload_url)
    assert "<code>credential_id</code>" in page.text
    assert "One of: sec." in page.text

    client.force_login(staff_with("view_certificationaward"))
    assert upload_url not in client.get(reverse("wagtailadmin_home")).text
    refused = client.get(upload_url)
    assert refused.url == reverse("wagtailadmin_home")


def test_reports_export_csv_and_xlsx(client, award):
    client.force_login(staff_with("view_certificationaward"))
    page = client.get("/admin/learning/reports/?days=3650")
    assert page.status_code == 200
    assert award.partner.name.encode() in page.content
    csv = client.get(
        "/admin/learning/reports/?report=certified-users&export=csv"
    ).content.decode("utf-8-sig")
    assert csv.splitlines()[1] == f"{award.partner.name},1"
    xlsx = client.get("/admin/learning/reports/?report=expiring&export=xlsx&days=3650")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["C2"].value == "Certified sec"
    client.force_login(staff_with())
    assert client.get("/admin/learning/reports/").status_code == 302


def test_editors_can_open_the_course_and_lesson_forms(client, make_course):
    from learning.models import CoursePage, LessonPage

    course = make_course("edit-101")
    client.force_login(StaffFactory(is_superuser=True))
    edit = client.get(f"/admin/pages/{course.pk}/edit/")
    assert edit.status_code == 200
    assert b"Quiz" in edit.content and b"Which port?" in edit.content
    add = client.get(f"/admin/pages/add/learning/lessonpage/{course.pk}/")
    assert add.status_code == 200
    assert CoursePage.allowed_subpage_models() == [LessonPage]


def test_completion_pass_rate_and_hardest_question_reports(
    client, partner_user_at, make_course
):
    from learning.services import lesson_complete, quiz_attempt_start
    from learning.services import quiz_attempt_submit as submit

    from .conftest import right_answers

    course = make_course(max_attempts=0, cooldown_minutes=0)
    user, idle = partner_user_at("gold"), partner_user_at("gold")
    quiz_attempt_start(user=idle, course=course)  # enrolled, never finishes
    answers = right_answers(course)
    submit(
        attempt=quiz_attempt_start(user=user, course=course),
        answers={**answers, "q-multi": [0]},
    )
    submit(attempt=quiz_attempt_start(user=user, course=course), answers=answers)
    for lesson in course.lessons():
        lesson_complete(user=user, lesson=lesson)
    client.force_login(staff_with("view_certificationaward"))
    tables = {
        t[0]: t[3] for t in client.get("/admin/learning/reports/").context["tables"]
    }
    assert tables["completion-course"] == [[course.title, 2, 1, 50]]
    assert tables["completion-tier"] == [["Gold", 2, 1, 50]]
    assert tables["quiz-pass-rates"] == [[course.title, 2, 1, 50]]
    assert tables["hardest-questions"][0] == [
        course.title,
        "Which are protocols?",
        2,
        1,
        50,
    ]


def test_expiring_and_certified_user_reports_count_only_active_awards(
    client, make_course, make_certification
):
    from django.utils import timezone

    from learning.services import award_revoke

    today = timezone.localdate()
    first = make_certification("sec", [make_course("sec-101")])
    second = make_certification("net", [make_course("net-101")])
    acme, other = MembershipFactory(partner__name="Acme"), MembershipFactory()
    colleague = MembershipFactory(partner=acme.partner)

    def award(membership, certification, expires_in, issued_days_ago=100):
        return award_create(
            user=membership.user,
            certification=certification,
            issued_at=today - timedelta(days=issued_days_ago),
            expires_at=today + timedelta(days=expires_in),
        )

    award(acme, first, 10)  # within 10 days, on the last one
    award(acme, second, 11)  # one day too late for 10 days
    award(colleague, first, 5)
    revoked = award(other, first, 3)
    award_revoke(award=revoked, by=StaffFactory(), reason="Fraud")
    award(other, second, 0, issued_days_ago=400)  # expires today: expired
    client.force_login(staff_with("view_certificationaward"))

    tables = {
        t[0]: t[3]
        for t in client.get("/admin/learning/reports/?days=10").context["tables"]
    }
    expiring = [(row[0], row[2], row[3]) for row in tables["expiring"]]
    assert expiring == [
        (
            colleague.user.get_full_name(),
            "Certified sec",
            (today + timedelta(days=5)).isoformat(),
        ),
        (
            acme.user.get_full_name(),
            "Certified sec",
            (today + timedelta(days=10)).isoformat(),
        ),
    ]
    # Acme: two users (one holding two certifications); the other partner none.
    assert tables["certified-users"] == [["Acme", 2]]
    days_11 = client.get("/admin/learning/reports/?days=11").context["tables"]
    assert len({t[0]: t[3] for t in days_11}["expiring"]) == 3


def test_completion_by_partner_report_exports(client, partner_user_at, make_course):
    from learning.services import enrolment_start, lesson_complete

    course = make_course("one-101", questions=(), lessons=("Only lesson",))
    done, idle = partner_user_at("silver"), partner_user_at("gold")
    enrolment_start(user=idle, course=course)
    lesson_complete(user=done, lesson=course.lessons().first())
    client.force_login(staff_with("view_certificationaward"))
    csv = client.get(
        "/admin/learning/reports/?report=completion-partner&export=csv"
    ).content.decode("utf-8-sig")
    rows = sorted(csv.splitlines()[1:])
    assert rows == sorted(
        [
            f"{done.membership.partner.name},1,1,100",
            f"{idle.membership.partner.name},1,0,0",
        ]
    )
    xlsx = client.get("/admin/learning/reports/?report=completion-tier&export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["Gold", 1, 0, 0],
        ["Silver", 1, 1, 100],
    ]


def test_the_award_preview_lists_each_holder_before_anything_is_written(
    client, make_course, make_certification
):
    make_certification("sec", [make_course("sec-101")])
    MembershipFactory(user__email="王芳@cq.example", user__first_name="王芳")
    client.force_login(staff_with("add_certificationaward"))
    data = excel_csv(
        "email,certification_code,issued_at,expires_at",
        ["王芳@cq.example,sec,2026-01-15,2028-01-15"],
        "gbk",
    )
    url = reverse("learning_awards_import:upload")

    uploaded = client.post(url, {"file": SimpleUploadedFile("awards.csv", data)})
    preview = client.get(uploaded.url)

    assert "王芳" in preview.text
    assert "The file was read as GB18030 text." in preview.text
    assert not CertificationAward.objects.exists()


@pytest.fixture
def two_partners_awards(make_course, make_certification):
    """One award at a partner the account manager has, one at a partner they do not."""
    from partner_portal.partners.services import account_manager_permissions_sync
    from tests.factories import PartnerFactory

    certification = make_certification("sec", [make_course("sec-101")])
    manager = staff_with(
        "view_certificationaward",
        "change_certificationaward",
        "add_certificationaward",
        every_partner=False,
    )
    mine = PartnerFactory(name="Managed Partner", account_manager=manager)
    account_manager_permissions_sync(partner=mine)
    other = PartnerFactory(name="Hidden Partner")
    awards = {
        name: award_create(
            user=MembershipFactory(
                partner=partner, user__email=f"{name}@example.com"
            ).user,
            certification=certification,
            issued_at=date(2026, 1, 1),
            expires_at=timezone_today() + timedelta(days=10),
        )
        for name, partner in (("mine", mine), ("other", other))
    }
    return manager, awards


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def test_an_account_manager_sees_only_their_partners_in_the_learning_admin(
    client, two_partners_awards
):
    manager, awards = two_partners_awards
    client.force_login(manager)

    listing = client.get("/admin/learning/awards/").text
    assert awards["mine"].credential_id in listing
    assert awards["other"].credential_id not in listing
    assert "Hidden Partner" not in listing

    exported = client.get("/admin/learning/awards/?export=csv")
    assert b"Hidden Partner" not in b"".join(exported.streaming_content)

    reports = client.get(reverse("learning_reports")).text
    assert "Managed Partner" in reports
    assert "Hidden Partner" not in reports and "other@example.com" not in reports
    for report in ("completion-partner", "expiring", "certified-users"):
        for export in ("csv", "xlsx"):
            response = client.get(
                reverse("learning_reports"), {"report": report, "export": export}
            )
            content = response.content
            if export == "xlsx":
                sheet = load_workbook(io.BytesIO(content)).active
                content = str(list(sheet.values)).encode()
            assert b"Hidden Partner" not in content, (report, export)

    other = awards["other"]
    assert client.get(f"/admin/learning/awards/{other.pk}/revoke/").status_code == 404
    assert client.get(f"/admin/learning/awards/inspect/{other.pk}/").status_code == 404
    mine = awards["mine"]
    assert client.get(f"/admin/learning/awards/{mine.pk}/revoke/").status_code == 200


def test_an_account_manager_cannot_import_awards_for_another_partners_users(
    client, two_partners_awards
):
    manager, awards = two_partners_awards
    hidden, shown = awards["other"].user, awards["mine"].user
    hidden.first_name, hidden.last_name = "Hidden", "Holderson"
    hidden.save()
    client.force_login(manager)
    data = (
        b"email,certification_code,issued_at,expires_at\n"
        b"other@example.com,sec,2025-01-01,2027-01-01\n"
        b"mine@example.com,sec,2025-01-01,2027-01-01\n"
    )
    url = reverse("learning_awards_import:upload")

    uploaded = client.post(url, {"file": SimpleUploadedFile("awards.csv", data)})
    response = client.get(uploaded.url)
    preview = response.text

    assert "No user has this email address." in preview
    assert "Hidden Partner" not in preview
    assert "Holderson" not in preview
    assert [row.label for row in response.context["report"].rows] == [
        "",
        shown.get_full_name(),
    ]
    assert CertificationAward.objects.filter(issued_at=date(2025, 1, 1)).count() == 0
