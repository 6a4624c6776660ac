"""The partner health score: its factors, weights, the at-risk list and stage move.

A small channel scored on 15 June 2026 (`ON`), with the seeded factors and bounds:

| factor        | weight | scoring nothing | full marks |
| revenue trend |     30 |            -50% |       +10% |
| engagement    |     20 |               0 |         30 |
| certification |     20 |              0% |        50% |
| deal activity |     15 |               0 |          3 |
| support       |     15 |  50% in trouble |         0% |

The last three full months are March to May 2026, the three before December 2025 to
February 2026; the last 90 days run from 18 March to 15 June 2026.

Alpha (gold, the account manager `cam`'s):
- revenue: CNY 1,000.00 in January, 580.00 in April (two CNY lines against one USD
  line of 100.00 in April, so the trend is CNY's): -42%, normalised
  (-42 + 50) / 60 = 0.1333, 30 x 0.1333 = 4.0 points of 30 (26.0 lost);
- engagement: one of its two users signed in on 1 June (the other in January),
  three downloads in the window and one on 17 March (outside), one lesson
  completed: 1 + 3 + 1 = 5 activities, 5 / 30 = 0.1667, 20 x 0.1667 = 3.3 of 20;
- certification: one of its two users holds an active award: 50%, normalised 1,
  20.0 of 20;
- deals: one registration submitted on 1 May (a draft does not count): 1 / 3 =
  0.3333, 15 x 0.3333 = 5.0 of 15;
- support: four tickets in the window, one resolved after its target and one rated
  2 of 5: 50% in trouble, normalised 0, 0.0 of 15 (a breached ticket of February
  is outside the window).
Score 4.0 + 3.3 + 20.0 + 5.0 + 0.0 = 32.3: below 40, at risk.

Beta (silver, nobody's): USD 100.00 in February and 150.00 in May: +50%, capped at
1, 30.0; no user, download, lesson, deal: 0; no ticket: 15.0. Score 45.0.

Gamma is suspended: it gets no score.
"""

import datetime as dt
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from wagtail.models import Site

import pytest
from django_tasks_db.models import DBTaskResult

from learning.models import (
    Certification,
    CertificationAward,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonCompletion,
    LessonPage,
)
from partner_portal.analytics.health import selectors, wording
from partner_portal.analytics.health.services import (
    health_at_risk_auto,
    health_scores_compute,
)
from partner_portal.analytics.models import HealthFactor, HealthScore
from partner_portal.analytics.tasks import health_nightly, schedule_health_nightly
from partner_portal.deals.models import Deal
from partner_portal.partners.models import Partner, Stage, StageChange, User
from partner_portal.resources.models import DownloadEvent
from partner_portal.support.models import Category, Rating, Ticket
from tests.factories import MembershipFactory, PartnerFactory, tier
from tests.partner_portal.deals.factories import draft_deal

from .conftest import sale, staff

ON = dt.date(2026, 6, 15)
HEALTH = reverse("analytics_health")


def moment(day: dt.date, hour=12) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour), tzinfo=timezone.get_current_timezone()
    )


def member(partner, username, last_login=None):
    user = MembershipFactory(partner=partner, user__username=username).user
    type(user).objects.filter(pk=user.pk).update(last_login=last_login)
    return user


def download(partner, user, day, hour=12):
    DownloadEvent.objects.create(
        user=user, partner=partner, downloaded_at=moment(day, hour)
    )


def ticket(partner, user, day, *, late=False, rating=None):
    """A ticket opened on `day`, answered and resolved within its targets unless
    `late` (resolved two hours after its target)."""
    opened = moment(day, 9)
    row = Ticket.objects.create(
        partner=partner,
        opened_by=user,
        category=Category.objects.get(code="technical"),
        subject="VPN drops",
        description="The tunnel drops.",
        status=Ticket.Status.RESOLVED,
        first_response_due=opened + dt.timedelta(hours=4),
        first_response_at=opened + dt.timedelta(hours=1),
        resolution_due=opened + dt.timedelta(hours=8),
        resolved_at=opened + dt.timedelta(hours=10 if late else 2),
        resolution_hours=Decimal("8"),
    )
    Ticket.objects.filter(pk=row.pk).update(created_at=opened)
    if rating is not None:
        Rating.objects.create(ticket=row, score=rating)
    return row


