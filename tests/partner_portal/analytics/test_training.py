"""The training section against hand-made enrolments and awards of the conftest's
channel (Alpha is the account manager's, Beta is not), in 2026-Q3.

Enrolments (course passes):
| pass | user     | enrolled | completed |
| E1   | a1 Alpha | 20 Jun   | 5 Jul     |
| E2   | a2 Alpha | 10 Jul   | 12 Aug    |
| E3   | a1 Alpha | 20 Aug   | -         |
| E4   | b1 Beta  | 3 Sep    | 2 Oct     |
| E5   | b1 Beta  | 1 May    | -         |
Enrolments in Q3: E2, E3, E4 = 3 (July 1, August 1, September 1); completions
E1, E2 = 2 (July 1, August 1). Alpha alone: 2 and 2.

Awards, their expiry counted from today (T):
| award | user     | issued   | expires  | note                          |
| W1    | a1 Alpha | 1 Jan 26 | T + 20   |                               |
| W2    | a1 Alpha | 1 Feb 26 | T + 45   |                               |
| W3    | a2 Alpha | 1 Mar 26 | T + 80   |                               |
| W4    | b1 Beta  | 1 Mar 26 | T + 85   |                               |
| W5    | b2 Beta  | 1 Jan 26 | 15 Sep 26| expired before the period ends |
| W6    | b1 Beta  | 1 Jan 26 | T + 10   | revoked 1 Nov 26              |
| W7    | a2 Alpha | 15 Oct 26| T + 25   | issued after the period       |
Certified users on 30 September (the period's last day): a1, a2, b1 = 3 (Alpha 2).
Expiring within 30 days: W1, W7 = 2; 60: + W2 = 3; 90: + W3, W4 = 5 (W6 is revoked).
Alpha alone: 2, 3, 4.
"""

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site

import pytest

from learning.models import (
    Certification,
    CertificationAward,
    CourseIndexPage,
    CoursePage,
    Enrolment,
)
from partner_portal.analytics import sections
from partner_portal.analytics.scope import DashboardFilters
from partner_portal.partners.models import AccessLevel
from tests.factories import MembershipFactory

from .conftest import PERIOD, staff

DASHBOARD = reverse("analytics_dashboard")
TRAINING = ["view_enrolment", "view_certificationaward"]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def moment(text: str) -> dt.datetime:
    return dt.datetime.combine(day(text), dt.time(9), tzinfo=dt.UTC)


def course(index, code):
    page = CoursePage(
        title=f"Course {code}",
        slug=code,
        code=code,
        summary="A course.",
        access_level=AccessLevel.PARTNER,
        questions=[],
    )
    index.add_child(instance=page)
    return page


def enrol(user, partner, course, enrolled, completed=None):
    made = Enrolment.objects.create(
        user=user,
        partner=partner,
        course=course,
        completed_at=moment(completed) if completed else None,
    )
    Enrolment.objects.filter(pk=made.pk).update(enrolled_at=moment(enrolled))


def award(user, partner, certification, issued, expires, **fields):
    CertificationAward.objects.create(
        user=user,
        partner=partner,
        certification=certification,
        issued_at=issued,
        expires_at=expires,
        **fields,
    )


@pytest.fixture
def training(channel):
    alpha, beta = channel.alpha, channel.beta
    trainer = staff("trainer", "view_partner", *TRAINING)
    channel.cam.user_permissions.add(*Permission.objects.filter(codename__in=TRAINING))
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage(title="Academy", slug="academy-analytics")
    root.add_child(instance=index)
    first, second = course(index, "net-101"), course(index, "net-201")
    a1, a2 = (MembershipFactory(partner=alpha).user for _n in range(2))
    b1, b2 = (MembershipFactory(partner=beta).user for _n in range(2))
    enrol(a1, alpha, first, "2026-06-20", "2026-07-05")
    enrol(a2, alpha, first, "2026-07-10", "2026-08-12")
    enrol(a1, alpha, first, "2026-08-20")
    enrol(b1, beta, first, "2026-09-03", "2026-10-02")
    enrol(b1, beta, second, "2026-05-01")
    p = Certification.objects.create(code="p", name="Professional")
    q = Certification.objects.create(code="q", name="Specialist")
    today = timezone.localdate()

    def later(days):
        return today + dt.timedelta(days)

    award(a1, alpha, p, day("2026-01-01"), later(20))
    award(a1, alpha, q, day("2026-02-01"), later(45))
    award(a2, alpha, p, day("2026-03-01"), later(80))
    award(b1, beta, p, day("2026-03-01"), later(85))
    award(b2, beta, p, day("2026-01-01"), day("2026-09-15"))
    award(b1, beta, q, day("2026-01-01"), later(10), revoked_on=day("2026-11-01"))
    award(a2, alpha, q, day("2026-10-15"), later(25))
    return SimpleNamespace(trainer=trainer, cam=channel.cam, pm=channel.pm)


def training_section(user, **filters):
    form = DashboardFilters({**PERIOD, **filters}, user=user)
    assert form.is_valid(), form.errors
    built = sections.build(form.scope(), only="training")
    return built[0] if built else None


def figures(section) -> dict:
    return {figure.label: figure.value for figure in section.figures}


def test_enrolments_completions_certified_users_and_expiring(training):
    section = training_section(training.trainer)

    assert figures(section) == {
        "Enrolments": 3,
        "Completions": 2,
        "Certified users": 3,
        "Expiring within 30 days": 2,
        "Expiring within 60 days": 3,
        "Expiring within 90 days": 5,
    }
    charts = {chart.id: chart for chart in section.charts}
    monthly = charts["training-month"]
    enrolled, completed = monthly.series
    assert list(enrolled.values) == [1, 1, 1]
    assert list(completed.values) == [1, 1, 0]
    assert list(charts["training-expiring"].series[0].values) == [2, 3, 5]


def test_an_account_manager_sees_only_their_partners_training(training):
    assert figures(training_section(training.cam)) == {
        "Enrolments": 2,
        "Completions": 2,
        "Certified users": 2,
        "Expiring within 30 days": 2,
        "Expiring within 60 days": 3,
        "Expiring within 90 days": 4,
    }


def test_filters_narrow_the_training_figures(training):
    section = training_section(training.trainer, region="emea")

    assert figures(section)["Enrolments"] == 1
    assert figures(section)["Certified users"] == 1
    assert figures(section)["Expiring within 90 days"] == 1


def test_staff_see_only_what_their_permissions_cover(training):
    # The conftest's program manager may see sales but neither enrolments nor awards.
    assert training_section(training.pm) is None

    awards_only = staff("auditor", "view_partner", "view_certificationaward")
    assert set(figures(training_section(awards_only))) == {
        "Certified users",
        "Expiring within 30 days",
        "Expiring within 60 days",
        "Expiring within 90 days",
    }


def test_the_dashboard_shows_the_training_section(client, training):
    client.force_login(training.trainer)

    page = client.get(DASHBOARD, PERIOD)

    assert page.status_code == 200
    assert 'id="section-training"' in page.text
    exported = client.get(
        DASHBOARD, {**PERIOD, "export": "training-expiring", "format": "csv"}
    )
    assert exported.status_code == 200
    assert exported.content.decode("utf-8-sig").splitlines()[1:] == [
        "Within 30 days,2",
        "Within 60 days,3",
        "Within 90 days,5",
    ]
