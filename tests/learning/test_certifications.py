from datetime import date, timedelta

from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from learning.models import CertificationAward
from learning.services import (
    add_months,
    award_create,
    award_revoke,
    enrolment_start,
    lesson_complete,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from partner_portal.partners.measures import CERTIFIED_USERS, measure_values
from partner_portal.partners.models import Tier
from partner_portal.partners.tier_evaluation import (
    qualified_tier,
    requirements_report,
)
from tests.factories import MembershipFactory, StaffFactory

from .conftest import right_answers

pytestmark = pytest.mark.django_db


def complete(user, course):
    enrolment_start(user=user, course=course)
    for lesson in course.lessons():
        lesson_complete(user=user, lesson=lesson)
    attempt = quiz_attempt_start(user=user, course=course)
    quiz_attempt_submit(attempt=attempt, answers=right_answers(course))


def test_the_last_required_course_awards_the_certification_exactly_once(
    partner_user_at, make_course, make_certification
):
    user = partner_user_at()
    first, second = make_course("sec-101"), make_course("sec-201")
    certification = make_certification("sec", [first, second], validity_months=12)
    complete(user, first)
    assert not CertificationAward.objects.exists()
    complete(user, second)
    award = CertificationAward.objects.get()
    today = timezone.localdate()
    assert (award.user, award.certification) == (user, certification)
    assert (award.issued_at, award.expires_at) == (today, add_months(today, 12))
    assert len(award.credential_id) >= 22
    # Opening the course again, marking lessons, re-submitting: nothing more.
    for lesson in second.lessons():
        lesson_complete(user=user, lesson=lesson)
    assert CertificationAward.objects.count() == 1


def test_completing_the_courses_again_renews(
    partner_user_at, make_course, make_certification
):
    user = partner_user_at()
    course = make_course("sec-101")
    make_certification("sec", [course])
    complete(user, course)
    complete(user, course)  # a completed course taken again is a new pass
    awards = CertificationAward.objects.order_by("created_at")
    assert awards.count() == 2
    assert awards[0].credential_id != awards[1].credential_id


def test_credential_ids_are_unique_and_unguessable(partner_user_at, make_course):
    from learning.models.certifications import new_credential_id

    ids = {new_credential_id() for _ in range(1000)}
    assert len(ids) == 1000


def test_months_are_added_calendar_wise():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 24) == date(2028, 11, 15)


def _silver_needs_one_certified_user():
    Tier.objects.filter(code="silver").update(
        min_certified_users=1, required_certification="sec"
    )
    Tier.objects.filter(code__in=["gold", "platinum"]).update(min_certified_users=99)


def _qualified_on(partner, day):
    tiers = list(Tier.objects.order_by("rank"))
    return qualified_tier(tiers, requirements_report([partner], day)[partner.pk]).code


def test_expiry_and_revocation_change_the_measure_and_the_tier_on_the_day(
    make_course, make_certification
):
    _silver_needs_one_certified_user()
    certification = make_certification("sec", [make_course("sec-101")])
    membership = MembershipFactory()
    partner, user = membership.partner, membership.user
    other = MembershipFactory(partner=partner).user
    award_create(
        user=user,
        certification=certification,
        issued_at=date(2025, 3, 1),
        expires_at=date(2026, 3, 1),
    )
    second = award_create(
        user=other,
        certification=certification,
        issued_at=date(2025, 6, 1),
        expires_at=date(2027, 6, 1),
    )

    def certified(day, code="sec"):
        values = measure_values(
            CERTIFIED_USERS, [partner.pk], day, certification_code=code
        )
        return values.get(partner.pk, 0)

    assert certified(date(2025, 2, 28)) == 0
    assert certified(date(2025, 3, 1)) == 1
    assert certified(date(2025, 6, 1)) == 2
    assert certified(date(2026, 2, 28)) == 2
    assert certified(date(2026, 3, 1)) == 1  # the first award expires that day
    assert certified(date(2026, 3, 1), code="other") == 0
    assert certified(date(2026, 3, 1), code="") == 1
    assert _qualified_on(partner, date(2026, 3, 1)) == "silver"

    award_revoke(
        award=second, by=StaffFactory(), reason="Shared exam", on=date(2026, 4, 10)
    )
    assert certified(date(2026, 4, 9)) == 1
    assert _qualified_on(partner, date(2026, 4, 9)) == "silver"
    assert certified(date(2026, 4, 10)) == 0
    assert _qualified_on(partner, date(2026, 4, 10)) == "registered"


