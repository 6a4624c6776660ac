"""The nightly tier evaluation books itself on the database queue."""

import datetime

from django.test import override_settings
from django.utils import timezone

from django_tasks_db.models import DBTaskResult

from partner_portal.partners.models import TierEvaluation
from partner_portal.partners.tasks import (
    evaluate_tiers_nightly,
    schedule_nightly_tier_evaluation,
)
from tests.factories import PartnerFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def booked():
    return DBTaskResult.objects.filter(task_path=evaluate_tiers_nightly.module_path)


@override_settings(TASKS=DATABASE_QUEUE)
def test_one_run_is_booked_for_the_next_night(db):
    booked().delete()
    schedule_nightly_tier_evaluation()
    schedule_nightly_tier_evaluation()

    [result] = booked()
    run_after = timezone.localtime(result.run_after)
    assert (run_after.hour, run_after.minute) == (2, 0)
    assert (
        timezone.now() < result.run_after <= timezone.now() + datetime.timedelta(days=1)
    )


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_run_evaluates_every_partner_and_books_the_next(db):
    booked().delete()
    PartnerFactory.create_batch(3)

    evaluated = evaluate_tiers_nightly.call()

    assert evaluated == 3
    assert TierEvaluation.objects.filter(as_of=timezone.localdate()).count() == 3
    assert booked().count() == 1
