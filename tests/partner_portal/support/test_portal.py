"""Partners ask for support in the portal: their tickets by role and nobody else's,
the thread without internal notes, answers from the library before a ticket (never
above the partner's audience), replies that reopen, resolving and rating, the rating
link that works once, the home card."""

import re
import uuid

from django.core import mail, signing
from django.urls import reverse

from wagtail.models import Site

import pytest

from partner_portal.partners.models import AccessLevel, Role, Stage
from partner_portal.resources.models import AssetPage, ResourceLibraryPage
from partner_portal.support.models import Deflection, Rating, Ticket
from partner_portal.support.rating_links import SALT
from partner_portal.support.services.tickets import ticket_reply, ticket_status_set
from search.client import get_client
from search.index import drain
from tests.factories import PartnerFactory, StaffFactory, tier

from .portal_helpers import agent, open_ticket, pdf, png, user_of, words

pytestmark = pytest.mark.django_db

NOTE = "Internal: partner is on credit hold zq7note"
NOTE_FILE = "credit-hold-zq7file.pdf"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mine():
    return PartnerFactory(name="Mine Ltd")


@pytest.fixture
def rival():
    return PartnerFactory(name="Rival Systems GmbH")


def ticket_urls(ticket):
    """Every portal address that shows or changes `ticket`."""
    return [
        ("get", reverse("ticket-detail", args=[ticket.pk])),
        ("post", reverse("ticket-reply", args=[ticket.pk])),
        ("post", reverse("ticket-resolve", args=[ticket.pk])),
        ("post", reverse("ticket-rate", args=[ticket.pk])),
    ]


