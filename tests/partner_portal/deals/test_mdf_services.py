"""Market development funds from allocation to payout: what the services allow and
refuse, what the database refuses on its own, expiry, balances, emails and history."""

import datetime as dt

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from wagtail.models import ModelLogEntry
from wagtail.users.models import UserProfile

import pytest

from partner_portal.deals.mdf_selectors import balance_of, balances, currency_totals
from partner_portal.deals.models import (
    DealSettings,
    FundAllocation,
    FundClaim,
    FundExpiry,
    FundRequest,
)
from partner_portal.deals.services.mdf import (
    allocation_set,
    fund_claim_decide,
    fund_claim_pay,
    fund_request_decide,
    funds_expire,
)
from partner_portal.deals.tasks import deals_nightly
from partner_portal.events import event_announced
from partner_portal.partners.models import AccessLevel
from tests.factories import PartnerFactory, StaffFactory

from .factories import allocation
from .mdf_helpers import (
    CLAIM_BY,
    D,
    approved,
    claim_approved,
    claim_of,
    marketer,
    mdf_staff,
    pdf,
    request_of,
)

pytestmark = pytest.mark.django_db


def refusal(error) -> str:
    """The refusal's messages as one line, no-break spaces as spaces."""
    return " ".join(" ".join(error.value.messages).split())


def test_an_approval_above_what_remains_of_the_allocation_is_refused():
    funds = allocation(PartnerFactory(), amount="5000.00")
    approved(funds, planned_cost="3000.00")
    second = request_of(funds, planned_cost="2500.00")

    with pytest.raises(ValidationError) as refused:
        fund_request_decide(request=second, by=StaffFactory(), approve=True)

    assert "Only 2,000.00 USD remains of the allocation for 2026-Q4" in refusal(refused)
    second.refresh_from_db()
    assert second.status == FundRequest.Status.SUBMITTED
    assert second.approved_amount is None
    # What remains can still be approved.
    fund_request_decide(
        request=second, by=StaffFactory(), approve=True, amount=D("2000.00")
    )
    assert balance_of(funds).remaining == D("0.00")


def test_an_approval_stays_within_the_planned_cost_and_a_rejection_needs_a_reason():
    request = request_of(allocation(PartnerFactory()), planned_cost="800.00")

    with pytest.raises(ValidationError) as above_plan:
        fund_request_decide(
            request=request, by=StaffFactory(), approve=True, amount=D("800.01")
        )
    with pytest.raises(ValidationError) as no_reason:
        fund_request_decide(request=request, by=StaffFactory(), approve=False)

    assert "cannot be more than the planned cost, 800.00 USD" in refusal(above_plan)
    assert "Say why the request is rejected" in refusal(no_reason)
    rejected = fund_request_decide(
        request=request, by=StaffFactory(), approve=False, reason="Not co-branded."
    )
    assert (rejected.status, rejected.reason) == ("rejected", "Not co-branded.")
    with pytest.raises(ValidationError, match="decided already"):
        fund_request_decide(request=request, by=StaffFactory(), approve=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"start_date": dt.date(2026, 9, 30)},
            "must take place within 2026-Q4, from 2026-10-01 to 2026-12-31",
        ),
        (
            {"start_date": dt.date(2026, 11, 3), "end_date": dt.date(2026, 11, 2)},
            "cannot end before it starts",
        ),
        ({"planned_cost": "0.00"}, "planned cost above zero"),
    ],
)
def test_a_request_needs_dates_in_the_period_and_a_cost(fields, message):
    funds = allocation(PartnerFactory())
    cost = fields.pop("planned_cost", "1000.00")

    with pytest.raises(ValidationError) as refused:
        request_of(funds, planned_cost=cost, **fields)

    assert message in refusal(refused)
    assert not FundRequest.objects.exists()


