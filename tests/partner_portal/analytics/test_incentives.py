"""The incentives section against hand-made statements, MDF and sales in 2026-Q3
(the conftest's channel: Alpha is the account manager's; revenue in Q3 is 1,400.00
CNY (Alpha 1,300.00, Beta 100.00) and 300.00 USD (Beta)).

Statements (their period ends in Q3 unless said):
- Alpha, CNY: 2026-07 paid 100.00; 2026-08 issued 50.00; its adjustment, a draft,
  -10.00; 2026-06 paid 999.00 (ends in June: not counted).
- Beta: CNY 2026-09 approved 5.00; USD 2026-Q3 issued 30.00.
CNY: accrued 100 + 50 - 10 + 5 = 145.00 (10.36% of 1,400), issued 150.00 (10.71%),
paid 100.00 (7.14%). USD: accrued and issued 30.00 (10.00% of 300), paid 0.00.

MDF allocations overlapping Q3: Alpha 2026-Q3 10,000.00 CNY, Beta 2026 5,000.00 USD
(Alpha's 2026-Q2 3,000.00 CNY and Beta's 2026-Q4 do not overlap).
- Alpha Q3: R1 approved 4,000.00 (ended 20 Jul), claim paid 3,500.00 on 15 Aug;
  R2 approved 2,000.00, claim approved 1,500.00 (unpaid); R3 approved 1,000.00,
  expired 1,000.00; R4 awaiting (500.00).
  CNY: allocated 10,000, approved 7,000, claimed 5,000, paid 3,500, expired 1,000.
- Alpha Q2: R5 approved 3,000.00 (ended 10 Jun), claim paid 2,000.00 on 5 Jul.
- Beta 2026: R6 approved 1,000.00 (ended 31 Mar), claim paid 800.00 on 1 Sep.
  USD: allocated 5,000, approved 1,000, claimed 800, paid 800, expired 0.

MDF return of the claims paid in Q3 (R1, R5: CNY; R6: USD), the two quarters after
each activity's quarter:
- CNY, paid 3,500 + 2,000 = 5,500.00. R5 (Q2) counts Q3 and Q4 2026; R1 (Q3) counts
  Q4 2026 and Q1 2027. Alpha's CNY sales: Q3 1,300.00, 15 Oct 4,000.00 (follows
  both, counted once), 20 Jan 2027 600.00; not 10 Apr 2027 999.00 (Q2 2027) nor
  its 50.00 USD on 20 Oct (another currency). 5,900.00: 5,900 / 5,500 = 1.07.
- USD, paid 800.00. R6 (Q1) counts Q2 and Q3 2026: Beta's USD 200.00 on 10 May and
  300.00 on 15 Jul; not 1,000.00 on 15 Mar (the activity's own quarter) nor its
  CNY 100.00. 500.00: 500 / 800 = 0.625, 0.63 rounded half up.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from partner_portal.analytics import sections
from partner_portal.analytics.scope import DashboardFilters
from partner_portal.deals.models import (
    FundAllocation,
    FundClaim,
    FundExpiry,
    FundRequest,
)
from partner_portal.incentives.models import Program, Statement
from partner_portal.partners.models import User
from tests.factories import PartnerFactory, tier

from .conftest import PERIOD, sale, staff

D = Decimal


def decimals(numbers: str) -> list[Decimal]:
    return [Decimal(number) for number in numbers.split()]


DASHBOARD = reverse("analytics_dashboard")
PERMISSIONS = (
    "view_statement",
    "view_fundallocation",
    "view_fundrequest",
    "view_fundclaim",
)


def statement(partner, program, period, first, last, status, total, sequence=0):
    return Statement.objects.create(
        partner=partner,
        program=program,
        period=period,
        period_start=dt.date.fromisoformat(first),
        period_end=dt.date.fromisoformat(last),
        kind=Statement.Kind.ADJUSTMENT if sequence else Statement.Kind.STATEMENT,
        sequence=sequence,
        currency=program.currency,
        tier=tier("gold"),
        status=status,
        total=D(total),
        computed_at=timezone.now(),
    )


def program(code, currency):
    return Program.objects.create(
        code=code,
        name=code,
        kind="rebate",
        currency=currency,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        period="month",
    )


def allocation(partner, period, first, last, currency, amount):
    return FundAllocation.objects.create(
        partner=partner,
        period=period,
        period_start=dt.date.fromisoformat(first),
        period_end=dt.date.fromisoformat(last),
        currency=currency,
        amount=D(amount),
    )


def request(of, approved, ended, status=FundRequest.Status.APPROVED):
    ended = dt.date.fromisoformat(ended)
    return FundRequest.objects.create(
        allocation=of,
        partner=of.partner,
        activity_type="event",
        title="Summit",
        description="A day with customers.",
        start_date=ended - dt.timedelta(days=1),
        end_date=ended,
        planned_cost=D(approved),
        status=status,
        approved_amount=None if status == FundRequest.Status.SUBMITTED else D(approved),
    )


def claim(of, amount, paid_on=None):
    return FundClaim.objects.create(
        request=of,
        partner=of.partner,
        request_amount=of.approved_amount,
        actual_cost=D(amount),
        status=FundClaim.Status.PAID if paid_on else FundClaim.Status.APPROVED,
        approved_amount=D(amount),
        paid_at=dt.datetime.combine(
            dt.date.fromisoformat(paid_on),
            dt.time(12),
            tzinfo=timezone.get_current_timezone(),
        )
        if paid_on
        else None,
    )


@pytest.fixture
def incentives(channel):
    alpha, beta = channel.alpha, channel.beta
    cny, usd = program("rebate-cny", "CNY"), program("rebate-usd", "USD")
    statement(alpha, cny, "2026-07", "2026-07-01", "2026-07-31", "paid", "100.00")
    statement(alpha, cny, "2026-08", "2026-08-01", "2026-08-31", "issued", "50.00")
    statement(
        alpha, cny, "2026-08", "2026-08-01", "2026-08-31", "draft", "-10.00", sequence=1
    )
    statement(alpha, cny, "2026-06", "2026-06-01", "2026-06-30", "paid", "999.00")
    statement(beta, cny, "2026-09", "2026-09-01", "2026-09-30", "approved", "5.00")
    statement(beta, usd, "2026-Q3", "2026-07-01", "2026-09-30", "issued", "30.00")

    q3 = allocation(alpha, "2026-Q3", "2026-07-01", "2026-09-30", "CNY", "10000.00")
    claim(request(q3, "4000.00", "2026-07-20"), "3500.00", paid_on="2026-08-15")
    claim(request(q3, "2000.00", "2026-08-30"), "1500.00")
    expired = request(q3, "1000.00", "2026-08-01", FundRequest.Status.EXPIRED)
    FundExpiry.objects.create(request=expired, amount=D("1000.00"))
    request(q3, "500.00", "2026-09-20", FundRequest.Status.SUBMITTED)
    q2 = allocation(alpha, "2026-Q2", "2026-04-01", "2026-06-30", "CNY", "3000.00")
    claim(request(q2, "3000.00", "2026-06-10"), "2000.00", paid_on="2026-07-05")
    year = allocation(beta, "2026", "2026-01-01", "2026-12-31", "USD", "5000.00")
    claim(request(year, "1000.00", "2026-03-31"), "800.00", paid_on="2026-09-01")
    allocation(beta, "2026-Q4", "2026-10-01", "2026-12-31", "USD", "1000.00")

    sale(alpha, dt.date(2026, 10, 15), "CLOUD-PRO", "4000.00", "CNY")
    sale(alpha, dt.date(2027, 1, 20), "CLOUD-PRO", "600.00", "CNY")
    sale(alpha, dt.date(2027, 4, 10), "CLOUD-PRO", "999.00", "CNY")
    sale(alpha, dt.date(2026, 10, 20), "CLOUD-PRO", "50.00", "USD")
    sale(beta, dt.date(2026, 5, 10), "SUPPORT-24", "200.00", "USD")
    sale(beta, dt.date(2026, 3, 15), "SUPPORT-24", "1000.00", "USD")

    granted = Permission.objects.filter(codename__in=PERMISSIONS)
    for user in (channel.pm, channel.cam):
        user.user_permissions.add(*granted)
    return SimpleNamespace(
        pm=User.objects.get(pk=channel.pm.pk), cam=User.objects.get(pk=channel.cam.pk)
    )


def incentives_section(user):
    form = DashboardFilters(PERIOD, user=user)
    assert form.is_valid(), form.errors
    (section,) = sections.build(form.scope(), only="incentives")
    return section


def table(section, table_id):
    (found,) = [t for t in section.tables if t.id == table_id]
    return found.rows


def test_accrued_issued_and_paid_against_revenue_per_currency(incentives):
    section = incentives_section(incentives.pm)

    assert table(section, "incentives-statements") == [
        # currency, revenue, accrued, %, issued, %, paid, %
        ["CNY", *decimals("1400.00 145.00 10.36 150.00 10.71 100.00 7.14")],
        ["USD", *decimals("300.00 30.00 10.00 30.00 10.00 0.00 0.00")],
    ]
    figures = {figure.label: figure for figure in section.figures}
    assert figures["Incentives accrued (CNY)"].value == D("145.00")
    assert figures["Incentives accrued (CNY)"].note == "10.36% of the revenue in CNY."


def test_mdf_allocated_approved_claimed_paid_and_expired_per_currency(incentives):
    section = incentives_section(incentives.pm)

    assert table(section, "incentives-mdf") == [
        ["CNY", D("10000.00"), D("7000.00"), D("5000.00"), D("3500.00"), D("1000.00")],
        ["USD", D("5000.00"), D("1000.00"), D("800.00"), D("800.00"), D("0.00")],
    ]
    (chart,) = [c for c in section.charts if c.id == "incentives-mdf-usd"]
    assert chart.currency == "USD"
    assert list(chart.series[0].values) == [
        D("5000.00"),
        D("1000.00"),
        D("800.00"),
        D("800.00"),
        D("0.00"),
    ]


def test_mdf_return_counts_the_two_quarters_after_each_activity(incentives):
    section = incentives_section(incentives.pm)

    assert table(section, "incentives-mdf-return") == [
        ["CNY", 2, D("5500.00"), D("5900.00"), D("1.07")],
        ["USD", 1, D("800.00"), D("500.00"), D("0.63")],
    ]
    figures = {figure.label: figure for figure in section.figures}
    assert figures["MDF return (USD)"].value == D("0.63")


def test_an_account_manager_sees_only_their_partners_incentives(incentives):
    """Alpha only: accrued 140.00 of its 1,300.00 (10.77%), issued 150.00 (11.54%),
    paid 100.00 (7.69%); only the CNY funds and return."""
    section = incentives_section(incentives.cam)

    assert table(section, "incentives-statements") == [
        ["CNY", *decimals("1300.00 140.00 10.77 150.00 11.54 100.00 7.69")],
    ]
    assert [row[0] for row in table(section, "incentives-mdf")] == ["CNY"]
    assert table(section, "incentives-mdf-return") == [
        ["CNY", 2, D("5500.00"), D("5900.00"), D("1.07")]
    ]


def test_without_sales_nothing_is_compared_with_revenue(channel, incentives):
    finance = staff("finance", "view_partner", *PERMISSIONS)

    section = incentives_section(finance)

    assert table(section, "incentives-statements")[0][:3] == ["CNY", None, D("145.00")]
    assert [t.id for t in section.tables] == [
        "incentives-statements",
        "incentives-mdf",
    ]
    assert section.notes == [
        "You may not see sales, so nothing here is compared with revenue."
    ]


def test_the_dashboard_shows_the_incentives_and_exports_the_mdf(client, incentives):
    client.force_login(incentives.pm)

    response = client.get(DASHBOARD, PERIOD)

    assert response.status_code == 200
    assert "5,900.00" in response.text
    exported = client.get(
        DASHBOARD, {**PERIOD, "export": "incentives-mdf", "format": "xlsx"}
    )
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


def test_the_query_count_does_not_grow_with_the_partners(incentives):
    """Ten more partners, each with a statement, an allocation and a paid claim in
    a currency of their own, cost no more queries."""

    def queries():
        form = DashboardFilters(PERIOD, user=incentives.pm)
        assert form.is_valid()
        with CaptureQueriesContext(connection) as captured:
            sections.build(form.scope(), only="incentives")
        return len(captured)

    queries()  # settings and other per-process caches
    before = queries()
    eur = program("rebate-eur", "EUR")
    for n in range(10):
        partner = PartnerFactory(name=f"More {n}")
        statement(partner, eur, "2026-07", "2026-07-01", "2026-07-31", "paid", "9.00")
        q3 = allocation(partner, "2026-Q3", "2026-07-01", "2026-09-30", "EUR", "900")
        claim(request(q3, "100.00", "2026-07-10"), "90.00", paid_on="2026-08-01")
        sale(partner, dt.date(2026, 10, 1), "CLOUD-PRO", "300.00", "EUR")

    assert queries() == before
