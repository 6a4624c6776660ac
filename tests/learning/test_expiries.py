"""Expired awards are recorded once, by a run the worker books every night."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from learning.models import Certification, CertificationAward
from learning.services import award_create
from learning.tasks import record_award_expiries_task
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def booked():
    return DBTaskResult.objects.filter(task_path=record_award_expiries_task.module_path)


def expired_award():
    today = timezone.localdate()
    return award_create(
        user=MembershipFactory().user,
        certification=Certification.objects.get_or_create(
            code="net-pro", defaults={"name": "Network Pro"}
        )[0],
        issued_at=today - timedelta(days=400),
        expires_at=today - timedelta(days=1),
    )


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_nightly_run_records_expiries_once_and_books_the_next(db):
    booked().delete()
    award = expired_award()
    before = CertificationAward.objects.get(pk=award.pk).updated_at

    assert record_award_expiries_task.call() == 1
    assert record_award_expiries_task.call() == 0

    award.refresh_from_db()
    assert award.expiry_recorded_at is not None
    # The status change reaches clients syncing with `updated_since`.
    assert award.updated_at > before
    [result] = booked()
    run_after = timezone.localtime(result.run_after)
    assert (run_after.hour, run_after.minute) == (0, 5)
    assert run_after > timezone.now()


def test_the_command_does_the_same(db):
    expired_award()
    out = StringIO()
    call_command("record_certification_expiries", stdout=out)
    assert "Expiries recorded: 1." in out.getvalue()
    out = StringIO()
    call_command("record_certification_expiries", stdout=out)
    assert "Expiries recorded: 0." in out.getvalue()