def test_no_request_without_an_allocation_or_once_the_activity_or_period_is_over():
    from partner_portal.deals.services.mdf import fund_request_submit

    funds = allocation(PartnerFactory())
    fields = {
        "activity_type": "digital",
        "title": "Search ads",
        "description": "Four weeks of search ads.",
        "start_date": dt.date(2026, 10, 5),
        "end_date": dt.date(2026, 10, 30),
        "planned_cost": D("500.00"),
    }
    with pytest.raises(ValidationError, match="no marketing funds allocated"):
        fund_request_submit(allocation=None, by=None, **fields)
    with pytest.raises(ValidationError, match="The activity is over already"):
        fund_request_submit(
            allocation=funds, by=None, today=dt.date(2026, 11, 1), **fields
        )
    with pytest.raises(ValidationError, match="ended on 2026-12-31"):
        fund_request_submit(
            allocation=funds, by=None, today=dt.date(2027, 1, 2), **fields
        )


def test_a_request_takes_the_currency_of_its_allocation_and_its_partner():
    partner = PartnerFactory()
    request = request_of(allocation(partner, currency="CNY"))

    assert request.currency == "CNY"
    assert request.partner == partner


def test_a_claim_above_the_approved_amount_is_refused_by_the_service():
    request = approved(allocation(PartnerFactory()), amount="600.00")
    claim = claim_of(request, actual_cost="900.00")

    with pytest.raises(ValidationError) as refused:
        fund_claim_decide(
            claim=claim, by=StaffFactory(), approve=True, amount=D("600.01")
        )

    assert "cannot be more than the 600.00 USD approved for the activity" in refusal(
        refused
    )
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == ("submitted", None)
    # Without an amount, the claim is approved at the actual cost up to the request.
    decided = fund_claim_decide(claim=claim, by=StaffFactory(), approve=True)
    assert decided.approved_amount == D("600.00")


def test_a_claim_is_not_approved_above_its_actual_cost():
    request = approved(allocation(PartnerFactory()), amount="1000.00")
    claim = claim_of(request, actual_cost="400.00")

    with pytest.raises(ValidationError) as refused:
        fund_claim_decide(
            claim=claim, by=StaffFactory(), approve=True, amount=D("500.00")
        )
    assert "more than the actual cost, 400.00 USD" in refusal(refused)
    assert fund_claim_decide(claim=claim, by=None, approve=True).approved_amount == D(
        "400.00"
    )


def test_the_database_holds_an_approved_claim_within_the_approved_request():
    request = approved(allocation(PartnerFactory()), amount="600.00")
    claim = claim_approved(request, amount="500.00")

    # Above the amount the claim is held to: the check constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        FundClaim.objects.filter(pk=claim.pk).update(approved_amount=D("600.01"))
    # The amount it is held to, raised: the composite foreign key.
    with pytest.raises(IntegrityError), transaction.atomic():
        FundClaim.objects.filter(pk=claim.pk).update(request_amount=D("900.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        FundClaim.objects.filter(pk=claim.pk).update(
            request_amount=D("900.00"), approved_amount=D("900.00")
        )
    # The request's amount changed under its claim: the foreign key again.
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(
            "UPDATE deals_fundrequest SET approved_amount = 900 WHERE id = %s",
            [request.pk],
        )
    claim.refresh_from_db()
    assert (claim.request_amount, claim.approved_amount) == (D("600.00"), D("500.00"))


def test_a_claim_needs_an_approved_request_after_its_activity_and_proof():
    funds = allocation(PartnerFactory())
    pending = request_of(funds)
    with pytest.raises(ValidationError, match="Only an approved request"):
        claim_of(pending)

    request = approved(funds)
    with pytest.raises(ValidationError, match="from 2026-11-03"):
        claim_of(request, today=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError) as no_files:
        claim_of(request, files=[])
    assert "Attach at least one proof" in refusal(no_files)
    with pytest.raises(ValidationError, match="were due by 2027-01-30"):
        claim_of(request, today=CLAIM_BY + dt.timedelta(days=1))

    claim_of(request, today=CLAIM_BY)
    with pytest.raises(ValidationError, match="has a claim already"):
        claim_of(request)


def test_a_rejected_claim_leaves_the_request_open_to_another():
    request = approved(allocation(PartnerFactory()))
    first = claim_of(request)
    with pytest.raises(ValidationError, match="Say why the claim is rejected"):
        fund_claim_decide(claim=first, by=StaffFactory(), approve=False)
    fund_claim_decide(
        claim=first, by=StaffFactory(), approve=False, reason="The invoice is unpaid."
    )

    second = claim_of(request, actual_cost="950.00")

    assert second.status == FundClaim.Status.SUBMITTED
    assert [c.status for c in request.claims.order_by("pk")] == [
        "rejected",
        "submitted",
    ]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("run.exe", b"MZ\x90\x00"),
            "“run.exe” cannot be attached: attach PDF files",
        ),
        (
            SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo"),
            "The content of “photo.jpg” is not what its extension says",
        ),
        (
            SimpleUploadedFile("attendees.csv", b"name\x00\x01"),
            "The content of “attendees.csv” is not what its extension says",
        ),
    ],
)
def test_proof_files_of_other_types_are_refused(upload, message):
    request = approved(allocation(PartnerFactory()))

    with pytest.raises(ValidationError) as refused:
        claim_of(request, files=[pdf(), upload])

    assert message in refusal(refused)
    assert not FundClaim.objects.exists()


