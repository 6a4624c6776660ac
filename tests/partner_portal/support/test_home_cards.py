"""The partner home's cards of what waits for the user: open tickets, unread
announcements, policies to acknowledge and surveys to answer, each with its count
and link, and an empty state when there is nothing; in a few queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site

import lxml.html
import pytest

from partner_portal.partners.models import AccessLevel, Role
from partner_portal.resources.models import (
    AnnouncementPage,
    AnnouncementRead,
    PolicyPage,
)
from partner_portal.resources.services import policy_acknowledge
from partner_portal.support.models import Survey, Ticket
from partner_portal.support.services.surveys import survey_answer, survey_send
from partner_portal.support.services.tickets import ticket_reply
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier

from .portal_helpers import agent, open_ticket

pytestmark = pytest.mark.django_db

# The home of a user with something on every card took 27 queries when this was
# written (the four cards here 7 of them), 36 once the to-do list read each app's
# to-dos; room for one more card, not for a query per item.
HOME_QUERIES = 38


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def announce(title, **access):
    root = Site.objects.get(is_default_site=True).root_page
    page = AnnouncementPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        access_level=access.pop("access_level", AccessLevel.PARTNER),
        **access,
    )
    root.add_child(instance=page)
    return publish(page)


def policy(title):
    root = Site.objects.get(is_default_site=True).root_page
    page = PolicyPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        policy_type="code_of_conduct",
        body="<p>Be honest.</p>",
        requires_acknowledgement=True,
        access_level=AccessLevel.PARTNER,
    )
    root.add_child(instance=page)
    return publish(page)


def card(response, title) -> str:
    """The text of the home's card headed `title`."""
    page = lxml.html.fromstring(response.text)
    (section,) = page.xpath(f'//section[h2[normalize-space()="{title}"]]')
    return " ".join(section.text_content().split())


def card_links(response, title) -> list[str]:
    page = lxml.html.fromstring(response.text)
    (section,) = page.xpath(f'//section[h2[normalize-space()="{title}"]]')
    return section.xpath(".//a/@href")


@pytest.fixture
def busy_user():
    """A silver partner's admin with something waiting on every card."""
    partner = PartnerFactory(tier=tier("silver"))
    user = MembershipFactory(partner=partner, role=Role.ADMIN).user
    waiting = open_ticket(partner, user, subject="Rack kit missing")
    ticket_reply(ticket=waiting, by=agent(), body="Which parcel?", waiting=True)
    open_ticket(partner, user, subject="VPN drops")
    done = open_ticket(partner, user, subject="Old question")
    Ticket.objects.filter(pk=done.pk).update(status=Ticket.Status.CLOSED)

    announce("Price update")
    announce("Partner summit")
    read = announce("Holiday hours")
    AnnouncementRead.objects.create(user=user, announcement=read)
    # Above a silver partner's tier: neither listed nor counted.
    announce(
        "Gold rebate preview", access_level=AccessLevel.TIER, min_tier=tier("gold")
    )
    policy("Code of conduct")
    policy_acknowledge(policy=policy("Data protection"), user=user)

    staff = StaffFactory()
    open_survey = Survey.objects.create(title="Quarterly pulse")
    survey_send(survey=open_survey, by=staff)
    answered = Survey.objects.create(title="Training survey")
    (invitation,) = survey_send(survey=answered, by=staff)
    survey_answer(invitation=invitation, by=user, score=9)
    closed = Survey.objects.create(title="Last year's survey")
    survey_send(survey=closed, by=staff)
    Survey.objects.filter(pk=closed.pk).update(
        closes_on=timezone.localdate() - dt.timedelta(days=1)
    )
    return user


def test_each_card_counts_what_waits_and_links_to_it(
    client, busy_user, django_assert_max_num_queries
):
    client.force_login(busy_user)
    client.get("/")  # the session and caches settle on the first request

    with django_assert_max_num_queries(HOME_QUERIES):
        home = client.get("/")

    tickets = card(home, "Support tickets")
    assert "2 open tickets" in tickets
    assert "1 waiting on you" in tickets
    assert "Old question" not in tickets
    assert reverse("support-home") in card_links(home, "Support tickets")

    announcements = card(home, "Announcements")
    assert "2 unread announcements" in announcements
    assert "Gold rebate preview" not in home.text
    assert reverse("announcements") in card_links(home, "Announcements")

    policies = card(home, "Policies")
    assert "1 policy to acknowledge" in policies
    assert "Code of conduct" in policies and "Data protection" not in policies
    assert reverse("policies-pending") in card_links(home, "Policies")

    surveys = card(home, "Surveys")
    assert "1 survey to answer" in surveys
    assert "Quarterly pulse" in surveys
    assert "Training survey" not in surveys and "Last year" not in surveys
    assert reverse("survey-list") in card_links(home, "Surveys")


def test_the_announcements_page_lists_what_the_user_may_see(client, busy_user):
    client.force_login(busy_user)
    page = client.get(reverse("announcements"))
    assert page.status_code == 200
    assert "Price update" in page.text and "Holiday hours" in page.text
    assert "Gold rebate preview" not in page.text


def test_with_nothing_waiting_each_card_says_so(client):
    user = MembershipFactory(partner=PartnerFactory(tier=tier("platinum"))).user
    client.force_login(user)

    home = client.get("/")

    assert "No open tickets" in card(home, "Support tickets")
    assert reverse("ticket-new") in card_links(home, "Support tickets")
    assert "No announcements" in card(home, "Announcements")
    assert "No policy to acknowledge" in card(home, "Policies")
    assert "No survey to answer" in card(home, "Surveys")
    assert reverse("survey-list") in card_links(home, "Surveys")


def test_staff_on_the_portal_home_get_no_partner_cards(client):
    client.force_login(StaffFactory())
    home = client.get("/")
    assert "Support tickets" not in home.text
    assert "No survey to answer" not in home.text
    assert "No policy to acknowledge" not in home.text


def test_more_of_everything_costs_no_more_queries(client, busy_user):
    client.force_login(busy_user)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    partner = busy_user.membership.partner
    for n in range(6):
        open_ticket(partner, busy_user, subject=f"Question {n}")
        announce(f"News {n}")
        policy(f"Rule {n}")
        survey_send(survey=Survey.objects.create(title=f"Pulse {n}"), by=StaffFactory())

    with CaptureQueriesContext(connection) as after:
        home = client.get("/")

    assert "8 open tickets" in card(home, "Support tickets")
    assert "8 unread announcements" in card(home, "Announcements")
    assert "7 policies to acknowledge" in card(home, "Policies")
    assert "7 surveys to answer" in card(home, "Surveys")
    assert len(after) == len(before)
