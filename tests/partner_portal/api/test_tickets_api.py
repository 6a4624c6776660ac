"""/api/v1/tickets/: who sees which ticket, internal notes never in a partner
caller's answer, tickets opened and answered, query counts and the webhooks of a
ticket."""

import json

from django.contrib.auth.models import Permission

import pytest

from partner_portal.api.webhooks.events import event_choices
from partner_portal.partners.models import Role
from partner_portal.partners.services import account_manager_permissions_sync
from partner_portal.support.models import Category, Ticket, TicketMessage
from partner_portal.support.services.tickets import ticket_open, ticket_reply
from tests.factories import MembershipFactory, PartnerFactory

from .conftest import CALLERS, token_client
from .test_webhooks import Receiver, events_of, subscribe

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets/"
NOTE = "Internal: the customer is on a pirated licence."
VISIBLE = {
    "anonymous": set(),
    "user_a": {"a"},
    "user_b": {"b"},
    "manager": {"c"},
    "staff": {"a", "b", "c"},
}


def grant_support(*users, answer=True):
    codenames = ["view_ticket"] + (["answer_ticket"] if answer else [])
    permissions = Permission.objects.filter(
        content_type__app_label="support", codename__in=codenames
    )
    for user in users:
        user.user_permissions.add(*permissions)


def open_for(user, subject="Licences not activating", **fields):
    return ticket_open(
        partner=user.membership.partner,
        by=user,
        category=Category.objects.get(code="technical"),
        priority=fields.pop("priority", "high"),
        subject=subject,
        description="The licence server refuses new seats.",
        **fields,
    )


@pytest.fixture
def tickets(world):
    """A ticket each for A, B and C; B's has a public reply and an internal note.
    The manager and staff may see and answer tickets."""
    grant_support(world.manager, world.staff)
    user_c = MembershipFactory(partner=world.partner_c, user__username="cleo").user
    b = open_for(world.user_b)
    ticket_reply(ticket=b, by=world.staff, body=NOTE, internal=True)
    ticket_reply(ticket=b, by=world.staff, body="Please restart the server.")
    return {"a": open_for(world.user_a), "b": b, "c": open_for(user_c)}


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("who", CALLERS)
def test_ticket_list_and_detail_are_scoped(world, tickets, who):
    client = world.client(who)
    response = client.get(URL)
    if who == "anonymous":
        assert response.status_code == 401
        return
    assert ids(response) == {tickets[letter].pk for letter in VISIBLE[who]}
    for letter, ticket in tickets.items():
        detail = client.get(f"{URL}{ticket.pk}/")
        expected = 200 if letter in VISIBLE[who] else 404
        assert detail.status_code == expected
        if expected == 404:
            assert ticket.subject not in detail.content.decode()


def test_internal_notes_are_absent_for_partner_tokens(world, tickets):
    b = tickets["b"]
    client = world.client("user_b")
    listed = client.get(URL).content.decode()
    detail = client.get(f"{URL}{b.pk}/")
    reply = client.post(f"{URL}{b.pk}/replies/", {"body": "Done."}, format="json")
    for answer in (listed, detail.content.decode(), reply.content.decode()):
        assert NOTE not in answer
        assert '"internal"' not in answer
    replies = detail.json()["replies"]
    assert [r["body"] for r in replies] == ["Please restart the server."]
    assert set(replies[0]) == {"author", "body", "created_at"}


def test_staff_read_every_reply_with_internal(world, tickets):
    detail = world.client("staff").get(f"{URL}{tickets['b'].pk}/").json()
    assert [(r["body"], r["internal"]) for r in detail["replies"]] == [
        (NOTE, True),
        ("Please restart the server.", False),
    ]


def test_ticket_fields(world, tickets):
    a = tickets["a"]
    row = world.client("user_a").get(f"{URL}{a.pk}/").json()
    assert set(row) == {
        "id",
        "number",
        "partner",
        "category",
        "product",
        "priority",
        "subject",
        "description",
        "status",
        "first_response_due",
        "resolution_due",
        "breached",
        "replies",
    }
    assert (row["number"], row["partner"], row["category"]) == (
        a.number,
        "CRM-A",
        "technical",
    )
    assert (row["product"], row["status"], row["breached"]) == (None, "new", False)