def test_a_proof_file_above_the_size_limit_is_refused(settings):
    settings.MDF_PROOF_MAX_BYTES = 1024
    request = approved(allocation(PartnerFactory()))

    with pytest.raises(ValidationError) as refused:
        claim_of(request, files=[pdf("big.pdf", "x" * 2000)])

    assert "“big.pdf” is larger than the limit of 1.0 KB for one file" in refusal(
        refused
    )


def test_proof_files_are_kept_for_their_partner_only(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    partner = PartnerFactory()
    request = approved(allocation(partner))
    sheet = SimpleUploadedFile("参会名单.csv", "姓名,公司\n李伟,华东\n".encode())

    claim = claim_of(request, files=[pdf("invoice-77.pdf"), sheet])

    documents = [proof.document for proof in claim.proofs.all()]
    assert [d.title for d in documents] == ["invoice-77.pdf", "参会名单.csv"]
    for document in documents:
        assert document.access_level == AccessLevel.OWNER
        assert document.owner_partner == partner
        assert document.collection.name == "MDF proof"
        assert document.file_size and document.file_hash
    assert claim.request_amount == request.approved_amount


def test_unclaimed_approved_funds_expire_after_the_grace_and_each_expiry_is_kept():
    funds = allocation(PartnerFactory(), amount="9000.00")
    approved(funds, amount="1000.00", title="Unclaimed")
    partly = approved(funds, amount="2000.00", planned_cost="2000.00", title="Partly")
    claim_approved(partly, amount="1500.00", actual_cost="1500.00")
    in_full = approved(funds, amount="700.00", title="In full")
    claim_approved(in_full, amount="700.00", actual_cost="700.00")
    protected = approved(funds, amount="300.00", title="Pending claim")
    pending_claim = claim_of(protected, actual_cost="300.00")

    assert funds_expire(today=CLAIM_BY) == 0  # the last day claims are taken
    assert funds_expire(today=CLAIM_BY + dt.timedelta(days=1)) == 2

    expiries = {e.request.title: e.amount for e in FundExpiry.objects.all()}
    assert expiries == {"Unclaimed": D("1000.00"), "Partly": D("500.00")}
    statuses = dict(FundRequest.objects.values_list("title", "status"))
    assert statuses == {
        "Unclaimed": "expired",
        "Partly": "approved",
        "In full": "approved",
        "Pending claim": "approved",
    }
    # Run again, nothing more; the protecting claim decided, its rest expires.
    assert funds_expire(today=CLAIM_BY + dt.timedelta(days=2)) == 0
    fund_claim_decide(
        claim=pending_claim, by=StaffFactory(), approve=True, amount=D("250.00")
    )
    assert funds_expire(today=CLAIM_BY + dt.timedelta(days=3)) == 1
    assert FundExpiry.objects.get(request=protected).amount == D("50.00")
    expired_entry = ModelLogEntry.objects.filter(action="cplms.mdf.funds_expired")
    assert expired_entry.count() == 3
    balance = balance_of(funds)
    assert (balance.approved, balance.claimed, balance.expired) == (
        D("4000.00"),
        D("2450.00"),
        D("1550.00"),
    )


def test_the_grace_is_the_program_setting():
    settings = DealSettings.load()
    settings.mdf_grace_days = 0
    settings.save()
    request = approved(allocation(PartnerFactory()))

    with pytest.raises(ValidationError, match="were due by 2026-12-31"):
        claim_of(request, today=dt.date(2026, 12, 31) + dt.timedelta(days=1))
    assert funds_expire(today=dt.date(2027, 1, 1)) == 1


def test_the_nightly_task_expires_funds_of_periods_long_over():
    third_quarter = FundAllocation.objects.create(
        partner=PartnerFactory(),
        period="2026-Q3",
        period_start=dt.date(2026, 7, 1),
        period_end=dt.date(2026, 9, 30),
        currency="USD",
        amount=D("5000.00"),
    )
    request = approved(
        third_quarter,
        start_date=dt.date(2026, 8, 3),
        end_date=dt.date(2026, 8, 4),
        today=dt.date(2026, 7, 1),
    )

    result = deals_nightly.call()

    assert result["funds_expired"] == 1
    request.refresh_from_db()
    assert request.status == FundRequest.Status.EXPIRED
    assert request.expiry.amount == D("1000.00")
    with pytest.raises(ValidationError, match="expired"):
        claim_of(request)


def test_balances_add_up_each_figure_per_allocation_and_per_currency():
    partner = PartnerFactory()
    usd = allocation(partner, amount="10000.00")
    year = FundAllocation.objects.create(
        partner=partner,
        period="2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        currency="USD",
        amount=D("2000.00"),
    )
    cny = allocation(partner, amount="50000.00", currency="CNY")
    request_of(usd, planned_cost="400.00")  # awaiting a decision
    rejected = request_of(usd, planned_cost="999.00")
    fund_request_decide(request=rejected, by=None, approve=False, reason="No.")
    paid = claim_approved(approved(usd, amount="3000.00", planned_cost="3000.00"))
    fund_claim_pay(claim=paid, by=None, reference="PAY-1")
    claim_approved(approved(usd, amount="1000.00"), amount="800.00")
    approved(year, amount="500.00")
    approved(cny, amount="8000.00", planned_cost="8000.00")
    other = allocation(PartnerFactory(), amount="1.00")
    approved(other, amount="1.00", planned_cost="1.00")

    figures = {
        (b.allocation.period, b.currency): (
            b.allocated,
            b.requested,
            b.approved,
            b.claimed,
            b.paid,
            b.expired,
            b.remaining,
        )
        for b in balances(partner)
    }
    assert figures == {
        ("2026-Q4", "USD"): (
            D("10000.00"),
            D("400.00"),
            D("4000.00"),
            D("1700.00"),
            D("900.00"),
            D("0.00"),
            D("6000.00"),
        ),
        ("2026", "USD"): (D("2000.00"), 0, D("500.00"), 0, 0, 0, D("1500.00")),
        ("2026-Q4", "CNY"): (D("50000.00"), 0, D("8000.00"), 0, 0, 0, D("42000.00")),
    }
    totals = {
        b.currency: (b.allocated, b.approved, b.remaining)
        for b in currency_totals(partner)
    }
    assert totals == {
        "CNY": (D("50000.00"), D("8000.00"), D("42000.00")),
        "USD": (D("12000.00"), D("4500.00"), D("7500.00")),
    }


def test_balances_take_a_few_queries_whatever_the_number_of_requests(
    django_assert_num_queries,
):
    partner = PartnerFactory()
    for currency in ("USD", "EUR", "CNY"):
        funds = allocation(partner, currency=currency)
        for _ in range(3):
            claim_approved(
                approved(funds, amount="100.00", planned_cost="100.00"),
                actual_cost="100.00",
            )

    with django_assert_num_queries(1):
        assert len(balances(partner)) == 3
    with django_assert_num_queries(1):
        assert len(currency_totals(partner)) == 3


def test_allocations_are_set_and_changed_never_below_what_is_approved():
    partner = PartnerFactory()
    pm = StaffFactory()
    funds = allocation_set(
        partner=partner, period="2026-q3", currency="eur", amount=D("5000"), by=pm
    )
    assert (funds.period, funds.period_start, funds.period_end, funds.currency) == (
        "2026-Q3",
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
        "EUR",
    )
    FundRequest.objects.create(
        allocation=funds,
        partner=partner,
        activity_type="event",
        title="Roadshow",
        description="…",
        start_date=dt.date(2026, 8, 1),
        end_date=dt.date(2026, 8, 1),
        planned_cost=D("3000"),
        status="approved",
        approved_amount=D("3000"),
    )

    with pytest.raises(ValidationError) as too_low:
        allocation_set(
            partner=partner, period="2026-Q3", currency="EUR", amount=D("2999"), by=pm
        )
    with pytest.raises(ValidationError) as bad_period:
        allocation_set(
            partner=partner, period="2026-07", currency="EUR", amount=D("1"), by=pm
        )
    with pytest.raises(ValidationError) as bad_currency:
        allocation_set(
            partner=partner, period="2026", currency="EUROS", amount=D("1"), by=pm
        )

    assert "3,000.00 EUR is approved from this allocation already" in refusal(too_low)
    assert "“2026-07” is not a quarter or a year" in refusal(bad_period)
    assert "not an ISO 4217 currency code" in refusal(bad_currency)
    changed = allocation_set(
        partner=partner, period="2026-Q3", currency="EUR", amount=D("3000"), by=pm
    )
    assert changed.pk == funds.pk and changed.amount == D("3000")
    history = ModelLogEntry.objects.filter(action="cplms.mdf.allocation_set")
    assert [entry.data["to"] for entry in history.order_by("pk")] == ["5000", "3000"]
    assert history.filter(user=pm).count() == 2


def test_every_step_is_in_the_history_and_the_webhook_hears_approved_claims(
    django_capture_on_commit_callbacks,
):
    announced = []

    def hear(sender, name, data, **kwargs):
        announced.append((name, data))

    event_announced.connect(hear)
    try:
        partner = PartnerFactory(external_id="P-MDF")
        request = approved(allocation(partner), amount="600.00")
        claim = claim_approved(request, amount="550.00")
        fund_claim_pay(claim=claim, by=StaffFactory(), reference="SEPA-991")
    finally:
        event_announced.disconnect(hear)

    assert (
        "mdf.claim_approved",
        {
            "claim": claim.pk,
            "request": request.pk,
            "partner": "P-MDF",
            "amount": "550.00",
            "currency": "USD",
        },
    ) in announced
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {
        "cplms.mdf.request_submitted",
        "cplms.mdf.request_decided",
        "cplms.mdf.claim_submitted",
        "cplms.mdf.claim_decided",
        "cplms.mdf.claim_paid",
    } <= actions
    claim.refresh_from_db()
    assert (claim.status, claim.payment_reference) == ("paid", "SEPA-991")
    with pytest.raises(ValidationError, match="Only an approved claim"):
        fund_claim_pay(claim=claim, by=None, reference="again")


def test_staff_who_may_decide_hear_of_requests_and_requesters_of_decisions(
    django_capture_on_commit_callbacks,
):
    partner = PartnerFactory(name="Northwind")
    manager = mdf_staff(partner)
    UserProfile.objects.create(user=manager, preferred_language="zh-hans")
    program_manager = mdf_staff(every_partner=True)
    mdf_staff(PartnerFactory())  # another partner's account manager
    mdf_staff(partner, codenames=("view_fundrequest",))  # may not decide
    requester = marketer(partner)
    UserProfile.objects.create(user=requester, preferred_language="zh-hans")
    funds = allocation(partner)

    with django_capture_on_commit_callbacks(execute=True):
        request = request_of(funds, by=requester, title="Summit")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [manager.email, program_manager.email]
    )
    english = next(m for m in mail.outbox if m.to == [program_manager.email])
    assert english.subject == "Northwind requests 1,000.00 USD of marketing funds"
    assert f"/admin/mdf/requests/{request.pk}/" in english.body
    chinese = next(m for m in mail.outbox if m.to == [manager.email])
    assert "市场发展基金" in chinese.subject and "Northwind" in chinese.subject

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fund_request_decide(
            request=request, by=manager, approve=True, amount=D("800.00")
        )
    [decided] = mail.outbox
    assert decided.to == [requester.email]
    assert "批准" in decided.subject
    assert "批准 800.00 USD 市场发展基金" in " ".join(decided.body.split())
    assert f"/mdf/requests/{request.pk}/" in decided.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_of(request)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [manager.email, program_manager.email]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        fund_claim_decide(
            claim=claim, by=manager, approve=False, reason="发票金额与申请不符。"
        )
    [rejected] = mail.outbox
    assert rejected.to == [requester.email]
    assert "发票金额与申请不符。" in rejected.body