def lesson_completed(partner, user, day):
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="Academy", slug="hx"))
    course = index.add_child(
        instance=CoursePage(title="Course", slug="hx-101", code="hx-101", summary=".")
    )
    lesson = course.add_child(instance=LessonPage(title="One", slug="hx-101-1"))
    enrolment = Enrolment.objects.create(user=user, course=course, partner=partner)
    done = LessonCompletion.objects.create(enrolment=enrolment, lesson=lesson)
    LessonCompletion.objects.filter(pk=done.pk).update(completed_at=moment(day))


def registration(partner, day, *, status=Deal.Status.SUBMITTED):
    deal = draft_deal(partner)
    Deal.objects.filter(pk=deal.pk).update(status=status, submitted_at=moment(day))


@pytest.fixture
def health(db):
    pm = staff(
        "pm",
        "view_partner",
        "change_partner",
        "view_healthscore",
        "view_healthfactor",
        "change_healthfactor",
    )
    cam = staff("cam", "view_healthscore")
    alpha = PartnerFactory(name="Alpha", tier=tier("gold"), account_manager=cam)
    beta = PartnerFactory(name="Beta", tier=tier("silver"))
    gamma = PartnerFactory(name="Gamma", stage=Stage.SUSPENDED)

    sale(alpha, dt.date(2026, 1, 10), "CLOUD-PRO", "1000.00", "CNY")
    sale(alpha, dt.date(2026, 4, 10), "CLOUD-PRO", "580.00", "CNY")
    sale(alpha, dt.date(2026, 4, 12), "CLOUD-STD", "100.00", "USD")
    sale(beta, dt.date(2026, 2, 10), "SUPPORT-24", "100.00", "USD")
    sale(beta, dt.date(2026, 5, 10), "SUPPORT-24", "150.00", "USD")
    sale(gamma, dt.date(2026, 5, 10), "SUPPORT-24", "150.00", "USD")

    ada = member(alpha, "ada", last_login=moment(dt.date(2026, 6, 1)))
    bob = member(alpha, "bob", last_login=moment(dt.date(2026, 1, 5)))
    for day in (dt.date(2026, 3, 18), dt.date(2026, 5, 2), dt.date(2026, 6, 15)):
        download(alpha, ada, day, hour=0)
    download(alpha, ada, dt.date(2026, 3, 17), hour=23)
    lesson_completed(alpha, ada, dt.date(2026, 4, 20))

    certification = Certification.objects.create(
        code="net", name="Certified net", validity_months=12
    )
    CertificationAward.objects.create(
        certification=certification,
        user=ada,
        partner=alpha,
        issued_at=dt.date(2026, 1, 1),
        expires_at=dt.date(2027, 1, 1),
    )
    CertificationAward.objects.create(
        certification=certification,
        user=bob,
        partner=alpha,
        issued_at=dt.date(2025, 1, 1),
        expires_at=dt.date(2026, 1, 1),
    )

    registration(alpha, dt.date(2026, 5, 1))
    draft_deal(alpha)

    ticket(alpha, ada, dt.date(2026, 4, 1), late=True)
    ticket(alpha, ada, dt.date(2026, 4, 2), rating=2)
    ticket(alpha, ada, dt.date(2026, 4, 3), rating=5)
    ticket(alpha, ada, dt.date(2026, 4, 4))
    ticket(alpha, ada, dt.date(2026, 2, 1), late=True)

    return SimpleNamespace(pm=pm, cam=cam, alpha=alpha, beta=beta, gamma=gamma)


def factors_of(partner, day=ON) -> dict:
    score = HealthScore.objects.get(partner=partner, day=day)
    return {row.factor.code: row for row in score.factors.select_related("factor")}


