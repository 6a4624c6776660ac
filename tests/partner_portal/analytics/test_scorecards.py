"""Partner scorecards against a small hand-made channel, figures worked by hand.

As of 15 September 2026 the scorecard shows 2025-Q4, 2026-Q1, 2026-Q2 and 2026-Q3
(to date). The program currency is CNY. Silver asks 5,000.00 CNY of trailing
revenue; gold 50,000.00 CNY and two certified users.

Silver, active: Alpha (the account manager `cam`'s), Bravo, Charlie; also Delta,
silver but onboarding (not in the tier's figures), and Echo, gold.
- Alpha: CNY 3,000.00 (10 Nov 2025), 2,000.00 (10 Feb 2026), 4,000.00 and a return
  of -1,000.00 (1 and 20 Aug 2026); USD 500.00 (5 May 2026); a sale of 9,999.00
  CNY on 10 Sep 2025, before the window. Quarters CNY 3,000 / 2,000 / 0 / 3,000 =
  8,000.00, also its trailing 12 months: 42,000.00 short of gold. Deals submitted
  15 Jan, 10 Aug, 12 Aug 2026 (0 / 1 / 0 / 2 = 3), one won on 30 Aug 2026. One
  user certified since 1 Jan 2026 (certified users 0 / 1 / 1 / 1): one short of
  gold. Tickets opened 1 Dec 2025 and 1 Jul 2026, rated 2 and 4: average 3.00.
- Bravo: CNY 20,000.00 (1 Mar 2026); a deal submitted 1 Apr 2026; a ticket rated 5.
- Charlie: nothing. Delta: CNY 1,000,000.00. Echo: CNY 100,000.00.

Tier (Alpha, Bravo, Charlie): revenue CNY 8,000 / 20,000 / 0, average 9,333.33,
median 8,000.00; USD 500 / 0 / 0, average 166.67, median 0.00; registrations
3 / 1 / 0, average 1.33, median 1.00; wins 1 / 0 / 0, average 0.33, median 0.00;
certified users today 1 / 0 / 0, average 0.33, median 0.00; tickets 2 / 1 / 0,
average 1.00, median 1.00; ratings (of the rated partners) 3.00 / 5.00, average and
median 4.00.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from learning.models import Certification, CertificationAward
from partner_portal.analytics.scorecards import gap_in_words, scorecard
from partner_portal.deals.models import Deal, DealEvent
from partner_portal.partners.models import (
    Role,
    Stage,
    Tier,
    TierChange,
    TierProgramSettings,
)
from partner_portal.partners.tier_evaluation import RequirementResult
from partner_portal.support.models import Rating, Ticket
from tests.factories import MembershipFactory, PartnerFactory, tier
from tests.partner_portal.support.portal_helpers import open_ticket

from .conftest import sale, staff

AS_OF = dt.date(2026, 9, 15)
D = Decimal
SEES_ALL = (
    "view_partner",
    "view_salesrecord",
    "view_deal",
    "view_enrolment",
    "view_certificationaward",
    "view_ticket",
    "view_fundclaim",
)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def deal(partner, submitted: dt.date, status=Deal.Status.SUBMITTED, **fields):
    return Deal.objects.create(
        partner=partner,
        customer_name=f"Customer {submitted}",
        country="CN",
        region="greater_china",
        estimated_value=D("1000.00"),
        currency="CNY",
        expected_close_date=submitted + dt.timedelta(days=90),
        status=status,
        submitted_at=at(submitted),
        **fields,
    )


def rated_ticket(partner, opened: dt.date, score: int, rated: dt.date):
    ticket = open_ticket(partner, MembershipFactory(partner=partner).user)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=at(opened))
    rating = Rating.objects.create(ticket=ticket, score=score)
    Rating.objects.filter(pk=rating.pk).update(at=at(rated))
    return ticket


@pytest.fixture
def card_channel(db):
    program = TierProgramSettings.load()
    program.revenue_currency = "CNY"
    program.save()
    Tier.objects.filter(code="silver").update(min_trailing_revenue=D("5000.00"))
    Tier.objects.filter(code="gold").update(
        min_trailing_revenue=D("50000.00"), min_certified_users=2
    )
    cam = staff("cam-score", *SEES_ALL[1:])
    pm = staff("pm-score", *SEES_ALL)
    alpha, bravo, charlie = (
        PartnerFactory(name=name, tier=tier("silver"), account_manager=manager)
        for name, manager in (("Alpha", cam), ("Bravo", None), ("Charlie", None))
    )
    delta = PartnerFactory(name="Delta", tier=tier("silver"), stage=Stage.ONBOARDING)
    echo = PartnerFactory(name="Echo", tier=tier("gold"))
    TierChange.objects.filter(partner__in=[alpha, bravo, charlie]).update(
        effective_from=dt.date(2025, 1, 1)
    )
    for day, amount, currency in [
        (dt.date(2025, 9, 10), "9999.00", "CNY"),
        (dt.date(2025, 11, 10), "3000.00", "CNY"),
        (dt.date(2026, 2, 10), "2000.00", "CNY"),
        (dt.date(2026, 5, 5), "500.00", "USD"),
        (dt.date(2026, 8, 1), "4000.00", "CNY"),
        (dt.date(2026, 8, 20), "-1000.00", "CNY"),
    ]:
        sale(alpha, day, "CLOUD-PRO", amount, currency)
    sale(bravo, dt.date(2026, 3, 1), "CLOUD-PRO", "20000.00", "CNY")
    sale(delta, dt.date(2026, 3, 1), "CLOUD-PRO", "1000000.00", "CNY")
    sale(echo, dt.date(2026, 3, 1), "CLOUD-PRO", "100000.00", "CNY")

    deal(alpha, dt.date(2026, 1, 15))
    deal(alpha, dt.date(2026, 8, 10))
    won = deal(
        alpha,
        dt.date(2026, 8, 12),
        status=Deal.Status.WON,
        final_value=D("1200.00"),
    )
    event = DealEvent.objects.create(
        deal=won, action=DealEvent.Action.WON, status=Deal.Status.WON
    )
    DealEvent.objects.filter(pk=event.pk).update(at=at(dt.date(2026, 8, 30)))
    deal(bravo, dt.date(2026, 4, 1))

    admin = MembershipFactory(partner=alpha, role=Role.ADMIN).user
    certification = Certification.objects.create(code="cloud", name="Cloud expert")
    CertificationAward.objects.create(
        certification=certification,
        user=admin,
        partner=alpha,
        issued_at=dt.date(2026, 1, 1),
        expires_at=dt.date(2028, 1, 1),
    )

    rated_ticket(alpha, dt.date(2025, 12, 1), 2, dt.date(2025, 12, 5))
    rated_ticket(alpha, dt.date(2026, 7, 1), 4, dt.date(2026, 7, 5))
    rated_ticket(bravo, dt.date(2026, 6, 1), 5, dt.date(2026, 6, 2))
    return SimpleNamespace(
        pm=pm,
        cam=cam,
        admin=admin,
        alpha=alpha,
        bravo=bravo,
        charlie=charlie,
        echo=echo,
    )


def measures(card):
    return {measure.id: measure for measure in card.measures}


def test_the_partners_measures_by_quarter(card_channel):
    card = scorecard(card_channel.pm, card_channel.alpha, AS_OF)

    assert [q.label for q in card.quarters] == [
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    got = measures(card)
    assert got["revenue-cny"].values == [D("3000.00"), D("2000.00"), 0, D("3000.00")]
    assert got["revenue-cny"].total == D("8000.00")
    assert got["revenue-usd"].values == [0, 0, D("500.00"), 0]
    assert got["registrations"].values == [0, 1, 0, 2]
    assert got["wins"].values == [0, 0, 0, 1]
    assert got["certified"].values == [0, 1, 1, 1]
    assert got["tickets"].values == [1, 0, 0, 1]
    assert got["rating"].values == [D("2.00"), None, None, D("4.00")]
    assert got["rating"].total == D("3.00")
    # No claim was paid: no MDF figure, and no currency invented for one.
    assert not [m for m in card.measures if m.id.startswith("mdf")]
    assert {chart.id for chart in card.charts} == {
        "scorecard-revenue-cny",
        "scorecard-revenue-usd",
        "scorecard-activity",
        "scorecard-rating",
    }


def test_the_tier_average_and_median_over_the_tiers_active_partners(card_channel):
    card = scorecard(card_channel.pm, card_channel.alpha, AS_OF)

    assert card.peers == 3 and card.benchmarked
    got = {
        m: (measure.average, measure.median) for m, measure in measures(card).items()
    }
    assert got["revenue-cny"] == (D("9333.33"), D("8000.00"))
    assert got["revenue-usd"] == (D("166.67"), D("0.00"))
    assert got["registrations"] == (D("1.33"), D("1.00"))
    assert got["wins"] == (D("0.33"), D("0.00"))
    assert got["certified"] == (D("0.33"), D("0.00"))
    assert got["tickets"] == (D("1.00"), D("1.00"))
    assert got["rating"] == (D("4.00"), D("4.00"))
    header, rows = card.benchmark.table()
    assert header == ["Measure", "This partner", "Tier average", "Tier median"]
    assert ["Revenue (CNY)", D("8000.00"), D("9333.33"), D("8000.00")] in rows


def test_the_query_count_does_not_grow_with_the_tiers_partners(card_channel):
    # The first call caches the user's permissions and the program settings.
    scorecard(card_channel.pm, card_channel.alpha, AS_OF)
    with CaptureQueriesContext(connection) as few:
        scorecard(card_channel.pm, card_channel.alpha, AS_OF)
    for number in range(20):
        partner = PartnerFactory(name=f"Peer {number}", tier=tier("silver"))
        sale(partner, dt.date(2026, 3, 1), "CLOUD-PRO", "10.00", "CNY")
    with CaptureQueriesContext(connection) as many:
        card = scorecard(card_channel.pm, card_channel.alpha, AS_OF)
    assert card.peers == 23
    assert len(many) == len(few)


def test_the_gap_to_the_next_tier_in_plain_words(card_channel):
    card = scorecard(card_channel.pm, card_channel.alpha, AS_OF)

    assert card.next_tier.code == "gold"
    assert card.gap_sentence == (
        "42,000.00\N{NO-BREAK SPACE}CNY more revenue in the trailing 12 months and "
        "one more certified user to reach Gold."
    )
    # What the partner's own tier asks, and that it is met.
    assert [(row.required, row.actual, row.met) for row in card.requirements] == [
        ("5000.00", "8000.00", True)
    ]


def test_the_gap_wording_for_agreements_and_a_met_or_top_tier(db):
    gold, platinum = tier("gold"), tier("platinum")
    rows = [
        RequirementResult("gold", "Users", "3", "0", False, "certified_users"),
        RequirementResult("gold", "A", "accepted", "not accepted", False, "agreement"),
        RequirementResult("gold", "B", "accepted", "not accepted", False, "agreement"),
    ]
    assert gap_in_words(tier("silver"), gold, rows, "CNY") == (
        "3 more certified users and 2 more agreements accepted to reach Gold."
    )
    met = [RequirementResult("gold", "Users", "3", "3", True, "certified_users")]
    assert "Every requirement of Gold is met" in gap_in_words(
        tier("silver"), gold, met, "CNY"
    )
    assert gap_in_words(platinum, None, [], "CNY") == (
        "Platinum is the top tier of the program."
    )


def test_a_tier_of_fewer_than_three_partners_shows_no_average(card_channel):
    """Echo is gold's only partner: its average would be its own figure."""
    card = scorecard(card_channel.pm, card_channel.echo, AS_OF)

    assert card.peers == 1 and not card.benchmarked
    assert all(m.average is None and m.median is None for m in card.measures)


