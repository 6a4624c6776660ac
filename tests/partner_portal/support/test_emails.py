"""Support's emails go both ways, each in its recipient's language: a new ticket to
its group (or the agents who may answer), staff's public replies and status changes
to the opener, a partner's reply to the agent; internal notes go to nobody."""

from django.contrib.auth.models import Group
from django.core import mail

from wagtail.users.models import UserProfile

import pytest

from partner_portal.partners.models import Role
from partner_portal.support.models import Category, Ticket
from partner_portal.support.services.tickets import (
    ticket_assign,
    ticket_reply,
    ticket_status_set,
)
from tests.factories import PartnerFactory, StaffFactory

from .portal_helpers import agent, open_ticket, user_of

pytestmark = pytest.mark.django_db

NOTE = "Internal: check their unpaid invoices zq7note"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the emails each service queues for after its commit."""

    def run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return run


@pytest.fixture
def mine():
    return PartnerFactory(name="Mine Ltd")


def chinese(user):
    UserProfile.objects.create(user=user, preferred_language="zh-hans")
    return user


def sent_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_a_new_ticket_goes_to_its_categorys_group_in_each_members_language(
    mine, on_commit
):
    group = Group.objects.create(name="Technical support")
    english = agent(email="en@vendor.example")
    zh = chinese(agent(email="zh@vendor.example"))
    # In the group, but an account manager of other partners: never told of Mine's.
    elsewhere = StaffFactory(email="cam@vendor.example")
    group.user_set.add(english, zh, elsewhere)
    other = agent(email="other@vendor.example")
    Category.objects.filter(code="technical").update(group=group)

    ticket = on_commit(
        open_ticket, partner=mine, by=user_of(mine), subject="Gateway reboots"
    )

    assert [m.to for m in mail.outbox] == [[english.email], [zh.email]]
    assert sent_to(english)[0].subject == (
        f"New ticket #{ticket.number} from Mine Ltd: Gateway reboots"
    )
    assert "技术问题" in sent_to(zh)[0].body
    assert f"/admin/support/tickets/{ticket.pk}/" in sent_to(zh)[0].body
    assert f"新工单 #{ticket.number}" in sent_to(zh)[0].subject
    assert not sent_to(other)
    assert not sent_to(elsewhere)


def test_a_new_ticket_without_a_group_goes_to_the_agents_who_may_see_the_partner(
    mine, on_commit
):
    answering = agent(email="agent@vendor.example")
    StaffFactory(email="nobody@vendor.example")

    on_commit(open_ticket, partner=mine, by=user_of(mine), subject="Order stuck")

    assert [m.to for m in mail.outbox] == [[answering.email]]


def test_staff_replies_and_status_changes_reach_the_opener_and_notes_reach_nobody(
    mine, on_commit
):
    opener = chinese(user_of(mine, Role.SALES, user__email="opener@mine.example"))
    support = agent(email="agent@vendor.example")
    ticket = open_ticket(mine, opener, "Gateway reboots")
    mail.outbox.clear()

    on_commit(ticket_reply, ticket=ticket, by=support, body=NOTE, internal=True)
    assert mail.outbox == []
    on_commit(
        ticket_reply, ticket=ticket, by=support, body="Which firmware?", waiting=True
    )
    on_commit(
        ticket_status_set, ticket=ticket, by=support, status=Ticket.Status.RESOLVED
    )

    reply, resolved = sent_to(opener)
    assert f"您的工单 #{ticket.number} 有新回复" in reply.subject
    assert "Which firmware?" in reply.body
    assert f"/support/{ticket.pk}/" in reply.body
    assert "我们正在等待您的回复" in reply.body
    assert f"您的工单 #{ticket.number} 已解决" in resolved.subject
    assert "/support/rate/" in resolved.body
    for message in mail.outbox:
        assert "zq7note" not in message.subject + message.body


def test_a_partners_reply_goes_to_the_assigned_agent(mine, on_commit):
    opener = user_of(mine, user__email="opener@mine.example")
    assigned = agent(email="assigned@vendor.example", first_name="Ann")
    agent(email="bystander@vendor.example")
    ticket = open_ticket(mine, opener, "Gateway reboots")
    ticket_assign(ticket=ticket, by=assigned, agent=assigned)
    mail.outbox.clear()

    on_commit(ticket_reply, ticket=ticket, by=opener, body="Firmware 7.2.1")

    assert [m.to for m in mail.outbox] == [[assigned.email]]
    assert mail.outbox[0].subject == (
        f"Mine Ltd replied on ticket #{ticket.number}: Gateway reboots"
    )
    assert "Firmware 7.2.1" in mail.outbox[0].body