def test_each_factor_measures_and_normalises_as_defined(health):
    assert health_scores_compute(on=ON) == 2

    alpha = factors_of(health.alpha)
    assert alpha["revenue_trend"].raw == Decimal("-42.00")
    assert alpha["revenue_trend"].detail["currency"] == "CNY"
    assert alpha["revenue_trend"].normalised == Decimal("0.1333")
    assert alpha["engagement"].raw == 5
    assert alpha["engagement"].detail == {"signed_in": 1, "downloads": 3, "lessons": 1}
    assert alpha["engagement"].normalised == Decimal("0.1667")
    assert alpha["certification"].raw == Decimal("50.00")
    assert alpha["certification"].normalised == 1
    assert alpha["deal_activity"].raw == 1
    assert alpha["deal_activity"].normalised == Decimal("0.3333")
    assert alpha["support"].raw == Decimal("50.00")
    assert alpha["support"].detail == {"tickets": 4, "troubled": 2}
    assert alpha["support"].normalised == 0

    beta = factors_of(health.beta)
    assert beta["revenue_trend"].raw == Decimal("50.00")
    assert beta["revenue_trend"].normalised == 1
    assert beta["certification"].raw is None
    assert beta["certification"].normalised == 0
    # No ticket: nothing went wrong.
    assert beta["support"].raw is None
    assert beta["support"].normalised == 1
    assert not HealthScore.objects.filter(partner=health.gamma).exists()


def test_points_follow_the_weights_and_add_up_to_the_score(health):
    health_scores_compute(on=ON)

    alpha = factors_of(health.alpha)
    points = {code: row.points for code, row in alpha.items()}
    assert points == {
        "revenue_trend": Decimal("4.0"),
        "engagement": Decimal("3.3"),
        "certification": Decimal("20.0"),
        "deal_activity": Decimal("5.0"),
        "support": Decimal("0.0"),
    }
    assert {code: row.max_points for code, row in alpha.items()} == {
        "revenue_trend": Decimal("30.0"),
        "engagement": Decimal("20.0"),
        "certification": Decimal("20.0"),
        "deal_activity": Decimal("15.0"),
        "support": Decimal("15.0"),
    }
    score = HealthScore.objects.get(partner=health.alpha, day=ON)
    assert score.score == sum(points.values()) == Decimal("32.3")
    assert HealthScore.objects.get(partner=health.beta, day=ON).score == Decimal("45.0")


def test_the_sentence_says_what_was_measured_and_what_it_cost(health):
    health_scores_compute(on=ON)
    alpha = factors_of(health.alpha)

    assert wording.sentence(alpha["revenue_trend"]) == (
        "Revenue \N{MINUS SIGN}42% against the three months before (CNY): "
        "\N{MINUS SIGN}26.0 points"
    )
    assert wording.sentence(alpha["certification"]) == (
        "1 of 2 users certified (50%): full marks"
    )
    with translation.override("zh-hans"):
        assert wording.sentence(alpha["revenue_trend"]) == (
            "收入较前三个月 \N{MINUS SIGN}42%（CNY）：\N{MINUS SIGN}26.0 分"  # noqa: RUF001
        )


def test_editing_a_weight_changes_the_next_score_and_history_is_kept(health):
    health_scores_compute(on=ON)
    HealthFactor.objects.filter(code="support").update(weight=0)

    health_scores_compute(on=ON + dt.timedelta(days=1))

    # Support no longer counts: the other four share 85. On 16 June the 90 days
    # start on 19 March, so the download of 18 March drops out (4 activities):
    # revenue 100 x 30/85 x 0.1333 = 4.7, engagement 100 x 20/85 x 0.1333 = 3.1,
    # certification 100 x 20/85 = 23.5, deals 100 x 15/85 x 0.3333 = 5.9: 37.2.
    later = factors_of(health.alpha, ON + dt.timedelta(days=1))
    assert "support" not in later
    assert {code: row.points for code, row in later.items()} == {
        "revenue_trend": Decimal("4.7"),
        "engagement": Decimal("3.1"),
        "certification": Decimal("23.5"),
        "deal_activity": Decimal("5.9"),
    }
    scores = HealthScore.objects.filter(partner=health.alpha).order_by("day")
    assert [(s.day, s.score) for s in scores] == [
        (ON, Decimal("32.3")),
        (ON + dt.timedelta(days=1), Decimal("37.2")),
    ]