# Staff ---------------------------------------------------------------------------


def test_staff_list_the_partners_they_may_see_and_open_a_scorecard(
    client, card_channel
):
    client.force_login(card_channel.cam)

    listing = client.get(reverse("analytics_scorecards"))
    assert listing.status_code == 200
    assert "Alpha" in listing.text and "Bravo" not in listing.text

    page = client.get(reverse("analytics_scorecard", args=[card_channel.alpha.pk]))
    assert page.status_code == 200
    assert "Scorecard: Alpha" in page.text
    assert "to reach Gold" in page.text
    assert 'id="chart-scorecard-revenue-cny"' in page.text


def test_an_account_manager_gets_404_for_another_managers_partner(client, card_channel):
    client.force_login(card_channel.cam)

    response = client.get(reverse("analytics_scorecard", args=[card_channel.bravo.pk]))

    assert response.status_code == 404
    assert "Bravo" not in response.text


def test_a_staff_user_without_a_models_permission_sees_no_figure_of_it(
    card_channel,
):
    """A staff user who may see sales but not deals, learning or tickets gets the
    revenue only: the other measures are left out, tier figures and all."""
    limited = staff("limited-score", "view_partner", "view_salesrecord")
    card = scorecard(limited, card_channel.alpha, AS_OF)

    assert {m.id for m in card.measures} == {"revenue-cny", "revenue-usd"}


