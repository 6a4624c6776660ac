"""The callers of the scoping matrix: anonymous, partner users A and B, an account
manager, staff; each with a token (and the partners they should or should not see)."""

from dataclasses import dataclass

from django.core.cache import cache

import pytest
from rest_framework.test import APIClient

from partner_portal.api.services import api_token_create
from partner_portal.partners.services import account_manager_permissions_sync
from tests.factories import (
    MembershipFactory,
    PartnerFactory,
    StaffFactory,
    staff_with_permissions,
)

# The scoping matrix: which of partners A, B and C each caller sees (the manager is
# assigned C; the manager and staff hold the view permission of the endpoint's model).
CALLERS = ["anonymous", "user_a", "user_b", "manager", "staff"]
VISIBLE = {
    "anonymous": set(),
    "user_a": {"a"},
    "user_b": {"b"},
    "manager": {"c"},
    "staff": {"a", "b", "c"},
}


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


def token_client(user, **token_fields):
    token, key = api_token_create(user=user, **token_fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.token = token
    client.key = key
    client.user = user
    return client


@dataclass
class World:
    partner_a: object
    partner_b: object
    partner_c: object
    user_a: object
    user_b: object
    manager: object
    staff: object

    def client(self, who):
        if who == "anonymous":
            return APIClient()
        return token_client(getattr(self, who))


@pytest.fixture
def world(db):
    """A and B each have a partner user; C is managed by `manager`; staff see all."""
    partner_a = PartnerFactory(name="Alpha Systems", external_id="CRM-A")
    partner_b = PartnerFactory(name="Beta Networks", external_id="CRM-B")
    manager = StaffFactory(username="manager")
    partner_c = PartnerFactory(
        name="Gamma Cloud", external_id="CRM-C", account_manager=manager
    )
    account_manager_permissions_sync(partner=partner_c)
    user_a = MembershipFactory(partner=partner_a, user__username="alice").user
    user_b = MembershipFactory(partner=partner_b, user__username="bob").user
    staff = staff_with_permissions(
        "view_partner", "change_partner", username="programme"
    )
    return World(
        partner_a=partner_a,
        partner_b=partner_b,
        partner_c=partner_c,
        user_a=user_a,
        user_b=user_b,
        manager=manager,
        staff=staff,
    )


def grant_award_view(*users):
    """What staff need, besides seeing the partner, to see its awards."""
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(
        content_type__app_label="learning", codename="view_certificationaward"
    )
    for user in users:
        user.user_permissions.add(permission)


@pytest.fixture
def awards(world):
    """One award per partner: A's active, B's expired, C's revoked.

    The account manager and staff of the world may view awards.
    """
    import datetime

    from django.utils import timezone

    from learning.models import Certification
    from learning.services import award_create, award_revoke

    grant_award_view(world.manager, world.staff)
    today = timezone.localdate()
    network = Certification.objects.create(code="net-pro", name="Network Pro")
    security = Certification.objects.create(code="sec-pro", name="Security Pro")
    user_c = MembershipFactory(partner=world.partner_c, user__username="carol").user
    a = award_create(
        user=world.user_a,
        certification=network,
        issued_at=today - datetime.timedelta(days=30),
        expires_at=today + datetime.timedelta(days=300),
    )
    b = award_create(
        user=world.user_b,
        certification=network,
        issued_at=today - datetime.timedelta(days=400),
        expires_at=today - datetime.timedelta(days=35),
    )
    c = award_create(
        user=user_c,
        certification=security,
        issued_at=today - datetime.timedelta(days=10),
        expires_at=today + datetime.timedelta(days=20),
    )
    c = award_revoke(award=c, by=world.staff, reason="Exam fraud")
    return {"a": a, "b": b, "c": c}