def test_the_measure_is_one_query(
    make_course, make_certification, django_assert_num_queries
):
    certification = make_certification("sec", [make_course("sec-101")])
    memberships = [MembershipFactory() for _ in range(3)]
    for membership in memberships:
        award_create(
            user=membership.user,
            certification=certification,
            issued_at=date(2025, 1, 1),
            expires_at=date(2027, 1, 1),
        )
    ids = [m.partner_id for m in memberships]
    with django_assert_num_queries(1):
        values = measure_values(CERTIFIED_USERS, ids, date(2026, 1, 1))
    assert values == dict.fromkeys(ids, 1)


def test_revoking_needs_a_reason_and_happens_once(make_course, make_certification):
    certification = make_certification("sec", [make_course("sec-101")])
    award = award_create(
        user=MembershipFactory().user,
        certification=certification,
        issued_at=date(2025, 1, 1),
        expires_at=date(2027, 1, 1),
    )
    staff = StaffFactory()
    with pytest.raises(ValidationError):
        award_revoke(award=award, by=staff, reason="  ")
    award_revoke(award=award, by=staff, reason="Fraud")
    with pytest.raises(ValidationError):
        award_revoke(award=award, by=staff, reason="Again")


def test_reminders_go_out_30_and_7_days_before_expiry_once(
    make_course, make_certification
):
    from learning.reminders import send_expiry_reminders

    certification = make_certification("sec", [make_course("sec-101")])
    today = date(2026, 5, 1)
    user = MembershipFactory(user__email="holder@example.com").user
    award = award_create(
        user=user,
        certification=certification,
        issued_at=date(2025, 5, 31),
        expires_at=today + timedelta(days=30),
    )
    assert send_expiry_reminders(today=today) == 1
    assert send_expiry_reminders(today=today) == 0
    assert mail.outbox[0].to == ["holder@example.com"]
    assert award.certification.name in mail.outbox[0].body
    assert send_expiry_reminders(today=today + timedelta(days=10)) == 0
    assert send_expiry_reminders(today=today + timedelta(days=23)) == 1
    assert len(mail.outbox) == 2


def test_the_reminder_command_and_task_send_what_is_due(
    make_course, make_certification
):
    from io import StringIO

    from django.core.management import call_command

    from learning.tasks import send_expiry_reminders_task

    certification = make_certification("sec", [make_course("sec-101")])
    today = timezone.localdate()
    for days in (7, 30, 31):
        award_create(
            user=MembershipFactory().user,
            certification=certification,
            issued_at=today - timedelta(days=300),
            expires_at=today + timedelta(days=days),
        )
    out = StringIO()
    call_command("send_certification_reminders", stdout=out)
    assert "Reminders sent: 2." in out.getvalue()
    assert len(mail.outbox) == 2
    assert send_expiry_reminders_task.enqueue().return_value == 0


def test_reminders_are_booked_every_morning_on_the_database_queue(db):
    from django.test import override_settings
    from django.utils import timezone

    from django_tasks_db.models import DBTaskResult

    from learning.tasks import REMINDER_TIME, send_expiry_reminders_task
    from partner_portal.scheduling import book_daily

    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ):
        booked = DBTaskResult.objects.filter(
            task_path=send_expiry_reminders_task.module_path
        )
        booked.delete()
        book_daily(send_expiry_reminders_task, REMINDER_TIME)
        book_daily(send_expiry_reminders_task, REMINDER_TIME)
        [result] = booked
        run_after = timezone.localtime(result.run_after)
        assert (run_after.hour, run_after.minute) == (7, 0)
        assert run_after > timezone.now()


def test_a_revoked_award_gets_no_reminder_and_a_late_one_only_the_7_day_one(
    make_course, make_certification
):
    from learning.reminders import send_expiry_reminders

    certification = make_certification("sec", [make_course("sec-101")])
    today = date(2026, 5, 1)
    revoked = award_create(
        user=MembershipFactory(user__email="revoked@example.com").user,
        certification=certification,
        issued_at=date(2025, 5, 31),
        expires_at=today + timedelta(days=7),
    )
    award_revoke(award=revoked, by=StaffFactory(), reason="Fraud", on=today)
    award_create(
        user=MembershipFactory(user__email="later@example.com").user,
        certification=certification,
        issued_at=date(2025, 5, 31),
        expires_at=today + timedelta(days=31),
    )
    assert send_expiry_reminders(today=today) == 0
    assert mail.outbox == []
    # The 7-day reminder alone reaches an award that missed the 30-day one.
    assert send_expiry_reminders(today=today + timedelta(days=24)) == 1
    assert mail.outbox[0].to == ["later@example.com"]
    assert send_expiry_reminders(today=today + timedelta(days=25)) == 0
