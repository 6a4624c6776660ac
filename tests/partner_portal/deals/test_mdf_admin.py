"""The admin's marketing funds: allocations (by hand and imported), requests and
claims listed, exported and decided within the user's scope; a channel account
manager sees and decides only their own partners'."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.models import ModelLogEntry

import lxml.html
import pytest

from partner_portal.deals.mdf_imports import FUND_ALLOCATIONS
from partner_portal.deals.models import FundAllocation, FundClaim, FundRequest
from partner_portal.imports.services import file_import
from tests.factories import PartnerFactory

from .factories import allocation
from .mdf_helpers import D, approved, claim_of, mdf_staff, request_of

pytestmark = pytest.mark.django_db

PROGRAM_MANAGER = (
    "view_fundallocation",
    "add_fundallocation",
    "change_fundallocation",
    "view_fundrequest",
    "view_fundclaim",
    "decide_fundrequest",
    "decide_fundclaim",
    "pay_fundclaim",
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def denied(response) -> bool:
    """Wagtail's answer to a view the user may not use: back to the dashboard."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def words(response) -> str:
    return " ".join(" ".join(lxml.html.fromstring(response.text).itertext()).split())


@pytest.fixture
def two_partners():
    """A partner the account manager looks after and one they do not, each with a
    request awaiting a decision and an approved request with a claim."""
    mine = PartnerFactory(name="Mine GmbH", external_id="P-MINE")
    theirs = PartnerFactory(name="Theirs Ltd", external_id="P-THEIRS")
    made = {}
    for partner in (mine, theirs):
        funds = allocation(partner, amount="5000.00")
        made[partner.external_id] = {
            "allocation": funds,
            "pending": request_of(funds, title=f"Summit of {partner.name}"),
            "claim": claim_of(approved(funds, title=f"Webinar of {partner.name}")),
        }
    return mine, theirs, made


def test_an_account_manager_lists_exports_and_opens_only_their_partners(
    client, two_partners
):
    mine, _theirs, made = two_partners
    client.force_login(mdf_staff(mine))

    for name in ("mdf_allocations", "mdf_requests", "mdf_claims"):
        listing = client.get(reverse(f"{name}:index"))
        assert listing.status_code == 200, name
        assert "Mine GmbH" in listing.text and "Theirs Ltd" not in listing.text
        export = client.get(reverse(f"{name}:index") + "?export=csv")
        content = b"".join(export.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content)))
        assert {row[rows[0].index("Partner")] for row in rows[1:]} == {"Mine GmbH"}
    for key, url_name in [
        ("pending", "mdf_requests:decide"),
        ("claim", "mdf_claims:decide"),
        ("allocation", "mdf_allocations:inspect"),
    ]:
        assert (
            client.get(reverse(url_name, args=[made["P-MINE"][key].pk])).status_code
            == 200
        )
        hidden = client.get(reverse(url_name, args=[made["P-THEIRS"][key].pk]))
        assert hidden.status_code == 404
        assert "Theirs" not in hidden.text
    for url_name in ("mdf_requests:history", "mdf_claims:history"):
        key = "pending" if url_name.startswith("mdf_requests") else "claim"
        assert (
            client.get(reverse(url_name, args=[made["P-MINE"][key].pk])).status_code
            == 200
        )
        assert (
            client.get(reverse(url_name, args=[made["P-THEIRS"][key].pk])).status_code
            == 404
        )
    # Deciding another partner's request or claim is as unreachable.
    refused = client.post(
        reverse("mdf_requests:decide", args=[made["P-THEIRS"]["pending"].pk]),
        {"decision": "approve", "amount": "100.00"},
    )
    assert refused.status_code == 404
    assert (
        FundRequest.objects.get(pk=made["P-THEIRS"]["pending"].pk).status == "submitted"
    )


def test_the_lists_filter_by_status_and_partner(client, two_partners):
    _mine, theirs, _made = two_partners
    client.force_login(mdf_staff(every_partner=True))

    pending = client.get(reverse("mdf_requests:index"), {"status": "submitted"})
    theirs_only = client.get(reverse("mdf_claims:index"), {"partner": theirs.pk})

    assert (
        "Summit of Mine GmbH" in pending.text and "Summit of Theirs Ltd" in pending.text
    )
    assert "Webinar of" not in pending.text
    assert "Webinar of Theirs Ltd" in theirs_only.text
    assert "Webinar of Mine GmbH" not in theirs_only.text