def test_the_admin_edits_a_weight(health, client):
    client.force_login(health.pm)
    factor = HealthFactor.objects.get(code="deal_activity")
    url = reverse("health_factors:edit", args=[factor.pk])

    response = client.post(
        url,
        {
            "name": "Deal activity",
            "name_zh": "商机报备",
            "weight": "25",
            "zero_at": "0",
            "full_at": "3",
            "enabled": "on",
        },
    )

    assert response.status_code == 302
    factor.refresh_from_db()
    assert factor.weight == Decimal("25.00")
    same_bounds = client.post(
        url, {"name": "Deal activity", "weight": "25", "zero_at": "3", "full_at": "3"}
    )
    assert "The two bounds must differ." in same_bounds.text
    assert not client.get(reverse("health_factors:index")).text.count(
        reverse("health_factors:add")
    )


def test_recomputing_a_day_replaces_its_scores(health):
    health_scores_compute(on=ON)
    health_scores_compute(on=ON)

    assert HealthScore.objects.filter(partner=health.alpha, day=ON).count() == 1


def test_the_at_risk_list_names_the_partners_below_the_threshold_and_why(
    health, client
):
    health_scores_compute(on=ON)

    (listed,) = selectors.at_risk(health.pm)
    assert listed.score.partner == health.alpha
    # The factors that cost most: revenue 26.0 lost, engagement 16.7.
    assert [row.factor.code for row in listed.reasons] == [
        "revenue_trend",
        "engagement",
    ]

    client.force_login(health.pm)
    page = client.get(HEALTH).text
    assert "Alpha" in page and "32.3" in page
    assert "Revenue \N{MINUS SIGN}42% against the three months before" in page
    assert "Beta" not in page


def test_a_listed_partner_is_moved_to_at_risk_with_the_reason(health, client):
    health_scores_compute(on=ON)
    client.force_login(health.pm)

    refused = client.post(HEALTH, {"partner": health.alpha.pk, "reason": " "})
    assert "Say why the partner is at risk." in refused.text
    health.alpha.refresh_from_db()
    assert health.alpha.stage == Stage.ACTIVE

    response = client.post(
        HEALTH, {"partner": health.alpha.pk, "reason": "Revenue fell by 42%."}
    )

    assert response.status_code == 302
    health.alpha.refresh_from_db()
    assert health.alpha.stage == Stage.AT_RISK
    change = StageChange.objects.filter(partner=health.alpha).latest("changed_at")
    assert (change.from_stage, change.to_stage) == (Stage.ACTIVE, Stage.AT_RISK)
    assert change.reason == "Revenue fell by 42%."
    assert change.changed_by == health.pm
    # Listed still (the score is what it was), no longer offered the move.
    assert "Move to at risk" not in client.get(HEALTH).text


def test_the_automatic_rule_moves_active_partners_below_the_threshold(health, settings):
    health_scores_compute(on=ON)
    assert health_at_risk_auto(on=ON) == [health.alpha]

    health.alpha.refresh_from_db()
    assert health.alpha.stage == Stage.AT_RISK
    change = StageChange.objects.filter(partner=health.alpha).latest("changed_at")
    assert change.changed_by is None
    assert change.reason == (
        "Health score 32.3 on 2026-06-15, below the at-risk threshold of 40 "
        "(moved automatically)."
    )
    # Already at risk: not moved again.
    assert health_at_risk_auto(on=ON) == []


def test_the_nightly_run_scores_today_and_moves_only_when_the_setting_says_so(
    health, settings
):
    # Today (December 2026 or later) the windows hold little: Beta has no sales in
    # the last three months, no activity, no ticket: 15.0; Alpha at most its
    # certification and support, 35.0. Both are below 40.
    settings.PARTNER_HEALTH_AUTO_AT_RISK = False
    result = health_nightly.call()
    assert result["scored"] == 2 and result["moved_at_risk"] == 0
    health.beta.refresh_from_db()
    assert health.beta.stage == Stage.ACTIVE

    settings.PARTNER_HEALTH_AUTO_AT_RISK = True
    result = health_nightly.call()
    health.beta.refresh_from_db()
    assert result["moved_at_risk"] == 2
    assert health.beta.stage == Stage.AT_RISK


