"""A ticket's SLA clock: business hours of the working calendar, targets by priority
and tier, paused while the ticket waits on the partner."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from partner_portal.support.models import Category, Priority, Ticket
from partner_portal.support.services.tickets import (
    ticket_open,
    ticket_reply,
    ticket_status_set,
    tickets_autoclose,
)
from partner_portal.support.sla import clock_resume, clock_start, sla_state
from partner_portal.workdays.calendar import Calendar
from partner_portal.workdays.models import Holiday, WorkingCalendar
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def shanghai():
    """09:00 to 18:00, Monday to Friday, in Shanghai; Monday 7 December is a holiday."""
    calendar = WorkingCalendar.load()
    calendar.time_zone = "Asia/Shanghai"
    calendar.save()
    Holiday.objects.create(date=dt.date(2026, 12, 7), name="Company day")


def backdate(ticket, **moments):
    """Set moments as they would have been (the services stamp `now`)."""
    Ticket.objects.filter(pk=ticket.pk).update(**moments)
    ticket.refresh_from_db()
    return ticket


def opened(tier_code="registered", priority=Priority.URGENT):
    user = MembershipFactory(partner=PartnerFactory(tier=tier(tier_code))).user
    return ticket_open(
        partner=user.membership.partner,
        by=user,
        category=Category.objects.get(code="technical"),
        priority=priority,
        subject="Licences not activating",
        description="Since Friday the licence server refuses new seats.",
    )


def reopened_at(ticket, moment):
    """The ticket as if opened at `moment`: its clock started then."""
    clock_start(ticket, moment, Calendar.load())
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=moment,
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
    )
    ticket.refresh_from_db()
    return ticket


def test_targets_count_business_hours_across_a_weekend_and_a_holiday():
    # Registered, urgent: 4 business hours to respond, 16 to resolve. Friday 16:00:
    # two hours on Friday, Monday is a holiday, two more on Tuesday.
    ticket = reopened_at(opened(), at(4, 16))

    assert ticket.first_response_due == at(8, 11)
    # 16 hours: 2 on Friday, 9 on Tuesday, 5 on Wednesday.
    assert ticket.resolution_due == at(9, 14)


def test_a_ticket_opened_outside_working_hours_starts_its_clock_next_morning():
    ticket = reopened_at(opened(), at(8, 20, 30))

    assert ticket.first_response_due == at(9, 13)


def test_a_higher_tier_gets_a_shorter_target():
    registered = reopened_at(opened("registered"), at(8, 9))
    platinum = reopened_at(opened("platinum"), at(8, 9))

    assert platinum.first_response_due < registered.first_response_due
    assert platinum.resolution_due < registered.resolution_due


def test_the_clock_stops_while_the_ticket_waits_on_the_partner():
    agent = StaffFactory()
    ticket = reopened_at(opened(), at(8, 9))
    assert ticket.resolution_due == at(9, 16)

    ticket_reply(ticket=ticket, by=agent, body="Which version?", waiting=True)
    # It waited from Tuesday 10:00 to Wednesday 10:00: nine working hours.
    ticket = backdate(ticket, waiting_since=at(8, 10), first_response_at=at(8, 10))
    assert not sla_state(ticket, at(10, 9)).resolution_breached

    clock_resume(ticket, at(9, 10), Calendar.load())

    assert ticket.paused == dt.timedelta(hours=9)
    assert ticket.resolution_due == at(10, 16)


def test_a_partners_reply_to_a_waiting_ticket_opens_it_and_restarts_the_clock():
    agent = StaffFactory()
    ticket = opened()
    ticket_reply(ticket=ticket, by=agent, body="Send the log, please.", waiting=True)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING and ticket.waiting_since

    ticket_reply(ticket=ticket, by=ticket.opened_by, body="Attached.")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.waiting_since is None
    assert ticket.first_response_at is not None


def test_breaches_are_found_by_the_list_and_by_the_ticket_alike():
    late = reopened_at(opened(), at(4, 16))
    on_time = reopened_at(opened(), at(8, 9))
    now = at(8, 12)

    assert set(Ticket.objects.breached(now)) == {late}
    assert sla_state(late, now).first_response_breached
    assert not sla_state(on_time, now).breached
    assert set(Ticket.objects.due_soon(at(8, 12, 30), dt.timedelta(hours=1))) == {
        on_time
    }
    assert sla_state(on_time, at(8, 12, 30)).due_soon


def test_a_resolved_ticket_closes_itself_after_seven_days():
    agent = StaffFactory()
    ticket = opened()
    ticket_status_set(ticket=ticket, by=agent, status=Ticket.Status.RESOLVED)
    ticket.refresh_from_db()

    assert tickets_autoclose(now=ticket.resolved_at + dt.timedelta(days=6)) == 0
    assert tickets_autoclose(now=ticket.resolved_at + dt.timedelta(days=8)) == 1
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