def test_another_partners_ticket_and_its_files_answer_404(client, mine, rival):
    theirs = open_ticket(
        rival, user_of(rival, Role.ADMIN), "Globex licence renewal", files=[png()]
    )
    client.force_login(user_of(mine, Role.ADMIN))

    home = client.get(reverse("support-home"))

    assert home.status_code == 200
    assert "Globex" not in home.text
    for method, url in ticket_urls(theirs):
        response = getattr(client, method)(url, {"body": "Mine now", "score": "5"})
        assert response.status_code == 404, url
        assert "Globex" not in response.text
    attachment = theirs.attachments.get().document
    assert client.get(attachment.url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Ticket.Status.NEW
    assert theirs.messages.count() == 0


def test_a_colleagues_ticket_is_404_for_other_roles_and_seen_by_the_partner_admin(
    client, mine
):
    colleague = user_of(mine, Role.SALES)
    ticket = open_ticket(mine, colleague, "Quote tool shows old prices", files=[pdf()])
    file_url = ticket.attachments.get().document.url

    client.force_login(user_of(mine, Role.TECHNICAL))
    assert "Quote tool" not in client.get(reverse("support-home")).text
    assert client.get(reverse("ticket-detail", args=[ticket.pk])).status_code == 404

    client.force_login(user_of(mine, Role.ADMIN))
    assert "Quote tool shows old prices" in client.get(reverse("support-home")).text
    page = client.get(reverse("ticket-detail", args=[ticket.pk]))
    assert page.status_code == 200
    assert "report.pdf" in page.text
    assert client.get(file_url).status_code == 200


def test_a_suspended_partners_users_lose_their_tickets_at_once(client, mine):
    user = user_of(mine, Role.ADMIN)
    ticket = open_ticket(mine, user, files=[png()])
    client.force_login(user)
    assert client.get(reverse("ticket-detail", args=[ticket.pk])).status_code == 200

    mine.stage = Stage.SUSPENDED
    mine.save()

    assert client.get(reverse("support-home")).status_code == 404
    assert client.get(reverse("ticket-detail", args=[ticket.pk])).status_code == 404
    assert client.get(ticket.attachments.get().document.url).status_code == 404
    assert "/support/" not in client.get("/").text


def test_internal_notes_appear_in_no_page_email_or_rating_page(
    client, mine, django_capture_on_commit_callbacks
):
    opener = user_of(mine, Role.ADMIN, user__email="opener@mine.example")
    support = agent(email="agent@vendor.example")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(mine, opener)
        ticket_reply(
            ticket=ticket, by=support, body=NOTE, internal=True, files=[pdf(NOTE_FILE)]
        )
        ticket_reply(ticket=ticket, by=support, body="Please restart the gateway.")
        ticket_status_set(ticket=ticket, by=support, status=Ticket.Status.RESOLVED)
    note_file = ticket.attachments.get(message__internal=True).document
    client.force_login(opener)

    pages = [
        client.get(reverse("support-home")),
        client.get(reverse("ticket-detail", args=[ticket.pk])),
        client.get("/"),
    ]
    pages.append(
        client.get(
            reverse("ticket-detail", args=[ticket.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    )
    to_opener = [message for message in mail.outbox if message.to == [opener.email]]
    rating_url = re.search(r"http\S+/support/rate/\S+/", to_opener[-1].body).group()
    client.logout()
    pages.append(client.get(rating_url.removeprefix("http://127.0.0.1:8000")))

    assert "Please restart the gateway." in pages[1].text
    for page in pages:
        assert "zq7note" not in page.text
        assert "zq7file" not in page.text
    assert to_opener, "the opener heard of the reply and the resolution"
    for message in mail.outbox:
        assert "zq7note" not in message.subject + message.body
        assert "zq7file" not in message.subject + message.body
    client.force_login(opener)
    assert client.get(note_file.url).status_code == 404


def test_a_reply_to_a_ticket_waiting_on_the_partner_opens_it_again(client, mine):
    opener = user_of(mine)
    ticket = open_ticket(mine, opener)
    ticket_reply(
        ticket=ticket, by=agent(), body="Which firmware do you run?", waiting=True
    )
    client.force_login(opener)
    page = client.get(reverse("ticket-detail", args=[ticket.pk]))
    assert "Our support team is waiting on you" in words(page)
    assert "Paused — waiting on you" in words(client.get(reverse("support-home")))

    response = client.post(
        reverse("ticket-reply", args=[ticket.pk]),
        {"body": "Firmware 7.2.1", "attachments": [png("version.png")]},
        follow=True,
    )

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.waiting_since is None
    assert "Your reply is sent and the ticket is open again." in words(response)
    assert "Firmware 7.2.1" in response.text
    assert "version.png" in response.text


def test_a_partner_opens_a_ticket_with_files_and_a_bad_file_is_refused(
    client, mine, settings
):
    client.force_login(user_of(mine))
    form = client.get(reverse("ticket-new"))
    assert "技术问题" not in form.text
    zh = client.get(reverse("ticket-new"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "技术问题" in zh.text
    data = {
        "subject": "Licence key rejected",
        "category": form.context["form"].fields["category"].queryset.first().pk,
        "priority": "high",
        "description": "The key from the order email is rejected.",
    }

    refused = client.post(
        reverse("ticket-new"), {**data, "attachments": [png("setup.exe")]}
    )
    assert refused.status_code == 400
    assert "“setup.exe” cannot be attached" in words(refused)
    assert not Ticket.objects.exists()
    refused = client.post(
        reverse("ticket-new"),
        {**data, "attachments": [png("setup.exe")]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "无法" in words(refused) and "setup.exe" in words(refused)

    settings.TICKET_ATTACHMENT_MAX_BYTES = 200
    too_large = client.post(
        reverse("ticket-new"), {**data, "attachments": [pdf("big.pdf")]}
    )
    assert "“big.pdf” is larger than the limit of 200 bytes" in words(too_large)
    assert not Ticket.objects.exists()
    settings.TICKET_ATTACHMENT_MAX_BYTES = 10 * 1024**2

    sent = client.post(
        reverse("ticket-new"),
        {**data, "attachments": [png("key.png"), pdf("order.pdf")]},
        follow=True,
    )

    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.priority, ticket.partner) == (
        "Licence key rejected",
        "high",
        mine,
    )
    assert sorted(a.document.title for a in ticket.attachments.all()) == [
        "key.png",
        "order.pdf",
    ]
    assert "Your ticket is open." in words(sent)
    assert "First answer by" in words(sent)


def test_the_list_shows_tickets_waiting_on_the_partner_first_and_filters(client, mine):
    user = user_of(mine)
    waiting = open_ticket(mine, user, "Alpha waiting")
    open_ticket(mine, user, "Bravo open")
    done = open_ticket(mine, user, "Charlie done")
    ticket_reply(ticket=waiting, by=agent(), body="Tell us more.", waiting=True)
    ticket_status_set(ticket=done, by=user, status=Ticket.Status.RESOLVED)
    client.force_login(user)

    page = words(client.get(reverse("support-home")))
    assert page.index("Alpha waiting") < page.index("Bravo open")
    assert page.index("Bravo open") < page.index("Charlie done")
    only_resolved = words(client.get(reverse("support-home"), {"status": "resolved"}))
    assert "Charlie done" in only_resolved and "Bravo open" not in only_resolved


def test_the_list_takes_the_same_queries_for_many_tickets(
    client, mine, django_assert_max_num_queries
):
    user = user_of(mine, Role.ADMIN)
    support = agent()
    for number in range(30):
        ticket = open_ticket(mine, user, f"Question {number}")
        ticket_reply(ticket=ticket, by=support, body="Answer", waiting=number % 2)
    client.force_login(user)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("support-home"))

    assert page.status_code == 200
    assert page.text.count("Paused — waiting on you") == 15


def test_a_partner_without_tickets_gets_the_welcome_and_an_empty_home_card(
    client, mine
):
    client.force_login(user_of(mine))
    assert "Open your first ticket" in words(client.get(reverse("support-home")))
    assert "Support tickets No open tickets" in words(client.get("/"))


def test_the_home_card_counts_open_tickets_and_those_waiting_on_the_partner(
    client, mine
):
    user = user_of(mine)
    ticket = open_ticket(mine, user, "Alpha waiting")
    open_ticket(mine, user, "Bravo open")
    ticket_reply(ticket=ticket, by=agent(), body="Tell us more.", waiting=True)
    client.force_login(user)

    home = words(client.get("/"))

    assert "2 open tickets" in home
    assert "1 waiting on you" in home
    assert home.index("Alpha waiting") < home.index("Bravo open")


def test_the_partner_marks_a_ticket_resolved_and_rates_it_once(client, mine):
    user = user_of(mine)
    ticket = open_ticket(mine, user)
    client.force_login(user)

    client.post(reverse("ticket-resolve", args=[ticket.pk]))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    client.post(reverse("ticket-rate", args=[ticket.pk]), {"score": "4"})
    again = client.post(
        reverse("ticket-rate", args=[ticket.pk]), {"score": "1"}, follow=True
    )

    assert Rating.objects.get(ticket=ticket).score == 4
    assert "You rated our answer 4 out of 5." in words(again)


# Assets whose titles all match "firmware", one per access level.
CANARIES = {
    "public": (AccessLevel.PUBLIC, None),
    "partner": (AccessLevel.PARTNER, None),
    "silver": (AccessLevel.TIER, "silver"),
    "gold": (AccessLevel.TIER, "gold"),
    "platinum": (AccessLevel.TIER, "platinum"),
    "staff": (AccessLevel.STAFF, None),
}
TIERS = ["registered", "silver", "gold", "platinum"]


@pytest.fixture
def canaries(settings):
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    library = ResourceLibraryPage(
        title="Library", slug="library", access_level=AccessLevel.PUBLIC
    )
    Site.objects.get(is_default_site=True).root_page.add_child(instance=library)
    for marker, (level, tier_code) in CANARIES.items():
        library.add_child(
            instance=AssetPage(
                title=f"Firmware upgrade guide canary{marker}",
                slug=f"firmware-{marker}",
                asset_type="brochure",
                access_level=level,
                min_tier=tier(tier_code) if tier_code else None,
            )
        )
    drain()
    client = get_client()
    yield
    client.indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def suggested(client, query="firmware upgrade"):
    answer = client.get(reverse("ticket-suggestions"), {"q": query})
    assert answer.status_code == 200
    return answer.json()["suggestions"]


def markers(suggestions) -> set[str]:
    return {item["title"].rsplit("canary", 1)[1] for item in suggestions}


@pytest.mark.parametrize("degraded", [False, True], ids=["elasticsearch", "database"])
@pytest.mark.parametrize("tier_code", TIERS)
def test_suggestions_never_go_above_the_partners_audience(
    client, canaries, settings, tier_code, degraded
):
    user = user_of(PartnerFactory(tier=tier(tier_code)))
    client.force_login(user)
    if degraded:
        settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
        settings.ELASTICSEARCH_TIMEOUT = 0.5

    found = suggested(client)

    levels = ["public", "partner", *TIERS[1 : TIERS.index(tier_code) + 1]]
    assert markers(found) == set(levels)
    assert all(item["kind"] == "Resource" for item in found)


def test_at_most_five_suggestions_and_none_for_staff_only_items(client, canaries):
    client.force_login(user_of(PartnerFactory(tier=tier("platinum"))))
    found = suggested(client)
    assert len(found) == 5
    assert "staff" not in markers(found)
    client.force_login(StaffFactory())
    assert client.get(reverse("ticket-suggestions"), {"q": "firmware"}).status_code == (
        404
    )


def test_opening_a_suggestion_records_the_deflection_and_goes_there(
    client, canaries, mine
):
    user = user_of(mine, Role.TECHNICAL)
    client.force_login(user)
    first = suggested(client, "firmware upgrade")[0]

    response = client.get(first["url"])

    assert response.status_code == 302
    asset = AssetPage.objects.get(title=first["title"])
    assert response["Location"] == asset.url
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.partner, deflection.query) == (
        user,
        mine,
        "firmware upgrade",
    )
    assert (deflection.url, deflection.title) == (asset.url, first["title"])
    tampered = first["url"].replace("/answers/", "/answers/x")
    assert client.get(tampered).status_code == 404
    forged = signing.dumps(["q", "https://evil.example/", "Evil"], salt="x")
    assert client.get(reverse("ticket-deflect", args=[forged])).status_code == 404
    assert Deflection.objects.count() == 1


def rating_link_of(ticket) -> str:
    body = mail.outbox[-1].body
    assert f"#{ticket.number}" in mail.outbox[-1].subject
    return re.search(r"http://\S+(/support/rate/\S+/)", body).group(1)


def test_the_emailed_rating_link_works_once_without_signing_in(
    client, mine, django_capture_on_commit_callbacks
):
    opener = user_of(mine, user__email="opener@mine.example")
    ticket = open_ticket(mine, opener, "Portal login loops")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_status_set(ticket=ticket, by=agent(), status=Ticket.Status.RESOLVED)
    link = rating_link_of(ticket)

    form = client.get(link)
    assert form.status_code == 200
    assert "Portal login loops" in form.text
    done = client.post(link, {"score": "5", "comment": "Quick and clear."})
    again = client.get(link)
    twice = client.post(link, {"score": "1"})

    assert "Thank you" in words(done)
    rating = Rating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment) == (5, "Quick and clear.")
    assert "This link was used already" in words(again)
    assert "This link was used already" in words(twice)
    assert Rating.objects.get(ticket=ticket).score == 5


def test_a_tampered_or_expired_rating_link_says_so(client, mine, monkeypatch):
    ticket = open_ticket(mine, user_of(mine), "Portal login loops")
    ticket_status_set(ticket=ticket, by=agent(), status=Ticket.Status.RESOLVED)
    token = signing.dumps({"ticket": ticket.pk}, salt=SALT)

    tampered = client.get(reverse("ticket-rate-link", args=[token[:-2] + "xy"]))
    other_salt = signing.dumps({"ticket": ticket.pk}, salt="elsewhere")
    forged = client.get(reverse("ticket-rate-link", args=[other_salt]))
    fifteen_days_later = signing.time.time() + 15 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: fifteen_days_later)
    expired = client.get(reverse("ticket-rate-link", args=[token]))

    for refused in (tampered, forged):
        assert refused.status_code == 410
        assert "This rating link is not valid." in words(refused)
        assert "Portal login loops" not in refused.text
    assert expired.status_code == 410
    assert "This rating link has expired" in words(expired)
    assert not Rating.objects.exists()
