"""The support section against hand-made tickets and survey answers in 2026-Q3 (the
conftest's channel: Alpha is the account manager's, Beta is not). Today is past
every target, so a ticket still unanswered (or unresolved) past it is overdue.

| ticket | partner | priority | opened | first response | resolution       | rating    |
| T1     | Alpha   | urgent   | 6 Jul  | on time        | on time          | 5, 7 Jul  |
| T2     | Alpha   | normal   | 3 Aug  | late           | late             | 2, 7 Aug  |
| T3     | Beta    | normal   | 1 Sep  | none, overdue  | none, overdue    |           |
| T4     | Beta    | normal   | 30 Jun | (not in Q3)    |                  | 4, 2 Jul  |
| T5     | Beta    | low      | 15 Sep | on time        | waiting, not due |           |

Opened in Q3: T1, T2, T3, T5 = 4.
First responses: on time T1, T5 of answered T1, T2, T5 and overdue T3: 2 of 4 = 50.0%.
Resolution: on time T1 of resolved T1, T2 and overdue T3 (T5's clock stopped before
its target): 1 of 3 = 33.3%.
Satisfaction: the ratings given in Q3, T4's too: (5 + 2 + 4) / 3 = 3.67.

Survey invitations sent in Q3: Alpha 10, 9, 5; Beta 7, 9 and one unanswered; a
Beta 0 sent in June does not count. 6 invited, 5 answered: promoters 3, passives
1, detractors 1: NPS 100 x (3 - 1) / 5 = 40.0.
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
from partner_portal.partners.models import User
from partner_portal.support.models import (
    Category,
    Rating,
    Survey,
    SurveyInvitation,
    Ticket,
)
from tests.factories import MembershipFactory, PartnerFactory, tier

from .conftest import PERIOD, staff

DASHBOARD = reverse("analytics_dashboard")


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day),
        dt.time(hour),
        tzinfo=timezone.get_current_timezone(),
    )


def ticket(partner, priority, opened, response_due, resolution_due, **moments):
    created = Ticket.objects.create(
        partner=partner,
        opened_by=MembershipFactory(partner=partner).user,
        category=Category.objects.get(code="technical"),
        priority=priority,
        subject="The tunnel drops",
        description="Every hour.",
        first_response_due=at(response_due),
        resolution_due=at(resolution_due),
        resolution_hours=Decimal("16.0"),
        **{name: at(day) for name, day in moments.items()},
    )
    Ticket.objects.filter(pk=created.pk).update(created_at=at(opened))
    return created


def rate(rated, score, day):
    rating = Rating.objects.create(ticket=rated, score=score)
    Rating.objects.filter(pk=rating.pk).update(at=at(day))


def invite(survey, partner, sent, score=None):
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        user=MembershipFactory(partner=partner).user,
        partner=partner,
        tier=tier("silver"),
        region=partner.region,
        score=score,
        answered_at=None if score is None else at(sent, 12),
    )
    SurveyInvitation.objects.filter(pk=invitation.pk).update(sent_at=at(sent))


@pytest.fixture
def support(channel):
    alpha, beta = channel.alpha, channel.beta
    t1 = ticket(
        alpha,
        "urgent",
        "2026-07-06",
        "2026-07-06",
        "2026-07-07",
        first_response_at="2026-07-06",
        resolved_at="2026-07-06",
    )
    rate(t1, 5, "2026-07-07")
    t2 = ticket(
        alpha,
        "normal",
        "2026-08-03",
        "2026-08-03",
        "2026-08-05",
        first_response_at="2026-08-04",
        resolved_at="2026-08-06",
    )
    rate(t2, 2, "2026-08-07")
    ticket(beta, "normal", "2026-09-01", "2026-09-01", "2026-09-03")
    t4 = ticket(
        beta,
        "normal",
        "2026-06-30",
        "2026-06-30",
        "2026-07-01",
        first_response_at="2026-06-30",
        resolved_at="2026-07-01",
    )
    rate(t4, 4, "2026-07-02")
    ticket(
        beta,
        "low",
        "2026-09-15",
        "2026-09-16",
        "2026-09-20",
        first_response_at="2026-09-15",
        waiting_since="2026-09-17",
    )

    survey = Survey.objects.create(title="Pulse 2026-Q3")
    for score in (10, 9, 5):
        invite(survey, alpha, "2026-07-20", score)
    for score in (7, 9, None):
        invite(survey, beta, "2026-08-10", score)
    invite(Survey.objects.create(title="Pulse 2026-Q2"), beta, "2026-06-20", 0)

    granted = Permission.objects.filter(
        codename__in=["view_ticket", "view_surveyinvitation"]
    )
    for user in (channel.pm, channel.cam):
        user.user_permissions.add(*granted)
    return SimpleNamespace(
        pm=User.objects.get(pk=channel.pm.pk), cam=User.objects.get(pk=channel.cam.pk)
    )


def support_section(user):
    form = DashboardFilters(PERIOD, user=user)
    assert form.is_valid(), form.errors
    (section,) = sections.build(form.scope(), only="support")
    return section


def figures(section) -> dict:
    return {figure.label: figure.value for figure in section.figures}


def test_volume_sla_compliance_satisfaction_and_nps(support):
    assert figures(support_section(support.pm)) == {
        "Tickets opened": 4,
        "First responses on time": Decimal("50.0"),
        "Resolved on time": Decimal("33.3"),
        "Satisfaction (1 to 5)": Decimal("3.67"),
        "Net Promoter Score": 40.0,
    }


def test_sla_targets_by_priority(support):
    section = support_section(support.pm)

    (table,) = [t for t in section.tables if t.id == "support-sla-targets"]
    # priority, opened, answered on time, not answered and overdue, %, resolved on
    # time, not resolved and overdue, %
    assert table.rows == [
        ["Urgent", 1, 1, 0, Decimal("100.0"), 1, 0, Decimal("100.0")],
        ["Normal", 2, 0, 1, Decimal("0.0"), 0, 1, Decimal("0.0")],
        ["Low", 1, 1, 0, Decimal("100.0"), 0, 0, None],
        ["All priorities", 4, 2, 1, Decimal("50.0"), 1, 1, Decimal("33.3")],
    ]
    (nps,) = [t for t in section.tables if t.id == "support-nps"]
    assert nps.rows == [[6, 5, 3, 1, 1, 40.0]]


def test_an_account_manager_sees_only_their_partners_support(support):
    """Alpha only: T1 and T2; responses 1 of 2 on time, resolutions 1 of 2;
    ratings 5 and 2; survey answers 10, 9, 5: 100 x (2 - 1) / 3 = 33.3."""
    assert figures(support_section(support.cam)) == {
        "Tickets opened": 2,
        "First responses on time": Decimal("50.0"),
        "Resolved on time": Decimal("50.0"),
        "Satisfaction (1 to 5)": Decimal("3.50"),
        "Net Promoter Score": 33.3,
    }


def test_staff_who_see_surveys_but_not_tickets_get_the_nps_only(support):
    marketing = staff("marketing", "view_partner", "view_surveyinvitation")

    section = support_section(marketing)

    assert figures(section) == {"Net Promoter Score": 40.0}
    assert [t.id for t in section.tables] == ["support-nps"]


def test_the_dashboard_shows_support_and_exports_its_chart(client, support):
    client.force_login(support.pm)

    response = client.get(DASHBOARD, PERIOD)

    assert response.status_code == 200
    assert "Net Promoter Score" in response.text
    exported = client.get(
        DASHBOARD, {**PERIOD, "export": "support-sla", "format": "csv"}
    )
    assert exported.status_code == 200
    assert "Urgent" in exported.content.decode("utf-8-sig")


def test_the_query_count_does_not_grow_with_the_partners(support):
    def queries():
        form = DashboardFilters(PERIOD, user=support.pm)
        assert form.is_valid()
        with CaptureQueriesContext(connection) as captured:
            sections.build(form.scope(), only="support")
        return len(captured)

    queries()  # settings and other per-process caches
    before = queries()
    survey = Survey.objects.create(title="More")
    for n in range(10):
        partner = PartnerFactory(name=f"More {n}", region="emea")
        rated = ticket(
            partner,
            "high",
            "2026-07-08",
            "2026-07-08",
            "2026-07-09",
            first_response_at="2026-07-08",
            resolved_at="2026-07-09",
        )
        rate(rated, 4, "2026-07-10")
        invite(survey, partner, "2026-07-20", 8)

    assert queries() == before
