"""Model permissions come from one query, with Django's own answers."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from partner_portal.partners.models import User
from tests.factories import StaffFactory, staff_with_permissions

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_own_and_group_permissions_are_read_in_one_query():
    user = staff_with_permissions("view_partner")
    group = Group.objects.create(name="Sales operations")
    group.permissions.add(Permission.objects.get(codename="change_partner"))
    user.groups.add(group)

    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        assert user.has_perm("partners.view_partner")
        assert user.has_perm("partners.change_partner")
        assert not user.has_perm("partners.delete_partner")
    assert len(queries) == 1
    assert user.get_all_permissions() == ModelBackend().get_all_permissions(fresh(user))


def test_a_permission_taken_away_counts_for_the_next_user_object():
    user = staff_with_permissions("view_partner")
    assert fresh(user).has_perm("partners.view_partner")

    user.user_permissions.clear()

    assert not fresh(user).has_perm("partners.view_partner")


def test_inactive_users_hold_no_permission():
    user = staff_with_permissions("view_partner", is_active=False)
    assert not fresh(user).has_perm("partners.view_partner")
    assert StaffFactory(is_superuser=True).has_perm("partners.delete_partner")


def test_the_signed_in_user_comes_with_membership_partner_and_tier(
    client, partner_user_at
):
    """Every portal page asks for the user's partner and tier (the access rule, the
    menus, the cards): the user's own query reads them, not one of their own."""
    client.force_login(partner_user_at("gold"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("search"))

    assert response.status_code == 200
    reads = [
        query["sql"]
        for query in queries.captured_queries
        if '"partners_partnermembership"' in query["sql"]
    ]
    assert len(reads) == 1
    assert reads[0].startswith('SELECT "partners_user"."id"')
    assert '"partners_tier"' in reads[0]


def test_a_user_without_membership_or_gone_inactive_is_read_as_before(client):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("search")).wsgi_request.user == staff

    User.objects.filter(pk=staff.pk).update(is_active=False)

    assert not client.get(reverse("search")).wsgi_request.user.is_authenticated