def test_an_account_manager_sees_computes_and_moves_their_partners_only(health, client):
    health_scores_compute(on=ON)
    HealthScore.objects.filter(partner=health.beta).update(score=Decimal("10.0"))
    assert [item.score.partner for item in selectors.at_risk(health.pm)] == [
        health.beta,
        health.alpha,
    ]

    assert [item.score.partner for item in selectors.at_risk(health.cam)] == [
        health.alpha
    ]
    client.force_login(health.cam)
    assert "Beta" not in client.get(HEALTH).text
    partner_page = reverse("analytics_partner_health", args=[health.beta.pk])
    assert client.get(partner_page).status_code == 404
    refused = client.post(HEALTH, {"partner": health.beta.pk, "reason": "Mine now."})
    assert refused.status_code == 404
    health.beta.refresh_from_db()
    assert health.beta.stage == Stage.ACTIVE

    client.post(HEALTH, {"compute": "1"})
    today = timezone.localdate()
    assert HealthScore.objects.filter(partner=health.alpha, day=today).exists()
    assert not HealthScore.objects.filter(partner=health.beta, day=today).exists()


def test_staff_without_the_permission_see_no_health(health, client):
    health_scores_compute(on=ON)
    client.force_login(staff("editor"))

    # Wagtail answers a refused admin page with its home page and a message.
    response = client.get(HEALTH, follow=True)
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "Alpha" not in response.text


def test_the_partner_page_shows_the_factors_and_the_score_over_time(health, client):
    health_scores_compute(on=ON - dt.timedelta(days=7))
    health_scores_compute(on=ON)
    client.force_login(health.pm)

    page = client.get(reverse("analytics_partner_health", args=[health.alpha.pk]))

    assert page.status_code == 200
    text = page.text
    assert "Health of Alpha" in text
    assert "1 of 2 users certified (50%): full marks" in text
    assert 'id="chart-health-history"' in text
    chart = page.context["chart"]
    assert list(chart.series[0].values) == [
        HealthScore.objects.get(
            partner=health.alpha, day=ON - dt.timedelta(days=7)
        ).score,
        Decimal("32.3"),
    ]


def _channel_of(count):
    partners = [PartnerFactory() for _ in range(count)]
    for index, partner in enumerate(partners):
        user = member(partner, f"u{count}-{index}", last_login=moment(ON))
        sale(partner, dt.date(2026, 1, 10), "CLOUD-PRO", "100.00", "USD")
        sale(partner, dt.date(2026, 4, 10), "CLOUD-PRO", "90.00", "USD")
        download(partner, user, dt.date(2026, 5, 1))
        ticket(partner, user, dt.date(2026, 5, 2), rating=4)
    return partners


def _queries_of_a_run(partners) -> int:
    with CaptureQueriesContext(connection) as queries:
        health_scores_compute(
            partners=Partner.objects.filter(pk__in=[p.pk for p in partners]), on=ON
        )
    return len(queries)


@pytest.mark.django_db
def test_the_number_of_queries_of_a_run_does_not_grow_with_the_partners():
    assert _queries_of_a_run(_channel_of(10)) == _queries_of_a_run(_channel_of(30))


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_one_nightly_run_is_booked_for_three_at_night(db):
    booked = DBTaskResult.objects.filter(task_path=health_nightly.module_path)
    booked.delete()
    schedule_health_nightly()
    schedule_health_nightly()

    (result,) = booked
    run = timezone.localtime(result.run_after)
    assert (run.hour, run.minute) == (3, 0)
    assert run > timezone.localtime()


def test_the_demo_lists_partners_at_risk_with_a_history(db):
    call_command("seed_demo", stdout=StringIO())
    pm = User.objects.get(username="pm")

    listed = [item.score.partner.name for item in selectors.at_risk(pm)]
    # A peer partner nobody certified whose sales fall, and partners recruited
    # this year that have sold nothing yet; the demo logins' partners are healthy.
    assert "Wide World Importers" in listed
    assert "Relecloud" in listed
    assert not {"Northwind Resellers", "Fabrikam Systems", "华东渠道科技"} & set(listed)
    wide_world = Partner.objects.get(name="Wide World Importers")
    assert len(selectors.history(pm, wide_world)) == 13
    # Of them, the demo account manager sees only Wide World Importers, theirs.
    cam = User.objects.get(username="cam")
    assert [item.score.partner for item in selectors.at_risk(cam)] == [wide_world]
