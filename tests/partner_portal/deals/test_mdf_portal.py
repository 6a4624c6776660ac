"""Partners follow their marketing funds in the portal: balances at the top of every
page, requests and claims with proof; only partner admins and marketing of a partner
with access, and never another partner's."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import lxml.html
import pytest

from partner_portal.deals.models import FundClaim, FundRequest
from partner_portal.deals.services.mdf import fund_claim_decide
from partner_portal.partners.models import Role, Stage
from tests.factories import PartnerFactory, StaffFactory

from .factories import allocation
from .mdf_helpers import D, approved, claim_of, marketer, pdf, request_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def this_quarter(monkeypatch):
    """2026-11-20 is today, in 2026-Q4: the quarter of `factories.allocation`."""
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 11, 20))


def text_of(element) -> str:
    """An element's text as a reader takes it: each piece apart, whitespace (no-break
    spaces too) as one space."""
    return " ".join(" ".join(element.itertext()).split())


def words(response) -> str:
    return text_of(lxml.html.fromstring(response.text))


def section(response, title_id) -> str:
    [found] = lxml.html.fromstring(response.text).xpath(
        f"//section[@aria-labelledby='{title_id}']"
    )
    return text_of(found)


@pytest.mark.parametrize(
    ("role", "stage", "status"),
    [
        (Role.ADMIN, Stage.ACTIVE, 200),
        (Role.MARKETING, Stage.ACTIVE, 200),
        (Role.SALES, Stage.ACTIVE, 404),
        (Role.TECHNICAL, Stage.ACTIVE, 404),
        (Role.ADMIN, Stage.SUSPENDED, 404),
    ],
)
def test_only_partner_admins_and_marketing_of_a_partner_with_access_see_funds(
    client, this_quarter, role, stage, status
):
    partner = PartnerFactory(stage=stage)
    request = request_of(allocation(partner), title="Roadshow Bremen")
    client.force_login(marketer(partner, role))

    urls = [
        reverse("mdf-home"),
        reverse("mdf-request-new"),
        reverse("mdf-request", args=[request.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == status, url
        if status == 404:
            assert "Roadshow Bremen" not in response.text
    home = client.get("/")
    assert (reverse("mdf-home") in home.text) is (status == 200)


def test_staff_and_visitors_have_no_portal_funds(client):
    assert client.get(reverse("mdf-home")).status_code == 302
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(reverse("mdf-home")).status_code == 404


def test_another_partners_request_and_claim_answer_404(client, this_quarter):
    mine, theirs = PartnerFactory(), PartnerFactory()
    request_of(allocation(mine))
    rival = approved(allocation(theirs, amount="7777.00"), title="Rival gala")
    claim_of(rival, files=[pdf("rival-invoice.pdf")])
    client.force_login(marketer(mine))

    home = client.get(reverse("mdf-home"))
    detail = client.get(reverse("mdf-request", args=[rival.pk]))
    claim = client.post(
        reverse("mdf-claim-new", args=[rival.pk]),
        {"actual_cost": "10.00", "files": [pdf()]},
    )

    assert "Rival gala" not in home.text and "7,777.00" not in home.text
    for response in (detail, claim):
        assert response.status_code == 404
        assert "Rival gala" not in response.text
    assert FundClaim.objects.filter(request=rival).count() == 1


def test_balances_stand_at_the_top_per_currency_never_added_across(
    client, this_quarter
):
    partner = PartnerFactory()
    usd = allocation(partner, amount="10000.00")
    eur = allocation(partner, amount="4000.00", currency="EUR")
    request_of(usd, planned_cost="400.00")
    approved(usd, amount="1500.00", planned_cost="1500.00")
    approved(eur, amount="1000.00")
    client.force_login(marketer(partner))

    home = client.get(reverse("mdf-home"))

    top = section(home, "mdf-balances-title")
    cards = lxml.html.fromstring(home.text).xpath(
        "//article[contains(@class,'mdf-balance')]"
    )
    texts = [text_of(card) for card in cards]
    assert texts[0].startswith("Remaining in EUR 3,000.00 EUR")
    assert "Allocated 4,000.00 EUR" in texts[0] and "Approved 1,000.00 EUR" in texts[0]
    assert texts[1].startswith("Remaining in USD 8,500.00 USD")
    assert "Requested, awaiting decision 400.00 USD" in texts[1]
    assert "Approved 1,500.00 USD" in texts[1] and "Paid 0.00 USD" in texts[1]
    # Nothing adds euros to dollars.
    assert "14,000.00" not in top and "11,500.00" not in top
    # The other pages keep the balances at their top too.
    detail = client.get(reverse("mdf-request", args=[usd.requests.first().pk]))
    assert "Remaining in USD 8,500.00 USD" in section(detail, "mdf-balances-title")


def test_a_partner_requests_funds_and_is_told_why_when_refused(client, this_quarter):
    partner = PartnerFactory()
    funds = allocation(partner, amount="10000.00", currency="CNY")
    user = marketer(partner)
    client.force_login(user)
    form = client.get(reverse("mdf-request-new"))
    assert "2026-Q4 in CNY: 10,000.00 CNY remaining" in words(form)
    data = {
        "allocation": funds.pk,
        "activity_type": "event",
        "title": "华东区合作伙伴峰会",
        "description": "半天峰会。",
        "start_date": "2027-01-05",
        "end_date": "2027-01-05",
        "planned_cost": "6000.00",
        "expected_leads": "30",
    }

    refused = client.post(reverse("mdf-request-new"), data)
    client.cookies["django_language"] = "zh-hans"
    refused_zh = client.post(reverse("mdf-request-new"), data)
    del client.cookies["django_language"]
    data.update(start_date="2026-12-01", end_date="2026-12-02")
    sent = client.post(reverse("mdf-request-new"), data, follow=True)

    assert refused.status_code == 400
    assert "must take place within 2026-Q4, from 2026-10-01 to 2026-12-31" in words(
        refused
    )
    assert "活动必须在" in words(refused_zh)
    request = FundRequest.objects.get()
    assert sent.redirect_chain[-1][0] == reverse("mdf-request", args=[request.pk])
    assert (request.requested_by, request.currency, request.planned_cost) == (
        user,
        "CNY",
        D("6000.00"),
    )
    assert "Your request is sent" in words(sent)
    assert "Awaiting decision" in words(sent)


def test_without_running_funds_there_is_nothing_to_request(client, this_quarter):
    partner = PartnerFactory()
    client.force_login(marketer(partner))

    home = client.get(reverse("mdf-home"))
    form = client.get(reverse("mdf-request-new"))

    assert "No marketing funds are allocated to your company" in words(home)
    assert reverse("mdf-request-new") not in home.text
    assert "nothing to request from" in words(form)
    assert '<form method="post" class="form card mdf-form"' not in form.text


def test_a_partner_claims_with_proof_that_only_its_users_and_staff_download(
    client, this_quarter
):
    partner = PartnerFactory()
    request = approved(allocation(partner), amount="800.00")
    owner = request.requested_by
    client.force_login(owner)
    url = reverse("mdf-request", args=[request.pk])
    page = client.get(url)
    assert "Claim the activity's cost" in words(page)
    assert "Up to 800.00 USD can be approved" in words(page)

    sent = client.post(
        reverse("mdf-claim-new", args=[request.pk]),
        {
            "actual_cost": "780.50",
            "leads": "9",
            "attendees": "31",
            "results": "Two quotes.",
            "files": [
                pdf("invoice-2291.pdf"),
                SimpleUploadedFile("attendees.csv", b"name,company\nAda,Acme\n"),
            ],
        },
        follow=True,
    )

    claim = FundClaim.objects.get()
    assert (claim.actual_cost, claim.submitted_by) == (D("780.50"), owner)
    assert "Your claim is sent with its proof" in words(sent)
    links = lxml.html.fromstring(sent.text).xpath(
        "//ul[contains(@class,'mdf-proofs')]//a"
    )
    assert [link.text for link in links] == ["invoice-2291.pdf", "attendees.csv"]
    assert "Send the claim" not in words(sent)
    downloads = [link.get("href") for link in links]
    for href in downloads:
        assert href.startswith("/documents/")
        assert client.get(href).status_code == 200
    colleague = marketer(partner, Role.SALES)
    for user, status in [
        (colleague, 200),  # the partner's file, whoever of its users asks
        (StaffFactory(), 200),
        (marketer(PartnerFactory()), 404),
    ]:
        client.force_login(user)
        response = client.get(downloads[0])
        assert response.status_code == status
        if status == 404:
            assert b"2291" not in response.content


def test_a_claim_with_a_file_of_another_type_is_refused_in_both_languages(
    client, this_quarter
):
    partner = PartnerFactory()
    request = approved(allocation(partner))
    client.force_login(request.requested_by)
    data = {
        "actual_cost": "100.00",
        "files": [SimpleUploadedFile("tool.exe", b"MZ\x90\x00")],
    }

    refused = client.post(reverse("mdf-claim-new", args=[request.pk]), data)
    empty = client.post(
        reverse("mdf-claim-new", args=[request.pk]), {"actual_cost": "1"}
    )
    client.cookies["django_language"] = "zh-hans"
    data["files"] = [SimpleUploadedFile("tool.exe", b"MZ\x90\x00")]
    refused_zh = client.post(reverse("mdf-claim-new", args=[request.pk]), data)

    assert refused.status_code == 400
    assert "“tool.exe” cannot be attached" in words(refused)
    assert "Attach at least one proof of performance" in words(empty)
    assert "“tool.exe”" in words(refused_zh) and "无法" in words(refused_zh)
    assert not FundClaim.objects.exists()


def test_a_proof_file_too_large_is_refused_before_it_is_kept(
    client, this_quarter, settings
):
    settings.MDF_PROOF_MAX_BYTES = 1024
    settings.MDF_CLAIM_UPLOAD_MAX_BYTES = 4096
    request = approved(allocation(PartnerFactory()))
    client.force_login(request.requested_by)
    url = reverse("mdf-claim-new", args=[request.pk])

    above_file = client.post(url, {"actual_cost": "9", "files": [pdf(text="x" * 2000)]})
    above_claim = client.post(
        url, {"actual_cost": "9", "files": [pdf(text="x" * 9000)]}
    )

    for response in (above_file, above_claim):
        assert response.status_code == 400
        assert "“invoice.pdf” is larger than the limit of 1.0 KB for one file" in words(
            response
        )
    assert not FundClaim.objects.exists()
    assert not (settings.MEDIA_ROOT / "documents").exists()


def test_a_claim_cannot_come_before_the_activity_is_over(client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 11, 2))
    request = approved(allocation(PartnerFactory()))
    client.force_login(request.requested_by)

    page = client.get(reverse("mdf-request", args=[request.pk]))

    assert "Claim once the activity is over, from 2026-11-03." in words(page)
    assert reverse("mdf-claim-new", args=[request.pk]) not in page.text


def test_the_home_card_shows_what_remains_and_what_to_claim(client, this_quarter):
    partner = PartnerFactory()
    funds = allocation(partner, amount="5000.00")
    approved(funds, amount="1200.00", planned_cost="1200.00", title="Training day")
    claimed = approved(funds, amount="300.00", title="Webinar")
    claim_of(claimed)
    again = approved(funds, amount="200.00", title="Breakfast")
    fund_claim_decide(claim=claim_of(again), by=None, approve=False, reason="Blurry.")
    claim_of(again)
    rejected = approved(funds, amount="100.00", title="Brochure")
    fund_claim_decide(claim=claim_of(rejected), by=None, approve=False, reason="No.")
    client.force_login(marketer(partner))

    card = section(client.get("/"), "card-mdf-title")

    assert "Remaining in USD 3,200.00 USD" in card
    assert "Training day 1,200.00 USD approved, claim by 2027-01-30" in card
    assert "Brochure 100.00 USD approved" in card
    assert "Webinar" not in card and "Breakfast" not in card
    client.force_login(marketer(partner, Role.SALES))
    assert "card-mdf-title" not in client.get("/").text


def test_the_requests_list_takes_a_few_queries(
    client, this_quarter, django_assert_max_num_queries
):
    partner = PartnerFactory()
    funds = allocation(partner, amount="90000.00")
    for number in range(8):
        request = approved(funds, title=f"Activity {number}")
        claim_of(request)
    client.force_login(marketer(partner))

    with django_assert_max_num_queries(25):
        response = client.get(reverse("mdf-home"))

    assert words(response).count("Claim awaiting decision") == 8
