"""Delivery by the background worker, with retries and exponential backoff."""

import datetime
import json
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from django_tasks import task

from ..models import WebhookDelivery
from .signing import SIGNATURE_HEADER, sign


def backoff_seconds(attempt: int) -> float:
    """The wait after failed attempt number `attempt` (1, 2, ...): base * 2^(n-1)."""
    return settings.API_WEBHOOK_BACKOFF_SECONDS * 2 ** (attempt - 1)


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, sort_keys=True).encode()


def attempt_delivery(delivery: WebhookDelivery) -> bool:
    """POST the signed payload once; record the answer. True when it was 2xx."""
    body = body_of(delivery)
    request = urllib.request.Request(  # noqa: S310 (staff-entered http(s) URL)
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "CPLMS-Webhooks/1",
            "X-CPLMS-Event": delivery.event,
            "X-CPLMS-Delivery": str(delivery.event_id),
            SIGNATURE_HEADER: sign(delivery.subscription.secret, body),
        },
    )
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    code, error = None, ""
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.API_WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, str(exc)
    except (urllib.error.URLError, OSError) as exc:
        error = str(exc)
    delivery.response_code = code
    delivery.error = error[:2000]
    ok = code is not None and 200 <= code < 300
    if ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = delivery.last_attempt_at
    elif delivery.attempts >= settings.API_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        delivery.status = WebhookDelivery.Status.PENDING
    delivery.save()
    return ok


@task()
def deliver_webhook(delivery_id: int) -> None:
    """Send one delivery; on failure, schedule the next attempt after a backoff.

    A backend that can defer (the database queue) runs the retry later; the
    immediate backend of tests waits the (short) backoff in place instead.
    """
    try:
        delivery = WebhookDelivery.objects.select_related("subscription").get(
            pk=delivery_id
        )
    except WebhookDelivery.DoesNotExist:
        return
    while delivery.status == WebhookDelivery.Status.PENDING:
        if attempt_delivery(delivery):
            return
        if delivery.status != WebhookDelivery.Status.PENDING:
            return
        wait = backoff_seconds(delivery.attempts)
        if deliver_webhook.get_backend().supports_defer:
            deliver_webhook.using(
                run_after=timezone.now() + datetime.timedelta(seconds=wait)
            ).enqueue(delivery_id=delivery_id)
            return
        time.sleep(wait)