def test_the_scorecards_tier_table_exports_as_csv(client, card_channel):
    """The page shows today's four quarters; the download holds the same rows."""
    client.force_login(card_channel.pm)
    url = reverse("analytics_scorecard", args=[card_channel.alpha.pk])
    today = scorecard(card_channel.pm, card_channel.alpha, timezone.localdate())
    label, total, average, median = today.benchmark.rows[0]

    response = client.get(url, {"export": "scorecard-tier", "format": "csv"})

    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Measure,This partner,Tier average,Tier median"
    assert lines[1] == f"{label},{total},{average},{median}"
    assert client.get(url, {"export": "nothing", "format": "csv"}).status_code == 404


# Portal --------------------------------------------------------------------------

PORTAL = "/company/scorecard/"


def test_a_partner_admin_sees_their_own_scorecard(client, card_channel):
    client.force_login(card_channel.admin)

    response = client.get(PORTAL)

    assert response.status_code == 200
    assert "Scorecard of Alpha" in response.text
    assert "Bravo" not in response.text
    assert 'id="chart-scorecard-activity"' in response.text
    # The company page and the home's tier card link to it.
    assert PORTAL in client.get(reverse("company-profile")).text
    assert PORTAL in client.get("/").text


def test_other_roles_get_404_and_no_link(client, card_channel):
    seller = MembershipFactory(partner=card_channel.alpha, role=Role.SALES).user
    client.force_login(seller)

    assert client.get(PORTAL).status_code == 404
    assert PORTAL not in client.get(reverse("company-profile")).text


def test_a_suspended_partners_admin_gets_404(client, card_channel):
    client.force_login(card_channel.admin)
    card_channel.alpha.stage = Stage.SUSPENDED
    card_channel.alpha.save()

    assert client.get(PORTAL).status_code == 404


def test_staff_have_no_portal_scorecard(client, card_channel):
    client.force_login(card_channel.pm)

    assert client.get(PORTAL).status_code == 404
