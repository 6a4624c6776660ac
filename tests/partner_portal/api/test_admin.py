from django.contrib.auth.models import Permission
from django.urls import reverse

import pytest

from partner_portal.api.models import APIToken, WebhookDelivery, WebhookSubscription
from partner_portal.api.services import api_token_create
from tests.factories import staff_with_permissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_admin(client):
    user = staff_with_permissions(username="integrations")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="api"))
    client.force_login(user)
    return client


def test_token_listing_never_shows_the_key(api_admin, world):
    token, key = api_token_create(user=world.user_a, name="ERP", read_only=True)
    response = api_admin.get(reverse("api_token:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ERP" in html
    assert "alice" in html
    assert key not in html
    assert token.digest not in html
    inspect = api_admin.get(reverse("api_token:inspect", args=[token.pk]))
    assert key not in inspect.content.decode()
    assert api_admin.get(reverse("api_token:add")).status_code in {403, 302}


def test_revoke_from_the_admin(api_admin, world):
    token, key = api_token_create(user=world.user_a)
    url = reverse("api_token:revoke", args=[token.pk])
    assert api_admin.get(url).status_code == 200
    response = api_admin.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = world.client("anonymous").get(
        "/api/v1/partners/", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert refused.status_code == 401


def test_revoke_needs_permission(client, world):
    token, _key = api_token_create(user=world.user_a)
    client.force_login(staff_with_permissions(username="other"))
    response = client.post(reverse("api_token:revoke", args=[token.pk]))
    assert response.status_code in {302, 403}
    token.refresh_from_db()
    assert token.revoked_at is None


def test_subscriptions_and_redelivery_in_the_admin(
    api_admin, world, django_capture_on_commit_callbacks
):
    response = api_admin.post(
        reverse("api_webhook:add"),
        {
            "name": "CRM",
            "url": "http://127.0.0.1:9/hook",
            "events": ["partner.created", "partner.tier_changed"],
            "secret": "s3cret-value",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["partner.created", "partner.tier_changed"]
    assert (
        api_admin.get(reverse("api_webhook:edit", args=[subscription.pk])).status_code
        == 200
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event="partner.created",
        payload={},
        status="failed",
        response_code=500,
    )
    listing = api_admin.get(reverse("api_delivery:index"))
    assert listing.status_code == 200
    assert "500" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = api_admin.post(reverse("api_delivery:redeliver", args=[delivery.pk]))
    assert response.status_code == 302
    assert WebhookDelivery.objects.filter(event_id=delivery.event_id).count() == 2
    assert APIToken.objects.count() == 0