def test_the_decision_page_shows_what_remains_and_refuses_more(client, two_partners):
    mine, _theirs, made = two_partners
    funds = made["P-MINE"]["allocation"]
    big = request_of(funds, planned_cost="4500.00", title="Big expo")
    manager = mdf_staff(mine)
    client.force_login(manager)
    url = reverse("mdf_requests:decide", args=[big.pk])

    page = client.get(url)
    refused = client.post(url, {"decision": "approve", "amount": "4500.00"})
    no_reason = client.post(url, {"decision": "reject", "reason": ""})
    done = client.post(url, {"decision": "approve", "amount": "4000.00"}, follow=True)

    assert "Remaining 4,000.00 USD" in words(page)
    assert "Requested, awaiting decision 5,500.00 USD" in words(page)
    assert refused.status_code == 400
    assert "Only 4,000.00 USD remains of the allocation for 2026-Q4" in words(refused)
    assert "Say why the request is rejected" in words(no_reason)
    assert "The request is approved" in words(done)
    history = client.get(reverse("mdf_requests:history", args=[big.pk]))
    assert "Approved 4000.00" in words(history)
    assert reverse("mdf_requests:history", args=[big.pk]) in page.text
    big.refresh_from_db()
    assert (big.status, big.approved_amount, big.decided_by) == (
        "approved",
        D("4000.00"),
        manager,
    )


def test_staff_without_the_decide_permission_see_but_cannot_decide(
    client, two_partners
):
    mine, _theirs, made = two_partners
    client.force_login(mdf_staff(mine, codenames=("view_fundrequest",)))
    url = reverse("mdf_requests:decide", args=[made["P-MINE"]["pending"].pk])

    page = client.get(url)
    refused = client.post(url, {"decision": "approve"})

    assert page.status_code == 200 and "Amount to approve" not in page.text
    assert "Deciding needs the permission" in words(page)
    assert denied(refused)


def test_a_claim_is_decided_with_its_proof_in_view_and_paid_with_a_reference(
    client, two_partners
):
    _mine, _theirs, made = two_partners
    claim = made["P-MINE"]["claim"]
    client.force_login(mdf_staff(every_partner=True, codenames=PROGRAM_MANAGER))
    url = reverse("mdf_claims:decide", args=[claim.pk])

    page = client.get(url)
    [link] = lxml.html.fromstring(page.text).xpath("//ul[@class='mdf-list']//a")
    above = client.post(url, {"decision": "approve", "amount": "1000.01"})
    client.post(url, {"decision": "approve", "amount": "850.00"})
    no_reference = client.post(url, {"reference": " "})
    paid = client.post(url, {"reference": "SEPA-2026-77"}, follow=True)

    assert "Approved for the activity 1,000.00 USD" in words(page)
    assert (
        link.text == "invoice.pdf" and client.get(link.get("href")).status_code == 200
    )
    assert "cannot be more than the 1,000.00 USD approved for the activity" in words(
        above
    )
    assert "This field is required." in words(no_reference)
    assert "The claim is marked paid" in words(paid)
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount, claim.payment_reference) == (
        "paid",
        D("850.00"),
        "SEPA-2026-77",
    )


def test_paying_needs_its_own_permission(client, two_partners):
    mine, _theirs, made = two_partners
    claim = made["P-MINE"]["claim"]
    manager = mdf_staff(mine)
    client.force_login(manager)
    url = reverse("mdf_claims:decide", args=[claim.pk])
    client.post(url, {"decision": "approve"})

    page = client.get(url)
    refused = client.post(url, {"reference": "PAY-1"})

    assert "Mark paid" not in words(page)
    assert denied(refused)
    assert FundClaim.objects.get(pk=claim.pk).status == "approved"


