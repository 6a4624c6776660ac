import datetime

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

import pytest
from rest_framework.test import APIClient

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


def test_create_a_token_in_the_admin_shows_the_key_once(api_admin, world):
    listing = api_admin.get(reverse("api_token:index")).content.decode()
    assert reverse("api_token:add") in listing
    form = api_admin.get(reverse("api_token:add"))
    assert form.status_code == 200
    response = api_admin.post(
        reverse("api_token:add"),
        {
            "user": world.user_a.pk,
            "name": "BI export",
            "read_only": "on",
            "expires_in_days": "30",
        },
    )
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    token = APIToken.objects.get(name="BI export")
    assert (token.user, token.read_only) == (world.user_a, True)
    assert token.expiry > timezone.now() + datetime.timedelta(days=29)
    key = response.context["key"]
    assert key in response.content.decode()
    assert key not in {token.digest, token.token_key}
    # The key works, read-only, and no admin page shows it again.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/v1/partners/{world.partner_a.pk}/"
    assert client.get(url).status_code == 200
    assert client.patch(url, {"phone": "1"}, format="json").status_code == 403
    for page in (
        reverse("api_token:index"),
        reverse("api_token:inspect", args=[token.pk]),
        reverse("api_token:edit", args=[token.pk]),
    ):
        assert key not in api_admin.get(page).content.decode()


def test_a_token_without_expiry_and_form_errors(api_admin, world):
    response = api_admin.post(reverse("api_token:add"), {"expires_in_days": "0"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"user", "expires_in_days"}
    assert not APIToken.objects.exists()
    api_admin.post(reverse("api_token:add"), {"user": world.staff.pk})
    token = APIToken.objects.get()
    assert (token.expiry, token.read_only) == (None, False)


def test_creating_tokens_needs_the_add_permission(client, world):
    user = staff_with_permissions(username="viewer")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="api", codename="view_apitoken"
        )
    )
    client.force_login(user)
    assert client.get(reverse("api_token:index")).status_code == 200
    response = client.post(reverse("api_token:add"), {"user": world.user_a.pk})
    assert response.status_code in {302, 403}
    assert not APIToken.objects.exists()


def test_tokens_are_never_deleted_from_the_admin(api_admin, world):
    token, _key = api_token_create(user=world.user_a)
    response = api_admin.post(reverse("api_token:delete", args=[token.pk]))
    assert response.status_code in {302, 403}
    assert APIToken.objects.filter(pk=token.pk).exists()


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