def test_a_partner_opens_a_ticket_and_replies(world, tickets):
    client = world.client("user_a")
    response = client.post(
        URL,
        {
            "category": "orders",
            "priority": "urgent",
            "subject": "Order SO-1 incomplete",
            "description": "Two units are missing.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert (ticket.partner, ticket.opened_by) == (world.partner_a, world.user_a)
    assert (body["category"], body["priority"], body["status"]) == (
        "orders",
        "urgent",
        "new",
    )
    reply = client.post(f"{URL}{ticket.pk}/replies/", {"body": "More"}, format="json")
    assert reply.status_code == 201
    assert [r["body"] for r in reply.json()["replies"]] == ["More"]


def test_opening_is_for_partner_users_and_checked(world, tickets):
    staff = world.client("staff").post(
        URL,
        {"category": "orders", "subject": "S", "description": "D"},
        format="json",
    )
    assert staff.status_code == 403
    client = world.client("user_a")
    unknown = client.post(
        URL,
        {"category": "nope", "subject": "S", "description": "D"},
        format="json",
    )
    assert unknown.status_code == 400
    assert set(unknown.json()["errors"]) == {"category"}
    extra = client.post(
        URL,
        {"category": "orders", "subject": "S", "description": "D", "status": "closed"},
        format="json",
    )
    assert set(extra.json()["errors"]) == {"status"}


def test_internal_notes_are_for_staff_who_may_answer(world, tickets):
    a = tickets["a"]
    partner = world.client("user_a").post(
        f"{URL}{a.pk}/replies/", {"body": "x", "internal": True}, format="json"
    )
    assert partner.status_code == 403
    staff = world.client("staff").post(
        f"{URL}{a.pk}/replies/",
        {"body": "Checked logs.", "internal": True},
        format="json",
    )
    assert staff.status_code == 201
    note = TicketMessage.objects.get(ticket=a)
    assert note.internal
    assert NOTE not in world.client("user_a").get(f"{URL}{a.pk}/").content.decode()
    world.manager.user_permissions.remove(
        Permission.objects.get(
            content_type__app_label="support", codename="answer_ticket"
        )
    )
    refused = world.client("manager").post(
        f"{URL}{tickets['c'].pk}/replies/", {"body": "Hi"}, format="json"
    )
    assert refused.status_code == 403


def test_another_partners_ticket_cannot_be_answered(world, tickets):
    response = world.client("user_a").post(
        f"{URL}{tickets['b'].pk}/replies/", {"body": "Hi"}, format="json"
    )
    assert response.status_code == 404
    assert not TicketMessage.objects.filter(ticket=tickets["b"], body="Hi").exists()


def test_a_partner_user_of_another_role_sees_only_their_own(world, tickets):
    colleague = MembershipFactory(partner=world.partner_a, role=Role.SALES).user
    own = open_for(colleague, subject="Mine")
    assert ids(token_client(colleague).get(URL)) == {own.pk}
    membership = world.user_a.membership
    membership.role = Role.ADMIN
    membership.save()
    assert ids(world.client("user_a").get(URL)) == {tickets["a"].pk, own.pk}


@pytest.mark.parametrize("size", [1, 25])
def test_list_query_counts_are_bounded(
    world, tickets, size, django_assert_max_num_queries
):
    for n in range(24):
        partner = PartnerFactory(account_manager=world.manager)
        account_manager_permissions_sync(partner=partner)
        user = MembershipFactory(partner=partner).user
        ticket = open_for(user, subject=f"Ticket {n}")
        ticket_reply(ticket=ticket, by=world.staff, body="A reply.")
        ticket_reply(ticket=ticket, by=world.staff, body="A note.", internal=True)
        mine = open_for(world.user_a, subject=f"Own {n}")
        ticket_reply(ticket=mine, by=world.staff, body="A reply.")
    for who in ("staff", "manager", "user_a"):
        client = world.client(who)
        with django_assert_max_num_queries(9):
            response = client.get(URL, {"page_size": size})
        assert len(response.json()["results"]) == size


def test_ticket_webhooks_are_offered_and_delivered(
    world, tickets, django_capture_on_commit_callbacks
):
    offered = {name for name, _label in event_choices()}
    assert {"ticket.created", "ticket.status_changed"} <= offered
    client = world.client("user_a")
    with Receiver() as receiver:
        subscribe(receiver.url, "ticket.created", "ticket.status_changed")
        with django_capture_on_commit_callbacks(execute=True):
            created = client.post(
                URL,
                {"category": "orders", "subject": "Hook", "description": "D"},
                format="json",
            )
        ticket_id = created.json()["id"]
        with django_capture_on_commit_callbacks(execute=True):
            world.client("staff").post(
                f"{URL}{ticket_id}/replies/", {"body": "On it."}, format="json"
            )
    assert events_of(receiver) == ["ticket.created", "ticket.status_changed"]
    opened = json.loads(receiver.received[0]["body"])["data"]
    assert (opened["ticket"], opened["partner"]) == (ticket_id, "CRM-A")
    changed = json.loads(receiver.received[1]["body"])["data"]
    assert (changed["ticket"], changed["status"]) == (ticket_id, "open")
