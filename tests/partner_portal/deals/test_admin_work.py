"""The admin home names the deals, MDF and tickets waiting for the user, in their
scope: an account manager never sees another manager's partners' work."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.utils import timezone

import pytest
from guardian.shortcuts import assign_perm

from partner_portal.deals.models import Deal
from partner_portal.deals.services.deals import deal_submit
from partner_portal.partners.services import ACCOUNT_MANAGER_PERMISSIONS
from partner_portal.support.models import Ticket
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory
from tests.partner_portal.support.portal_helpers import open_ticket, user_of

from .factories import allocation, draft_deal
from .mdf_helpers import request_of

pytestmark = pytest.mark.django_db


def manager_of(partner, *codenames):
    """A channel account manager of `partner` with these model permissions."""
    user = StaffFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(codename__in=codenames),
    )
    for codename in ACCOUNT_MANAGER_PERMISSIONS:
        assign_perm(f"partners.{codename}", user, partner)
    return user


def home(client, user):
    client.force_login(user)
    return client.get("/admin/").content.decode()


def submitted(partner, customer):
    user = MembershipFactory(partner=partner).user
    return deal_submit(deal=draft_deal(partner, user, customer_name=customer), by=user)


def test_registrations_awaiting_a_decision_overdue_first_in_scope(client):
    mine, other = PartnerFactory(name="Kestrel"), PartnerFactory(name="Osprey")
    late = submitted(mine, "Late Customer")
    Deal.objects.filter(pk=late.pk).update(
        decision_due=timezone.now() - dt.timedelta(days=1)
    )
    submitted(mine, "Fresh Customer")
    submitted(other, "Someone Elses Customer")
    manager = manager_of(mine, "view_deal", "decide_deal")

    page = home(client, manager)

    assert "Registrations awaiting a decision" in page
    assert "1 past the decision SLA" in page
    assert page.index("Late Customer") < page.index("Fresh Customer")
    assert "Someone Elses Customer" not in page


def test_mdf_requests_to_decide_need_the_decide_permission(client):
    mine = PartnerFactory(name="Kestrel")
    request_of(allocation(mine), title="Roadshow in Hangzhou")

    assert "MDF to decide" not in home(client, manager_of(mine, "view_fundrequest"))
    page = home(client, manager_of(mine, "view_fundrequest", "decide_fundrequest"))
    assert "MDF to decide" in page and "Roadshow in Hangzhou" in page


def test_tickets_breaching_their_sla_for_the_agents_who_answer_them(client):
    mine, other = PartnerFactory(name="Kestrel"), PartnerFactory(name="Osprey")
    late = open_ticket(mine, user_of(mine), subject="Licence server down")
    Ticket.objects.filter(pk=late.pk).update(
        first_response_due=timezone.now() - dt.timedelta(hours=2)
    )
    open_ticket(mine, user_of(mine), subject="A question for next week")
    hidden = open_ticket(other, user_of(other), subject="Osprey cannot log in")
    Ticket.objects.filter(pk=hidden.pk).update(
        first_response_due=timezone.now() - dt.timedelta(hours=2)
    )

    page = home(client, manager_of(mine, "view_ticket", "answer_ticket"))

    assert "Tickets breaching their SLA" in page
    assert "Licence server down" in page
    assert "A question for next week" not in page
    assert "Osprey cannot log in" not in page
