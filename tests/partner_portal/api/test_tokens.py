import datetime
import io

from django.core.management import call_command
from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from partner_portal.api.models import APIToken
from partner_portal.api.services import api_token_revoke
from partner_portal.partners.services import partner_update

from .conftest import token_client

pytestmark = pytest.mark.django_db


def partner_url(world):
    return f"/api/v1/partners/{world.partner_a.pk}/"


def test_create_api_token_prints_a_working_key_once(world):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token",
        "alice",
        "--read-only",
        "--expires-days",
        "30",
        "--name",
        "CRM sync",
        stdout=out,
        stderr=err,
    )
    key = out.getvalue().strip()
    token = APIToken.objects.get(user=world.user_a)
    assert token.name == "CRM sync"
    assert token.read_only
    assert token.expiry > timezone.now() + datetime.timedelta(days=29)
    # Only a digest is stored: the key appears nowhere in the row.
    assert key not in {token.digest, token.token_key}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(partner_url(world)).status_code == 200
    assert APIToken.objects.get(pk=token.pk).last_used_at is not None


def test_create_api_token_refuses_unknown_users(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", stdout=io.StringIO())


def test_garbage_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token-at-all")
    response = client.get(partner_url(world))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_expired_token_is_refused(world):
    client = token_client(world.user_a, expires_in=datetime.timedelta(seconds=1))
    APIToken.objects.filter(pk=client.token.pk).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(partner_url(world))
    assert response.status_code == 401
    assert response.json()["message"] == "The token is invalid, expired or revoked."
    # Kept for the record, unlike knox's own model, which deletes it.
    assert APIToken.objects.filter(pk=client.token.pk).exists()


def test_revoked_token_is_refused(world):
    client = token_client(world.user_a)
    assert client.get(partner_url(world)).status_code == 200
    api_token_revoke(token=client.token)
    assert client.get(partner_url(world)).status_code == 401


def test_read_only_token_cannot_write(world):
    client = token_client(world.staff, read_only=True)
    url = f"/api/v1/partners/{world.partner_b.pk}/"
    assert client.get(url).status_code == 200
    response = client.patch(url, {"phone": "1"}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "read_only_token",
        "message": "This token is read-only; it cannot change anything.",
    }
    world.partner_b.refresh_from_db()
    assert world.partner_b.phone == ""


@pytest.mark.parametrize("stage", ["suspended", "terminated"])
def test_suspended_partner_tokens_stop_at_once(world, stage):
    client = token_client(world.user_a)
    assert client.get(partner_url(world)).status_code == 200
    partner_update(partner=world.partner_a, by=None, reason="Breach", stage=stage)
    response = client.get(partner_url(world))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    # Partner B's users are untouched.
    assert world.client("user_b").get("/api/v1/partners/").status_code == 200


def test_inactive_user_token_is_refused(world):
    client = token_client(world.staff)
    world.staff.is_active = False
    world.staff.save()
    assert client.get("/api/v1/partners/").status_code == 401


def test_session_authentication_for_the_portal(world):
    client = APIClient()
    client.force_login(world.user_a)
    response = client.get("/api/v1/partners/")
    assert response.status_code == 200
    assert [row["external_id"] for row in response.json()["results"]] == ["CRM-A"]
    partner_update(partner=world.partner_a, by=None, reason="Breach", stage="suspended")
    refused = client.get("/api/v1/partners/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "no_api_access"


def test_session_writes_need_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.staff)
    response = client.patch(
        f"/api/v1/partners/{world.partner_b.pk}/", {"phone": "1"}, format="json"
    )
    assert response.status_code == 403


def test_staff_permissions_are_read_afresh_on_every_call(world):
    from django.contrib.auth.models import Group, Permission

    client = token_client(world.staff)
    listed = client.get("/api/v1/partners/")
    assert len(listed.json()["results"]) == 3
    world.staff.user_permissions.remove(
        *Permission.objects.filter(content_type__app_label="partners")
    )
    assert client.get("/api/v1/partners/").json()["results"] == []
    # Permissions held through a group count the same way, at once.
    group = Group.objects.create(name="Programme managers")
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="partners", codename="view_partner"
        )
    )
    world.staff.groups.add(group)
    assert len(client.get("/api/v1/partners/").json()["results"]) == 3
    world.staff.groups.remove(group)
    assert client.get("/api/v1/partners/").json()["results"] == []
