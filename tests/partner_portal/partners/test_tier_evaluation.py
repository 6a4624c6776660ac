"""Tier evaluation: promotions at once, demotions after the grace period, explained."""

import datetime
from decimal import Decimal
from io import StringIO

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

import pytest

from partner_portal.partners import measures
from partner_portal.partners.measures import CERTIFIED_USERS, TRAILING_REVENUE, Measure
from partner_portal.partners.models import (
    Agreement,
    AgreementAcceptance,
    Partner,
    Stage,
    Tier,
    TierEvaluation,
    TierProgramSettings,
)
from partner_portal.partners.selectors import tier_progress
from partner_portal.partners.services import partner_create
from partner_portal.partners.tier_evaluation import tier_evaluate_all
from tests.factories import tier

DAY = datetime.date(2026, 3, 31)


@pytest.fixture
def figures(db, monkeypatch):
    """Revenue and certified-user figures per partner, served as registered measures."""
    values = {TRAILING_REVENUE: {}, CERTIFIED_USERS: {}}

    def serve(name):
        def compute(partner_ids, as_of, **params):
            return {pk: v for pk, v in values[name].items() if pk in partner_ids}

        return Measure(name, compute)

    for name in values:
        monkeypatch.setitem(measures._measures, name, serve(name))
    return values


@pytest.fixture
def requirements(db):
    for code, revenue in [
        ("silver", "50000"),
        ("gold", "100000"),
        ("platinum", "500000"),
    ]:
        Tier.objects.filter(code=code).update(min_trailing_revenue=Decimal(revenue))
    Tier.objects.filter(code="platinum").update(min_certified_users=3)


def make_partner(code="registered", stage=Stage.ACTIVE):
    return partner_create(
        by=None,
        external_id=f"EV-{code}",
        name=f"Evaluated {code}",
        country="DE",
        region="emea",
        partner_type="reseller",
        tier=tier(code),
        stage=stage,
        joined_on=datetime.date(2024, 1, 1),
    )


def reload(partner):
    return Partner.objects.get(pk=partner.pk)


def test_promotion_applies_at_once_and_is_explained(figures, requirements):
    partner = make_partner("registered")
    figures[TRAILING_REVENUE][partner.pk] = Decimal("150000.00")
    figures[CERTIFIED_USERS][partner.pk] = 1

    [evaluation] = tier_evaluate_all(as_of=DAY)

    assert evaluation.outcome == "promoted"
    assert reload(partner).tier.code == "gold"
    change = partner.tier_changes.get(tier__code="gold")
    assert change.effective_from == DAY
    platinum = {
        d["requirement"]: d for d in evaluation.details if d["tier"] == "platinum"
    }
    revenue = platinum["Trailing 12-month revenue (USD)"]
    assert (revenue["required"], revenue["actual"], revenue["met"]) == (
        "500000.00",
        "150000.00",
        False,
    )
    certified = platinum["Certified users"]
    assert (certified["required"], certified["actual"], certified["met"]) == (
        "3",
        "1",
        False,
    )


def test_demotion_waits_for_the_grace_period_with_the_partner_at_risk(
    figures, requirements
):
    partner = make_partner("gold")
    figures[TRAILING_REVENUE][partner.pk] = Decimal("60000")

    [first] = tier_evaluate_all(as_of=DAY)
    assert first.outcome == "grace"
    partner = reload(partner)
    assert (partner.tier.code, partner.stage) == ("gold", Stage.AT_RISK)
    due = DAY + datetime.timedelta(days=90)
    assert partner.demotion_due_on == due

    [middle] = tier_evaluate_all(as_of=DAY + datetime.timedelta(days=30))
    assert middle.outcome == "grace"
    assert reload(partner).tier.code == "gold"

    [last] = tier_evaluate_all(as_of=due)
    assert last.outcome == "demoted"
    partner = reload(partner)
    assert (partner.tier.code, partner.stage, partner.demotion_due_on) == (
        "silver",
        Stage.ACTIVE,
        None,
    )

    # Gold until the day before, silver from the day the grace period ended.
    history = list(
        partner.tier_changes.order_by("-effective_from", "-id").values_list(
            "tier__code", "effective_from"
        )
    )
    assert history[0] == ("silver", due)
    assert history[1][0] == "gold" and history[1][1] < due


def test_meeting_the_requirements_again_ends_the_grace_period(figures, requirements):
    partner = make_partner("gold")
    figures[TRAILING_REVENUE][partner.pk] = Decimal("60000")
    tier_evaluate_all(as_of=DAY)
    figures[TRAILING_REVENUE][partner.pk] = Decimal("120000")

    [evaluation] = tier_evaluate_all(as_of=DAY + datetime.timedelta(days=10))

    assert evaluation.outcome == "recovered"
    partner = reload(partner)
    assert (partner.tier.code, partner.stage, partner.demotion_due_on) == (
        "gold",
        Stage.ACTIVE,
        None,
    )


def test_required_agreement_must_be_accepted(figures, requirements):
    agreement = Agreement.objects.create(
        code="gold-terms", version=2, title="Gold terms"
    )
    tier("gold").required_agreements.add(agreement)
    partner = make_partner("registered")
    figures[TRAILING_REVENUE][partner.pk] = Decimal("150000")

    tier_evaluate_all(as_of=DAY)
    assert reload(partner).tier.code == "silver"

    AgreementAcceptance.objects.create(partner=partner, agreement=agreement)
    tier_evaluate_all(as_of=datetime.date.today())
    assert reload(partner).tier.code == "gold"


def test_dry_run_reports_and_changes_nothing(figures, requirements):
    partner = make_partner("registered")
    figures[TRAILING_REVENUE][partner.pk] = Decimal("150000")
    out = StringIO()

    call_command("evaluate_tiers", "--as-of", DAY.isoformat(), "--dry-run", stdout=out)

    assert "Dry run, nothing changed." in out.getvalue()
    assert "EV-registered Evaluated registered: Promoted" in out.getvalue()
    assert reload(partner).tier.code == "registered"
    assert not TierEvaluation.objects.exists()


def test_a_bad_date_is_a_clear_error(db):
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("evaluate_tiers", "--as-of", "31/03/2026")


def test_a_requirement_nobody_measures_is_a_clear_error(requirements, monkeypatch):
    monkeypatch.delitem(measures._measures, TRAILING_REVENUE, raising=False)
    make_partner("registered")
    with pytest.raises(ImproperlyConfigured, match="trailing_12_month_revenue"):
        tier_evaluate_all(as_of=DAY)


def test_partner_home_shows_the_gap_to_the_next_tier(client, figures, requirements):
    from tests.factories import MembershipFactory

    partner = make_partner("silver")
    figures[TRAILING_REVENUE][partner.pk] = Decimal("72500.50")
    client.force_login(MembershipFactory(partner=partner).user)

    response = client.get("/")

    assert "What it takes to reach Gold" in response.text
    assert "100,000.00" in response.text
    assert "72,500.50" in response.text


def test_the_tier_card_measures_only_what_the_next_tier_requires(
    requirements, django_assert_num_queries
):
    """The card shows the gap to the next tier, so only that tier's requirements are
    measured: gold's revenue, not platinum's certified users (the card took 7)."""
    partner = make_partner("silver")
    TierProgramSettings.load()

    with django_assert_num_queries(5):
        progress = tier_progress(partner, DAY)

    assert progress["next_tier"].code == "gold"
    assert [(row.tier, row.required, row.met) for row in progress["gap"]] == [
        ("gold", "100000.00", False)
    ]
