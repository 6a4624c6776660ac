"""A partner asks for support: a suggested answer shows while they type the subject,
they send the ticket, an agent answers with an internal note and a public reply
(through `ticket_reply`, as the admin's reply box does), and the partner sees only
the reply, marks the ticket resolved and rates it."""

import uuid

from wagtail.models import Site

import pytest
from playwright.sync_api import expect

from partner_portal.partners.models import AccessLevel, Role
from partner_portal.resources.models import AssetPage, ResourceLibraryPage
from partner_portal.support.models import Deflection, Rating, Ticket
from partner_portal.support.services.tickets import ticket_reply
from search.client import get_client
from search.index import drain
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier

pytestmark = pytest.mark.browser

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's
NOTE = "Internal: their gateway is out of warranty zq7note"


@pytest.fixture
def library(settings, tmp_path):
    """A guide a Silver partner may read, and one for Platinum only, indexed."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    library = ResourceLibraryPage(
        title="Library", slug="library", access_level=AccessLevel.PUBLIC
    )
    Site.objects.get(is_default_site=True).root_page.add_child(instance=library)
    library.add_child(
        instance=AssetPage(
            title="Gateway firmware upgrade guide",
            slug="firmware-guide",
            asset_type="brochure",
            summary="Upgrade the gateway firmware step by step.",
            access_level=AccessLevel.PARTNER,
        )
    )
    library.add_child(
        instance=AssetPage(
            title="Gateway firmware roadmap for Platinum",
            slug="firmware-roadmap",
            asset_type="brochure",
            access_level=AccessLevel.TIER,
            min_tier=tier("platinum"),
        )
    )
    drain()
    yield
    get_client().indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def test_partner_opens_a_ticket_sees_only_the_reply_resolves_and_rates_it(
    page, library
):
    partner = PartnerFactory(name="Mine Ltd", tier=tier("silver"))
    user = MembershipFactory(
        partner=partner, role=Role.TECHNICAL, user__username="tina"
    ).user
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("tina")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Support", exact=True).click()
    page.get_by_role("link", name="Open your first ticket").click()
    page.get_by_label("Subject").press_sequentially("gateway firmware upgrade")
    suggestions = page.locator("#ticket-suggestions")
    expect(suggestions).to_be_visible()
    suggestion = suggestions.get_by_role("link", name="Gateway firmware upgrade guide")
    expect(suggestion).to_be_visible()
    expect(suggestions.get_by_text("for Platinum")).to_have_count(0)
    with page.context.expect_page() as opened:
        suggestion.click()
    guide = opened.value.get_by_role("heading", name="Gateway firmware upgrade guide")
    expect(guide).to_be_visible()
    opened.value.close()
    assert Deflection.objects.get().title == "Gateway firmware upgrade guide"

    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Description").fill("The upgrade stops at 80 % every time.")
    page.get_by_role("button", name="Send the ticket").click()
    expect(page.get_by_text("Your ticket is open.")).to_be_visible()
    ticket = Ticket.objects.get()
    assert (ticket.opened_by, ticket.priority) == (user, "high")

    agent = StaffFactory(first_name="Sam")
    ticket_reply(ticket=ticket, by=agent, body=NOTE, internal=True)
    ticket_reply(ticket=ticket, by=agent, body="Clear the cache, then upgrade again.")
    page.reload()
    reply = page.locator(".thread-staff")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Sam, support team")
    expect(reply).to_contain_text("Clear the cache, then upgrade again.")
    expect(page.get_by_text("zq7note")).to_have_count(0)
    assert "zq7note" not in page.content()

    page.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_role("heading", name="Resolved")).to_be_visible()
    page.get_by_label("4 — Good").check()
    page.get_by_label("Comment").fill("Worked after the cache was cleared.")
    page.get_by_role("button", name="Send the rating").click()

    expect(page.get_by_text("You rated our answer 4 out of 5.")).to_be_visible()
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment) == (4, "Worked after the cache was cleared.")
    assert "zq7note" not in page.content()
