"""Writes of the API app: tokens and webhook redelivery."""

import datetime

from django.db import transaction
from django.utils import timezone

from partner_portal.partners.models import User

from .models import APIToken, WebhookDelivery


def api_token_create(
    *,
    user: User,
    name: str = "",
    read_only: bool = False,
    expires_in: datetime.timedelta | None = None,
) -> tuple[APIToken, str]:
    """Make a token; the key is returned once and only its digest is stored."""
    return APIToken.objects.create(
        user=user, expiry=expires_in, name=name, read_only=read_only
    )


def api_token_revoke(*, token: APIToken) -> APIToken:
    """Refuse the token from now on; it stays listed for the record."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again as a new one (same event id), from the admin."""
    from .webhooks.tasks import deliver_webhook

    again = WebhookDelivery.objects.create(
        event_id=delivery.event_id,
        subscription=delivery.subscription,
        event=delivery.event,
        payload=delivery.payload,
    )
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id=again.pk))
    return again
