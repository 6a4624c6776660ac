"""The demo's marketing funds: this quarter's allocations, and requests in every
state for two demo partners, made through the services; a second run adds none."""

import io

from django.utils import timezone

import pytest

from partner_portal.deals.mdf_demo import seed_mdf
from partner_portal.deals.mdf_selectors import balance_of
from partner_portal.deals.models import FundAllocation, FundClaim, FundRequest
from partner_portal.incentives.models import PeriodKind
from partner_portal.incentives.periods import label_for
from partner_portal.partners.demo import seed_partners
from partner_portal.partners.models import AccessLevel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_has_funds_in_every_state_and_a_second_run_adds_none():
    seed_partners(stdout=io.StringIO())
    out = io.StringIO()

    seed_mdf(stdout=out)

    quarter = label_for(PeriodKind.QUARTER, timezone.localdate())
    assert set(FundAllocation.objects.values_list("period", flat=True)) == {quarter}
    assert FundAllocation.objects.count() == 5
    northwind = FundRequest.objects.filter(partner__external_id="P-1001")
    assert sorted(northwind.values_list("status", flat=True)) == [
        "approved",
        "approved",
        "approved",
        "submitted",
    ]
    waiting = FundClaim.objects.filter(status=FundClaim.Status.SUBMITTED)
    assert waiting.count() == 2
    for claim in waiting:
        [proof] = claim.proofs.all()
        assert proof.document.access_level == AccessLevel.OWNER
        assert proof.document.owner_partner == claim.partner
        assert proof.document.file.read(4) == b"%PDF"
    paid = FundClaim.objects.get(status=FundClaim.Status.PAID)
    assert paid.payment_reference.startswith("PAY-DEMO-")
    balance = balance_of(paid.request.allocation)
    assert balance.paid == paid.approved_amount
    assert balance.remaining == balance.allocated - balance.approved > 0
    assert "MDF: 5 allocations" in out.getvalue()

    seed_mdf(stdout=out)

    assert FundRequest.objects.count() == 6
    assert "no demo funds added" in out.getvalue()
