"""The worker's sweep of time-based visibility.

An asset available from 10:00, or expiring at 18:00, enters or leaves the rows a kind
indexes without any save that would queue it. The sweep queues, for every kind with
`timed_fields`, the rows whose time came since the last sweep (the first sweep: every
time already past), and search.tasks books the next sweep for the next such time.
"""

import datetime

from django.db import transaction
from django.db.models import Min, Q

from .models import VisibilitySweep
from .outbox import outbox_record_rows
from .registry import kinds


def _timed_kinds():
    return [kind for kind in kinds() if kind.timed_fields]


def _came_between(kind, since: datetime.datetime | None, until: datetime.datetime):
    came = Q()
    for field in kind.timed_fields:
        window = Q(**{f"{field}__lte": until})
        if since is not None:
            window &= Q(**{f"{field}__gt": since})
        came |= window
    return came


def sweep(now: datetime.datetime) -> int:
    """Queue the rows whose publish or expiry time fell since the last sweep, up to
    `now`; returns how many were queued."""
    with transaction.atomic():
        mark = VisibilitySweep.objects.select_for_update().first()
        since = mark.swept_until if mark else None
        queued = 0
        for kind in _timed_kinds():
            rows = kind.with_versions(
                kind.model._default_manager.filter(_came_between(kind, since, now))
            )
            queued += outbox_record_rows(
                (kind.name, pk) for pk in rows.values_list("pk", flat=True)
            )
        VisibilitySweep.objects.update_or_create(pk=1, defaults={"swept_until": now})
    return queued


def next_visibility_change(now: datetime.datetime) -> datetime.datetime | None:
    """The first publish or expiry time after `now`, of any row of any kind."""
    times = []
    for kind in _timed_kinds():
        times += kind.model._default_manager.aggregate(
            **{
                field: Min(field, filter=Q(**{f"{field}__gt": now}))
                for field in kind.timed_fields
            }
        ).values()
    return min((time for time in times if time is not None), default=None)
