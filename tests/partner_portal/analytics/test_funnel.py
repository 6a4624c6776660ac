"""The recruitment funnel against a hand-made cohort of applications in 2026-Q3.

Every moment is at midnight (UTC), so the days are whole; today is later than all.

| app | submitted | decided      | partner              | active | deal   | sale   |
| A   | 1 Jul     | approved 3/7 | Kite (EMEA cam silver) | 13 Jul | 23 Jul | 2 Aug  |
| B   | 10 Jul    | approved 14/7 | Lark (APAC)         | 20 Jul | 16 Jul¹ | 9 Aug² |
| C   | 1 Aug     | approved 7/8 | Moth (EMEA cam)      | 27 Aug | draft  | 1 Sep  |
| D   | 5 Aug     | approved 15/8 | Newt (EMEA)         | -      |        |        |
| E   | 1 Sep     | awaiting     | - (EMEA)             |        |        |        |
| F   | 2 Sep     | rejected 3/9 | - (APAC)             |        |        |        |
| G   | 20 Jun, before the period, approved: not in the cohort          |
| H   | 1 Oct, after the period: not in the cohort                      |
¹ while still onboarding; ² after a return on 25 Jul, which is no sale.

A step is reached at the latest of its moment and the step before's: B reaches
"first deal" when it becomes active (20 Jul, 0 days); C has no first deal, so its
sale does not count.

Program manager: applications A to F = 6; approved A to D = 4 (66.7%); active A to C = 3
(75.0%); first deal A, B = 2 (66.7%); first sale A, B = 2 (100.0%).
Median days: approved 2, 4, 6, 10 → 5.0; active 10, 6, 20 → 10.0; first deal 10, 0
→ 5.0; first sale 10 (23 Jul → 2 Aug), 20 (20 Jul → 9 Aug) → 15.0.

Account manager (Kite, Moth): A and C only, never E or F: 2, 2 (100.0%), 2 (100.0%),
1 (50.0%), 1 (100.0%); medians approved 2, 6 → 4.0; active 10, 20 → 15.0; first
deal 10.0; first sale 10.0.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse

import pytest

from partner_portal.analytics import sections
from partner_portal.analytics.scope import DashboardFilters
from partner_portal.deals.models import Deal
from partner_portal.partners.models import Application, Stage, StageChange
from tests.factories import PartnerFactory, SalesRecordFactory, tier

from .conftest import PERIOD, staff

DASHBOARD = reverse("analytics_dashboard")
SEES_ALL = ["view_partner", "view_application", "view_deal", "view_salesrecord"]


def midnight(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(0), tzinfo=dt.UTC)


def application(name, submitted, region="emea", **fields):
    made = Application.objects.create(
        company_name=name,
        legal_name=f"{name} Ltd",
        email_domain=f"{name.lower()}.example",
        country="DE",
        region=region,
        partner_type="reseller",
        revenue_band="under_1m",
        employee_count=10,
        contact_first_name="Ada",
        contact_last_name="Lovelace",
        contact_email=f"ada@{name.lower()}.example",
        **fields,
    )
    # `submitted_at` is set on creation: move it to the day of the story.
    Application.objects.filter(pk=made.pk).update(submitted_at=midnight(submitted))
    return made


def approved(name, submitted, decided, region="emea", active=None, **partner):
    recruit = PartnerFactory(
        name=name, region=region, stage=Stage.ONBOARDING, **partner
    )
    stage(recruit, Stage.ONBOARDING, decided)
    if active:
        stage(recruit, Stage.ACTIVE, active)
    application(
        name,
        submitted,
        region=region,
        status=Application.Status.APPROVED,
        reviewed_at=midnight(decided),
        partner=recruit,
    )
    return recruit


def stage(partner, to_stage, day):
    change = StageChange.objects.create(partner=partner, to_stage=to_stage)
    StageChange.objects.filter(pk=change.pk).update(changed_at=midnight(day))


def deal(partner, submitted=None):
    Deal.objects.create(
        partner=partner,
        customer_name=f"Customer of {partner.name} {Deal.objects.count()}",
        customer_key=f"customer {Deal.objects.count()}",
        country="DE",
        region="emea",
        estimated_value=Decimal("100.00"),
        currency="EUR",
        expected_close_date=dt.date(2026, 12, 31),
        status=Deal.Status.SUBMITTED if submitted else Deal.Status.DRAFT,
        submitted_at=midnight(submitted) if submitted else None,
    )


def sale(partner, day, amount="100.00"):
    SalesRecordFactory(partner=partner, date=dt.date.fromisoformat(day), amount=amount)


@pytest.fixture
def cohort(db):
    pm = staff("recruiter", *SEES_ALL)
    cam = staff("kam", "view_application", "view_deal", "view_salesrecord")
    kite = approved(
        "Kite", "2026-07-01", "2026-07-03", active="2026-07-13", account_manager=cam
    )
    kite.tier = tier("silver")
    kite.save(update_fields=["tier"])
    deal(kite, "2026-07-23")
    deal(kite, "2026-08-30")
    sale(kite, "2026-08-02")
    lark = approved(
        "Lark", "2026-07-10", "2026-07-14", region="apac", active="2026-07-20"
    )
    deal(lark, "2026-07-16")
    sale(lark, "2026-07-25", "-50.00")
    sale(lark, "2026-08-09")
    moth = approved(
        "Moth", "2026-08-01", "2026-08-07", active="2026-08-27", account_manager=cam
    )
    deal(moth)
    sale(moth, "2026-09-01")
    approved("Newt", "2026-08-05", "2026-08-15")
    application("Owl", "2026-09-01")
    application(
        "Pike",
        "2026-09-02",
        region="apac",
        status=Application.Status.REJECTED,
        reviewed_at=midnight("2026-09-03"),
    )
    approved("Quail", "2026-06-20", "2026-06-22", active="2026-06-30")
    application("Robin", "2026-10-01")
    return SimpleNamespace(pm=pm, cam=cam)


def funnel(user, **filters):
    form = DashboardFilters({**PERIOD, **filters}, user=user)
    assert form.is_valid(), form.errors
    built = sections.build(form.scope(), only="funnel")
    return built[0] if built else None


def steps(section):
    """{step: (applications, conversion %, median days)} from the section's table."""
    (table,) = section.tables
    return {name: (count, rate, days) for name, count, rate, days in table.rows}