def test_a_program_manager_sets_an_allocation_by_hand(client):
    partner = PartnerFactory(name="Contoso")
    client.force_login(mdf_staff(every_partner=True, codenames=PROGRAM_MANAGER))
    data = {
        "partner": partner.pk,
        "period": "2027-q1",
        "currency": "EUR",
        "amount": "12000.00",
        "note": "",
    }

    created = client.post(reverse("mdf_allocations:add"), data)
    again = client.post(reverse("mdf_allocations:add"), data)
    bad = client.post(reverse("mdf_allocations:add"), {**data, "period": "Q1"})

    funds = FundAllocation.objects.get()
    assert created.status_code == 302
    assert (funds.period, str(funds.period_start), str(funds.period_end)) == (
        "2027-Q1",
        "2027-01-01",
        "2027-03-31",
    )
    assert "already exists" in words(again)
    assert "“Q1” is not a quarter or a year" in words(bad)
    FundRequest.objects.create(
        allocation=funds,
        partner=partner,
        activity_type="event",
        title="Expo",
        description="…",
        start_date=funds.period_start,
        end_date=funds.period_start,
        planned_cost=D("9000.00"),
        status="approved",
        approved_amount=D("9000.00"),
    )
    edit = reverse("mdf_allocations:edit", args=[funds.pk])
    too_low = client.post(edit, {"amount": "8000.00", "note": ""})
    raised = client.post(edit, {"amount": "15000.00", "note": "Fair bonus"})

    assert "9,000.00 EUR is approved from this allocation already" in words(too_low)
    assert raised.status_code == 302
    funds.refresh_from_db()
    assert (funds.amount, funds.note, funds.period) == (
        D("15000.00"),
        "Fair bonus",
        "2027-Q1",
    )
    assert ModelLogEntry.objects.filter(action="cplms.mdf.allocation_set").count() == 2


def allocations_file(*lines):
    text = "partner_external_id,period,currency,amount\n" + "\n".join(lines) + "\n"
    return io.BytesIO(text.encode("utf-8-sig"))


def test_an_allocation_file_with_a_bad_row_imports_nothing(client):
    PartnerFactory(external_id="P-1")
    PartnerFactory(external_id="P-2")
    manager = mdf_staff(every_partner=True, codenames=PROGRAM_MANAGER)
    lines = [
        "P-1,2026-Q4,USD,10000.00",
        "P-2,2026-Q4,CNY,abc",
        "P-404,2026-Q4,USD,1.00",
        "P-1,2026-q4,usd,5.00",
        "P-2,2026-13,EUR,1.00",
    ]

    report = file_import(
        FUND_ALLOCATIONS,
        file=allocations_file(*lines),
        filename="funds.csv",
        by=manager,
        dry_run=False,
    )

    assert not report.written and not FundAllocation.objects.exists()
    errors = {(e.row, e.column): e.message for e in report.sorted_errors()}
    assert set(errors) == {
        (3, "amount"),
        (4, "partner_external_id"),
        (5, "period"),
        (6, "period"),
    }
    assert (
        "No partner has the external ID “P-404”" in errors[(4, "partner_external_id")]
    )
    assert "Row 2 allocates to the same partner" in errors[(5, "period")]
    assert "“2026-13” is not a quarter or a year" in errors[(6, "period")]


def test_an_allocation_file_creates_and_changes_allocations_through_the_admin(client):
    p1 = PartnerFactory(external_id="P-1")
    PartnerFactory(external_id="P-2")
    existing = allocation(p1, amount="1000.00")
    approved(existing, amount="800.00")
    manager = mdf_staff(every_partner=True, codenames=PROGRAM_MANAGER)
    client.force_login(manager)

    too_low = client.post(
        reverse("mdf_allocation_import:upload"),
        {
            "file": SimpleUploadedFile(
                "funds.csv", allocations_file("P-1,2026-Q4,USD,700.00").read()
            )
        },
    )
    preview = client.get(too_low.url)
    assert "800.00 USD is approved from this allocation already" in words(preview)

    uploaded = client.post(
        reverse("mdf_allocation_import:upload"),
        {
            "file": SimpleUploadedFile(
                "funds.csv",
                allocations_file(
                    "P-1,2026-Q4,USD,2500.00", "P-2,2026,CNY,90000"
                ).read(),
            )
        },
    )
    confirmed = client.post(uploaded.url, follow=True)

    assert "funds.csv was imported: 1 created, 1 updated, 0 unchanged" in words(
        confirmed
    )
    stored = {
        (a.partner.external_id, a.period, a.currency): a.amount
        for a in FundAllocation.objects.all()
    }
    assert stored == {
        ("P-1", "2026-Q4", "USD"): D("2500.00"),
        ("P-2", "2026", "CNY"): D("90000"),
    }
    history = ModelLogEntry.objects.filter(
        action="cplms.mdf.allocation_set", user=manager
    )
    assert history.count() == 2


def test_an_account_manager_may_not_import_allocations(client):
    client.force_login(mdf_staff(PartnerFactory()))

    assert denied(client.get(reverse("mdf_allocation_import:upload")))
    assert denied(client.get(reverse("mdf_allocations:add")))
