"""Sign-in lockouts (django-axes): whose sign-in is locked now, and unlocking it.

django-axes counts wrong passwords per username and client address in the database
(settings `AXES_*`), so every web worker sees the same counts, and refuses that
pair once `AXES_FAILURE_LIMIT` is reached, until `AXES_COOLOFF_TIME` has passed
since the last attempt. Staff see and lift lockouts under Settings → Sign-in
lockouts (`views.admin.LockoutIndexView`) with `LOCKOUT_PERMISSION`.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from axes.helpers import get_cool_off
from axes.models import AccessAttempt

logger = logging.getLogger(__name__)

LOCKOUT_PERMISSION = "axes.delete_accessattempt"


@dataclass(frozen=True)
class Lockout:
    username: str | None
    ip_address: str | None
    failures: int
    last_attempt: datetime.datetime
    locked_until: datetime.datetime | None  # None: until staff unlock it


def current_lockouts() -> list[Lockout]:
    """Every username and address refused now, the most recent attempt first.

    The same sum django-axes compares with the limit: the failures of the pair's
    attempts (one per user agent) made within the cool-off.
    """
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = (
        attempts.values("username", "ip_address")
        .annotate(
            failures=Sum("failures_since_start"), last_attempt=Max("attempt_time")
        )
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt", "username", "ip_address")
    )
    return [
        Lockout(
            **row,
            locked_until=row["last_attempt"] + cool_off if cool_off else None,
        )
        for row in rows
    ]


def lockout_release(*, username: str | None, ip_address: str | None, by) -> int:
    """Forget the failed sign-ins of exactly this username and address.

    Not `axes.utils.reset`, which reads a missing username or address as "every":
    releasing one lockout never resets the counts of others. Returns the number of
    attempt records removed (0 when the lockout had already ended).
    """
    _, per_model = AccessAttempt.objects.filter(
        username=username, ip_address=ip_address
    ).delete()
    released = per_model.get(AccessAttempt._meta.label, 0)
    logger.info(
        "%s unlocked sign-in of %r from %s (%d records)",
        by,
        username,
        ip_address,
        released,
    )
    return released