D = Decimal


def test_the_funnel_follows_the_periods_applications_to_today(cohort):
    section = funnel(cohort.pm)

    assert steps(section) == {
        "Applications": (6, None, None),
        "Approved": (4, D("66.7"), D("5.0")),
        "Active": (3, D("75.0"), D("10.0")),
        "First deal": (2, D("66.7"), D("5.0")),
        "First sale": (2, D("100.0"), D("15.0")),
    }
    (chart,) = section.charts
    assert chart.kind == "funnel"
    assert list(chart.categories) == [
        "Applications",
        "Approved",
        "Active",
        "First deal",
        "First sale",
    ]
    assert list(chart.series[0].values) == [6, 4, 3, 2, 2]
    figures = {figure.label: figure for figure in section.figures}
    assert figures["Active"].value == 3
    assert figures["Active"].note == (
        "75.0% of the step before, a median 10.0 days after it."
    )


def test_an_account_manager_sees_only_their_partners_applications(cohort):
    section = funnel(cohort.cam)

    assert steps(section) == {
        "Applications": (2, None, None),
        "Approved": (2, D("100.0"), D("4.0")),
        "Active": (2, D("100.0"), D("15.0")),
        "First deal": (1, D("50.0"), D("10.0")),
        "First sale": (1, D("100.0"), D("10.0")),
    }
    assert any("awaiting review" in note for note in section.notes)


def test_filters_apply_to_the_partner_or_to_the_application_without_one(cohort):
    # Lark (APAC) and Pike's application (APAC, rejected: no partner).
    assert steps(funnel(cohort.pm, region="apac")) == {
        "Applications": (2, None, None),
        "Approved": (1, D("50.0"), D("4.0")),
        "Active": (1, D("100.0"), D("6.0")),
        "First deal": (1, D("100.0"), D("0.0")),
        "First sale": (1, D("100.0"), D("20.0")),
    }
    # Only a partner has a tier: Kite alone, and the section says why.
    silver = funnel(cohort.pm, tier="silver")
    assert [count for count, _rate, _days in steps(silver).values()] == [1] * 5
    assert any("Only approved applications" in note for note in silver.notes)


def test_without_the_deal_permission_the_funnel_leaves_the_first_deal_out(cohort):
    viewer = staff("salesonly", "view_partner", "view_application", "view_salesrecord")

    section = funnel(viewer)

    # Now Moth's sale counts: 13 Jul → 2 Aug 20, 20 Jul → 9 Aug 20, 27 Aug → 1 Sep 5.
    assert steps(section) == {
        "Applications": (6, None, None),
        "Approved": (4, D("66.7"), D("5.0")),
        "Active": (3, D("75.0"), D("10.0")),
        "First sale": (3, D("100.0"), D("20.0")),
    }
    assert any("deal registrations" in note for note in section.notes)


def test_staff_without_the_application_permission_get_no_funnel(cohort):
    viewer = staff("dealsonly", "view_partner", "view_deal", "view_salesrecord")

    assert funnel(viewer) is None


def test_a_period_without_applications_says_so(cohort):
    section = funnel(cohort.pm, label="2026-Q1")

    assert section.empty == "No application was submitted in this period."
    assert not section.tables


def test_the_dashboard_shows_the_funnel_and_exports_its_table(client, cohort):
    client.force_login(cohort.pm)

    page = client.get(DASHBOARD, PERIOD)

    assert page.status_code == 200
    assert 'id="section-funnel"' in page.text
    exported = client.get(
        DASHBOARD, {**PERIOD, "export": "funnel-conversion", "format": "csv"}
    )
    assert exported.status_code == 200
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[-1] == "First sale,2,100.0,15.0"
