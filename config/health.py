"""Health checks: `/healthz` for load balancers, `/healthz/full` for monitoring.

`/healthz` answers whether this web process can serve: it asks the database only, since
the portal serves without Elasticsearch (searches answer from the database). The full
check (`/healthz/full`, or `/healthz?full=1`) reports every dependency — the database,
search and its circuit breaker, the task workers' heartbeats and queue, the search
outbox and the webhook backlog — and answers 503 naming each part that fails.
"""

import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Case, F, Min, When
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from django_tasks_db.models import DBTaskResult, get_date_max

from partner_portal.api.models import WebhookDelivery
from partner_portal.worker.models import WorkerHeartbeat
from search.client import search_state
from search.models import OutboxEntry


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"status": "down", "detail": type(exc).__name__}
    return {"status": "up", "vendor": connection.vendor}


def _search():
    state = search_state()
    part = {"status": "up" if state.up else "degraded", "mode": state.mode}
    if not state.up:
        part["detail"] = state.detail
    if state.mode == "elasticsearch":
        until = state.breaker.open_until
        part["breaker"] = (
            {"state": "open", "until": until.isoformat()}
            if until
            else {"state": "closed"}
        )
    return part


def _age(oldest: datetime.datetime | None) -> float | None:
    if oldest is None:
        return None
    return round((timezone.now() - oldest).total_seconds(), 1)


def _tasks():
    """Down when no worker has beaten lately, or a task has waited too long to run
    (workers beat but none takes work: stuck on a task, or too few)."""
    workers = WorkerHeartbeat.objects.beating(
        within=settings.HEALTH_WORKER_SILENCE
    ).count()
    # A task with no run_after carries the far-future sentinel; it waits since enqueued.
    waiting_since = DBTaskResult.objects.ready().aggregate(
        since=Min(
            Case(
                When(run_after=get_date_max(), then=F("enqueued_at")),
                default=F("run_after"),
            )
        )
    )["since"]
    wait = _age(waiting_since)
    part = {
        "workers": workers,
        "ready": DBTaskResult.objects.ready().count(),
        "oldest_wait_seconds": wait,
    }
    failing = []
    if not workers:
        failing.append(f"no worker heartbeat in {settings.HEALTH_WORKER_SILENCE:.0f} s")
    if wait is not None and wait > settings.HEALTH_TASK_WAIT:
        failing.append(f"a task has waited over {settings.HEALTH_TASK_WAIT:.0f} s")
    return _judged(part, failing)


def _outbox():
    oldest = OutboxEntry.objects.aggregate(oldest=Min("created_at"))["oldest"]
    age = _age(oldest)
    part = {"waiting": OutboxEntry.objects.count(), "oldest_age_seconds": age}
    failing = []
    if age is not None and age > settings.HEALTH_OUTBOX_AGE:
        failing.append(
            f"an index change has waited over {settings.HEALTH_OUTBOX_AGE:.0f} s"
        )
    return _judged(part, failing)


def _webhooks():
    pending = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
    age = _age(pending.aggregate(oldest=Min("created_at"))["oldest"])
    part = {"pending": pending.count(), "oldest_age_seconds": age}
    failing = []
    if age is not None and age > settings.HEALTH_WEBHOOK_AGE:
        failing.append(
            f"a delivery has been pending over {settings.HEALTH_WEBHOOK_AGE:.0f} s"
        )
    return _judged(part, failing)


def _judged(part, failing):
    if failing:
        return {"status": "down", "detail": "; ".join(failing), **part}
    return {"status": "up", **part}


def _guarded(check):
    """A part that reads the database is down, not an error, when the database is."""
    try:
        return check()
    except DatabaseError as exc:
        return {"status": "down", "detail": type(exc).__name__}


def _answer(parts):
    failing = sorted(name for name, part in parts.items() if part["status"] != "up")
    body = {"status": "down" if failing else "up", "failing": failing, **parts}
    return JsonResponse(body, status=503 if failing else 200)


@never_cache
@require_GET
def healthz(request):
    if request.GET.get("full") == "1":
        return healthz_full(request)
    return _answer({"database": _database()})


@never_cache
@require_GET
def healthz_full(request):
    return _answer(
        {
            "database": _database(),
            "search": _search(),
            "tasks": _guarded(_tasks),
            "outbox": _guarded(_outbox),
            "webhooks": _guarded(_webhooks),
        }
    )
