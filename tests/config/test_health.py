"""`/healthz` says whether this web process can serve (the database only); the full
check names every dependency that fails. The real worker's heartbeat is followed in
tests/partner_portal/worker/test_runner.py."""

import datetime

from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

import pytest

from partner_portal.api.models import WebhookDelivery, WebhookSubscription
from partner_portal.worker.models import WorkerHeartbeat
from search.models import OutboxEntry
from tests.partner_portal.worker.tasks import echo

DEAD_ELASTICSEARCH = {
    "ELASTICSEARCH_URL": "http://127.0.0.1:9",
    "ELASTICSEARCH_TIMEOUT": 1.0,
}


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


@pytest.fixture(autouse=True)
def closed_breakers():
    cache.clear()


@pytest.fixture
def beating_worker(db):
    """A worker's heartbeat row, as a running worker keeps it fresh."""
    return WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="app1", pid=42, started_at=ago(hours=1), beat_at=ago()
    )


def test_healthz_asks_the_database_only(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "up",
        "failing": [],
        "database": {"status": "up", "vendor": "postgresql"},
    }


def test_the_full_check_reports_every_part_up(client, beating_worker):
    response = client.get("/healthz/full")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["failing"]) == ("up", [])
    assert body["database"] == {"status": "up", "vendor": "postgresql"}
    assert body["search"] == {
        "status": "up",
        "mode": "elasticsearch",
        "breaker": {"state": "closed"},
    }
    assert body["tasks"] == {
        "status": "up",
        "workers": 1,
        "ready": 0,
        "oldest_wait_seconds": None,
    }
    assert body["outbox"] == {
        "status": "up",
        "waiting": 0,
        "oldest_age_seconds": None,
    }
    assert body["webhooks"] == {
        "status": "up",
        "pending": 0,
        "oldest_age_seconds": None,
    }
    assert client.get("/healthz?full=1").json().keys() == body.keys()


@override_settings(**DEAD_ELASTICSEARCH)
def test_without_elasticsearch_the_site_serves_and_monitoring_hears_of_it(
    client, beating_worker
):
    assert client.get("/healthz").status_code == 200

    full = client.get("/healthz/full")

    assert full.status_code == 503
    body = full.json()
    assert body["failing"] == ["search"]
    assert body["search"]["status"] == "degraded"
    assert body["search"]["detail"] == "ConnectionError"
    assert body["search"]["breaker"]["state"] == "open"
    again = client.get("/healthz?full=1").json()
    assert again["search"]["detail"] == "breaker open"
    assert again["search"]["breaker"] == body["search"]["breaker"]


@override_settings(ELASTICSEARCH_URL="")
def test_without_elasticsearch_configured_search_is_up_on_the_database(
    client, beating_worker
):
    response = client.get("/healthz/full")
    assert response.status_code == 200
    assert response.json()["search"] == {"status": "up", "mode": "database"}


@pytest.mark.parametrize("silent", [None, datetime.timedelta(seconds=61)])
def test_no_heartbeat_in_a_minute_means_tasks_down(client, db, silent):
    if silent is not None:
        WorkerHeartbeat.objects.create(
            worker_id="w1",
            hostname="app1",
            pid=42,
            started_at=ago(hours=1),
            beat_at=timezone.now() - silent,
        )

    full = client.get("/healthz/full")

    assert full.status_code == 503
    assert full.json()["failing"] == ["tasks"]
    assert full.json()["tasks"]["detail"] == "no worker heartbeat in 60 s"
    assert full.json()["tasks"]["workers"] == 0
    assert client.get("/healthz").status_code == 200


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
    HEALTH_TASK_WAIT=300,
)
def test_a_task_waiting_too_long_means_tasks_down(client, beating_worker):
    from django_tasks_db.models import DBTaskResult

    echo.enqueue("now")
    assert client.get("/healthz/full").status_code == 200
    DBTaskResult.objects.update(enqueued_at=ago(minutes=6))

    full = client.get("/healthz/full")

    assert full.status_code == 503
    tasks = full.json()["tasks"]
    assert full.json()["failing"] == ["tasks"]
    assert tasks["detail"] == "a task has waited over 300 s"
    assert (tasks["ready"], tasks["workers"]) == (1, 1)
    assert tasks["oldest_wait_seconds"] >= 360


def test_an_old_index_change_means_outbox_down(client, beating_worker, settings):
    settings.HEALTH_OUTBOX_AGE = 600
    OutboxEntry.objects.create(kind="gated-item", object_id="1")
    OutboxEntry.objects.update(created_at=ago(minutes=11))

    full = client.get("/healthz/full")

    assert full.status_code == 503
    assert full.json()["failing"] == ["outbox"]
    outbox = full.json()["outbox"]
    assert outbox["detail"] == "an index change has waited over 600 s"
    assert outbox["waiting"] == 1


def test_a_delivery_pending_too_long_means_webhooks_down(
    client, beating_worker, settings
):
    settings.HEALTH_WEBHOOK_AGE = 3600
    subscription = WebhookSubscription.objects.create(
        name="CRM", url="http://127.0.0.1:9/hook", events=["partner.updated"]
    )
    for status in ("pending", "failed", "delivered"):
        WebhookDelivery.objects.create(
            subscription=subscription,
            event="partner.updated",
            payload={},
            status=status,
        )
    WebhookDelivery.objects.update(created_at=ago(hours=2))

    full = client.get("/healthz/full")

    assert full.status_code == 503
    assert full.json()["failing"] == ["webhooks"]
    webhooks = full.json()["webhooks"]
    assert webhooks["detail"] == "a delivery has been pending over 3600 s"
    assert webhooks["pending"] == 1
