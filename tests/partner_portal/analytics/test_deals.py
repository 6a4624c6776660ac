"""The deals section against a hand-made set of registrations in 2026-Q3 (the
conftest's channel: Alpha, in CNY, is the account manager's; Beta, in USD, is not).

Decision SLA: 2 business days (the default); the working calendar works Monday to
Friday, and Wednesday 15 July 2026 is a holiday.

| deal | partner | submitted  | decided           | business days, SLA | now         |
| A1   | Alpha   | Mon 6 Jul  | Tue 7 Jul         | 1, on time         | approved    |
| A2   | Alpha   | Fri 10 Jul | Tue 14 Jul 09:00  | 2 (Mon, Tue), yes  | won 20 Aug  |
| A3   | Alpha   | Mon 13 Jul | Fri 17 Jul        | 3 (not Wed), late  | rejected    |
| A5   | Alpha   | 1 Sep      | 1 Sep (imported)  | no clock           | approved    |
| A4   | Alpha   | a draft    |                   |                    | draft       |
| B1   | Beta    | Mon 3 Aug  | Mon 3 Aug         | 0, on time         | lost 10 Sep |
| B2   | Beta    | Mon 28 Sep |                   |                    | awaiting    |
| B3   | Beta    | 1 Jun      | 2 Jun             | (not in Q3)        | approved    |

Registrations submitted in Q3: A1, A2, A3, A5, B1, B2 = 6.
Decisions in Q3: approved A1, A2, A5, B1 (won and lost were approved) and rejected
A3: 4 of 5 = 80.0%; of the 4 with a clock, on time A1, A2, B1 = 3.
Business days 0, 1, 2, 3: the median is (1 + 2) / 2 = 1.5.
Closed in Q3: A2 won, B1 lost: 1 of 2 = 50.0%.
Pipeline today: CNY approved A1 1,000.00 + A5 2,000.00 = 3,000.00 (2), none awaiting;
USD approved B3 300.00 (1), awaiting B2 700.00 (1).
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
from partner_portal.deals.models import Deal, DealEvent, LostReason
from partner_portal.partners.models import User
from partner_portal.workdays.calendar import add_business_days
from partner_portal.workdays.models import Holiday
from tests.factories import PartnerFactory

from .conftest import PERIOD, staff

DASHBOARD = reverse("analytics_dashboard")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day),
        dt.time(hour),
        tzinfo=timezone.get_current_timezone(),
    )


def deal(partner, status, value, currency, submitted=None, decided=None, **fields):
    submitted_at = at(submitted) if submitted else None
    clocked = fields.pop("clocked", True)
    return Deal.objects.create(
        partner=partner,
        customer_name=f"Customer of {partner.name} {Deal.objects.count()}",
        customer_key=f"customer {Deal.objects.count()}",
        country="CN",
        region="greater_china",
        estimated_value=Decimal(value),
        currency=currency,
        expected_close_date=dt.date(2026, 12, 31),
        status=status,
        submitted_at=submitted_at,
        decision_due=add_business_days(submitted_at, 2)
        if submitted_at and clocked
        else None,
        decided_at=decided,
        protected_until=dt.date(2026, 12, 31)
        if status == Deal.Status.APPROVED
        else None,
        **fields,
    )


def closed(registration, action, day):
    event = DealEvent.objects.create(
        deal=registration, action=action, status=registration.status
    )
    DealEvent.objects.filter(pk=event.pk).update(at=at(day))


@pytest.fixture
def deals(channel):
    alpha, beta = channel.alpha, channel.beta
    Holiday.objects.create(date=dt.date(2026, 7, 15), name="A day off")
    reason = LostReason.objects.get_or_create(name="Price")[0]
    deal(alpha, Deal.Status.APPROVED, "1000.00", "CNY", "2026-07-06", at("2026-07-07"))
    won = deal(
        alpha,
        Deal.Status.WON,
        "1500.00",
        "CNY",
        "2026-07-10",
        at("2026-07-14", 9),
        final_value=Decimal("1200.00"),
    )
    closed(won, DealEvent.Action.WON, "2026-08-20")
    deal(alpha, Deal.Status.REJECTED, "800.00", "CNY", "2026-07-13", at("2026-07-17"))
    deal(alpha, Deal.Status.DRAFT, "900.00", "CNY")
    imported = at("2026-09-01")
    deal(
        alpha,
        Deal.Status.APPROVED,
        "2000.00",
        "CNY",
        "2026-09-01",
        imported,
        clocked=False,
    )
    lost = deal(
        beta,
        Deal.Status.LOST,
        "500.00",
        "USD",
        "2026-08-03",
        at("2026-08-03", 15),
        lost_reason=reason,
    )
    closed(lost, DealEvent.Action.LOST, "2026-09-10")
    deal(beta, Deal.Status.SUBMITTED, "700.00", "USD", "2026-09-28")
    deal(beta, Deal.Status.APPROVED, "300.00", "USD", "2026-06-01", at("2026-06-02"))
    for user in (channel.pm, channel.cam):
        user.user_permissions.add(Permission.objects.get(codename="view_deal"))
    return SimpleNamespace(
        pm=User.objects.get(pk=channel.pm.pk), cam=User.objects.get(pk=channel.cam.pk)
    )


def deals_section(user, **filters):
    form = DashboardFilters({**PERIOD, **filters}, user=user)
    assert form.is_valid(), form.errors
    (section,) = sections.build(form.scope(), only="deals")
    return section


def figures(section) -> dict:
    return {figure.label: figure for figure in section.figures}


def test_registrations_approval_and_win_rates(deals):
    found = figures(deals_section(deals.pm))

    assert found["Registrations submitted"].value == 6
    assert found["Approval rate"].value == Decimal("80.0")
    assert found["Approval rate"].note == "4 approved of 5 decided in the period."
    assert found["Win rate"].value == Decimal("50.0")


def test_median_decision_time_counts_business_days_of_the_working_calendar(deals):
    section = deals_section(deals.pm)
    median = figures(section)["Median decision time (business days)"]

    assert median.value == Decimal("1.5")
    assert median.note == "The SLA is 2 business days; 3 of 4 decisions met it."
    (chart,) = [c for c in section.charts if c.id == "deals-decision-days"]
    # A3 took 3 business days: the holiday on Wednesday does not count.
    assert list(chart.series[0].values) == [1, 1, 1, 1, 0, 0]


def test_registrations_by_status(deals):
    section = deals_section(deals.pm)

    (chart,) = [c for c in section.charts if c.id == "deals-status"]
    assert dict(zip(chart.categories, chart.series[0].values, strict=True)) == {
        "Awaiting decision": 1,
        "Approved": 2,
        "Rejected": 1,
        "Won": 1,
        "Lost": 1,
    }


def test_the_pipeline_is_given_per_currency(deals):
    section = deals_section(deals.pm)

    (table,) = section.tables
    assert table.rows == [
        ["CNY", 2, Decimal("3000.00"), 0, Decimal("0.00")],
        ["USD", 1, Decimal("300.00"), 1, Decimal("700.00")],
    ]
    found = figures(section)
    assert found["Approved pipeline (CNY)"].value == Decimal("3000.00")
    assert found["Approved pipeline (USD)"].value == Decimal("300.00")


def test_an_account_manager_sees_only_their_partners_registrations(deals):
    """Alpha only: A1, A2, A3, A5 submitted; approved A1, A2, A5 of 4 decided;
    A2 won, nothing lost; business days 1, 2, 3: median 2."""
    section = deals_section(deals.cam)
    found = figures(section)

    assert found["Registrations submitted"].value == 4
    assert found["Approval rate"].value == Decimal("75.0")
    assert found["Win rate"].value == Decimal("100.0")
    assert found["Median decision time (business days)"].value == Decimal("2.0")
    assert [row[0] for row in section.tables[0].rows] == ["CNY"]


def test_staff_without_the_deal_permission_get_no_section(channel):
    form = DashboardFilters(PERIOD, user=staff("viewer", "view_partner"))
    assert form.is_valid()

    assert sections.build(form.scope(), only="deals") == []


def test_the_dashboard_shows_the_deals_and_exports_the_pipeline(client, deals):
    client.force_login(deals.pm)

    response = client.get(DASHBOARD, PERIOD)

    assert response.status_code == 200
    assert "Deal registrations" in response.text
    assert "3,000.00" in response.text
    exported = client.get(
        DASHBOARD, {**PERIOD, "export": "deals-pipeline", "format": "csv"}
    )
    assert exported.status_code == 200
    assert "USD" in exported.content.decode("utf-8-sig")


def test_the_query_count_does_not_grow_with_the_partners(deals):
    def queries():
        form = DashboardFilters(PERIOD, user=deals.pm)
        assert form.is_valid()
        with CaptureQueriesContext(connection) as captured:
            sections.build(form.scope(), only="deals")
        return len(captured)

    queries()  # settings and other per-process caches
    before = queries()
    for n in range(10):
        partner = PartnerFactory(name=f"More {n}")
        deal(
            partner,
            Deal.Status.APPROVED,
            "10.00",
            "EUR",
            "2026-07-06",
            at("2026-07-08"),
        )
        deal(partner, Deal.Status.SUBMITTED, "20.00", "GBP", "2026-08-03")

    assert queries() == before
