"""One drain at a time and one at most waiting, backing off while Elasticsearch is
away: an outage costs a retry every few minutes, not one per change. On the real
database queue and the real worker (db_worker)."""

import datetime

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest

from partner_portal.scheduling import waiting_runs
from search.models import OutboxEntry
from search.tasks import drain_search_outbox, retry_delay
from tests.search.conftest import indexed
from tests.testapp.models import GatedItem

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def waiting_drain():
    [run] = waiting_runs(drain_search_outbox)
    return run


def make_due():
    waiting_runs(drain_search_outbox).update(run_after=timezone.now())


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_QUEUE)
def test_thirty_changes_in_an_outage_wait_for_one_drain_that_backs_off(
    prefix, settings
):
    live = settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT
    settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT = "http://127.0.0.1:9", 1

    # Thirty saves, each committed on its own as thirty requests would.
    items = [GatedItem.objects.create(title=f"outage item {n}") for n in range(30)]
    assert waiting_runs(drain_search_outbox).count() == 1

    run_worker()
    assert OutboxEntry.objects.filter(attempts=1).count() == 30
    first_retry = waiting_drain().run_after - timezone.now()
    assert retry_delay(1) - datetime.timedelta(seconds=10) < first_retry
    assert first_retry <= retry_delay(1)

    make_due()
    run_worker()
    assert OutboxEntry.objects.filter(attempts=2).count() == 30
    second_retry = waiting_drain().run_after - timezone.now()
    assert second_retry > retry_delay(1)
    assert retry_delay(2) == 2 * retry_delay(1)

    # More changes while the retry waits add no drain.
    GatedItem.objects.create(title="one more")
    assert waiting_runs(drain_search_outbox).count() == 1

    settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT = live
    make_due()
    run_worker()
    assert not OutboxEntry.objects.exists()
    assert not waiting_runs(drain_search_outbox).exists()
    assert set(indexed("gated-item")) == {str(item.pk) for item in items} | {
        str(GatedItem.objects.get(title="one more").pk)
    }


def test_retries_wait_longer_the_more_often_they_failed_up_to_a_cap():
    delays = [retry_delay(attempts) for attempts in range(0, 10)]
    assert delays[0] == datetime.timedelta(0)
    assert delays[1:5] == [delays[1] * 2**n for n in range(4)]
    assert max(delays) == delays[-1] <= datetime.timedelta(minutes=5)
