"""`/healthz`: the state of the database, search and the task queue."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from django_tasks_db.models import DBTaskResult

from search.client import search_state


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"status": "down", "detail": type(exc).__name__}
    return {"status": "up", "vendor": connection.vendor}


def _search():
    state = search_state()
    if not state.up:
        return {"status": "degraded", "mode": state.mode, "detail": state.detail}
    return {"status": "up", "mode": state.mode}


def _tasks():
    try:
        ready = DBTaskResult.objects.ready().count()
    except DatabaseError as exc:
        return {"status": "down", "detail": type(exc).__name__}
    return {"status": "up", "ready": ready}


@never_cache
@require_GET
def healthz(request):
    parts = {"database": _database(), "search": _search(), "tasks": _tasks()}
    failing = sorted(name for name, part in parts.items() if part["status"] != "up")
    body = {"status": "down" if failing else "up", "failing": failing, **parts}
    return JsonResponse(body, status=503 if failing else 200)
