"""Partners see their incentives in the portal: programs, this period's estimate,
issued statements down to each line's sales lines, downloads and disputes; nobody
sees another partner's, and drafts stay internal."""

import csv
import io
from datetime import date

from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.users.models import UserProfile

import lxml.html
import pytest
from guardian.shortcuts import assign_perm
from pypdf import PdfReader

from partner_portal.incentives.models import Dispute, StatementLine
from partner_portal.incentives.statements.estimates import estimate
from partner_portal.incentives.statements.lifecycle import (
    dispute_open,
    dispute_reply,
    dispute_resolve,
    statement_approve,
    statement_issue,
    statement_pay,
)
from partner_portal.partners.models import Role, Stage
from partner_portal.partners.services import ACCOUNT_MANAGER_PERMISSIONS
from tests.factories import MembershipFactory, StaffFactory

from .statements_helpers import (
    D,
    certify,
    make_program,
    partner_in,
    run,
    sell,
    statement_of,
)

pytestmark = pytest.mark.django_db

PERCENT = {"type": "percent_of_revenue", "rates": {"gold": "5", "silver": "3"}}
BANDS = [
    {"from": "0", "rate": "1"},
    {"from": "10000", "rate": "2"},
    {"from": "50000", "rate": "3"},
]


def words(response) -> str:
    """The page's text as a reader sees it: whitespace (no-break spaces too) as one
    space."""
    return " ".join(lxml.html.fromstring(response.text).text_content().split())


def issued(statement, by=None):
    by = by or StaffFactory()
    statement_approve(statement=statement, by=by)
    return statement_issue(statement=statement, by=by)


def user_of(partner, role=Role.ADMIN):
    return MembershipFactory(partner=partner, role=role).user


def urls_of(statement, dispute=None):
    """Every portal address that shows something of `statement`."""
    urls = [
        reverse("incentive-statement", args=[statement.pk]),
        reverse("incentive-statement-pdf", args=[statement.pk]),
        reverse("incentive-statement-csv", args=[statement.pk]),
        reverse("incentive-line", args=[statement.pk, 1]),
        reverse("incentive-line-csv", args=[statement.pk, 1]),
    ]
    if dispute is not None:
        urls.append(reverse("incentive-dispute", args=[dispute.pk]))
    return urls


@pytest.fixture
def two_partners():
    """Two gold partners, each with an issued statement for 2026-Q1 of one
    program; the second's line is disputed."""
    mine, theirs = partner_in("gold", name="Mine Ltd"), partner_in("gold")
    sell(mine, ("2026-01-10", "A", 1, "1000.00"))
    sell(theirs, ("2026-01-11", "A", 1, "7777.00"), ("2026-02-01", "B", 1, "10.00"))
    program = make_program([PERCENT])
    run(program)
    statements = (
        issued(statement_of(mine, program)),
        issued(statement_of(theirs, program)),
    )
    line = statements[1].lines.get()
    dispute = dispute_open(line=line, by=user_of(theirs), body="Where is B?")
    return program, (mine, theirs), statements, dispute


def test_a_partner_user_never_reaches_another_partners_statement(client, two_partners):
    _program, (mine, _theirs), (my_statement, their_statement), dispute = two_partners
    client.force_login(user_of(mine))

    home = client.get(reverse("incentives-home"))

    assert home.status_code == 200
    assert reverse("incentive-statement", args=[my_statement.pk]) in home.text
    assert reverse("incentive-statement", args=[their_statement.pk]) not in home.text
    assert "7,777" not in home.text and "388.85" not in home.text
    for url in urls_of(my_statement):
        assert client.get(url).status_code == 200, url
    for url in urls_of(their_statement, dispute):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"7777" not in response.content and b"Where is B" not in response.content
    # Nor by writing to it.
    line_url = reverse("incentive-line", args=[their_statement.pk, 1])
    assert client.post(line_url, {"body": "mine now"}).status_code == 404
    dispute_url = reverse("incentive-dispute", args=[dispute.pk])
    assert client.post(dispute_url, {"body": "hello"}).status_code == 404
    assert dispute.messages.count() == 1


@pytest.mark.parametrize("role", [Role.MARKETING, Role.TECHNICAL])
def test_marketing_and_technical_users_see_no_incentives(client, two_partners, role):
    _program, (mine, _theirs), (my_statement, _), _dispute = two_partners
    client.force_login(user_of(mine, role))

    assert client.get(reverse("incentives-home")).status_code == 404
    for url in urls_of(my_statement):
        assert client.get(url).status_code == 404, url
    assert reverse("incentives-home") not in client.get("/").text
    assert "card-incentives-title" not in client.get("/").text


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SALES])
def test_partner_admins_and_sales_see_them_in_the_header(client, two_partners, role):
    _program, (mine, _theirs), _statements, _dispute = two_partners
    client.force_login(user_of(mine, role))
    assert reverse("incentives-home") in client.get("/").text


def test_a_suspended_partner_loses_its_incentives(client, two_partners):
    _program, (mine, _theirs), (my_statement, _), _dispute = two_partners
    user = user_of(mine)
    mine.stage = Stage.SUSPENDED
    mine.save()
    client.force_login(user)

    assert client.get(reverse("incentives-home")).status_code == 404
    for url in urls_of(my_statement):
        assert client.get(url).status_code == 404, url


def test_staff_and_visitors_have_no_portal_incentives(client, two_partners):
    _program, _partners, (my_statement, _), _dispute = two_partners
    response = client.get(reverse("incentives-home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(StaffFactory(is_superuser=True))
    for url in [reverse("incentives-home"), *urls_of(my_statement)]:
        assert client.get(url).status_code == 404, url


def test_drafts_and_approved_statements_stay_internal(client):
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "1000.00"), ("2026-04-10", "A", 1, "2000.00"))
    program = make_program([PERCENT])
    run(program, "2026-Q1")
    run(program, "2026-Q2")
    draft = statement_of(gold, program, "2026-Q1")
    approved = statement_of(gold, program, "2026-Q2")
    statement_approve(statement=approved, by=StaffFactory())
    client.force_login(user_of(gold, Role.SALES))

    home = client.get(reverse("incentives-home"))

    assert "No statement has been issued to you yet." in home.text
    for statement in (draft, approved):
        for url in urls_of(statement):
            assert client.get(url).status_code == 404, url
    issued(draft)
    statement_pay(statement=draft, by=StaffFactory())
    home = client.get(reverse("incentives-home"))
    assert reverse("incentive-statement", args=[draft.pk]) in home.text
    assert reverse("incentive-statement", args=[approved.pk]) not in home.text


def test_a_statement_shows_every_line_with_basis_rate_and_amount(client):
    gold = partner_in("gold")
    sell(
        gold,
        ("2026-01-10", "A", 2, "1234.50"),
        ("2026-02-10", "SRV", 3, "300.00"),
        ("2026-02-11", "A", 1, "15.00", "EUR"),
    )
    certify(gold, "cloud-arch", users=2)
    program = make_program(
        [
            PERCENT,
            {"type": "per_unit", "amounts": {"SRV": "12.5"}},
            {
                "type": "certification_bonus",
                "certification": "cloud-arch",
                "min_certified_users": 2,
                "amount": "250",
            },
        ]
    )
    run(program)
    statement = issued(statement_of(gold, program))
    client.force_login(user_of(gold))

    page = lxml.html.fromstring(
        client.get(reverse("incentive-statement", args=[statement.pk])).text
    )

    rows = [
        [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
        for row in page.xpath("//table[contains(@class, 'statement-lines')]/tbody/tr")
    ]
    # 1534.50 x 5% = 76.725 -> 76.73; 3 x 12.50; the bonus
    assert [row[:6] for row in rows] == [
        ["1", "Percent of revenue", "All SKUs", "1,534.50 USD", "5%", "76.73"],
        ["2", "Per unit", "SRV", "3 units", "12.50 USD per unit", "37.50"],
        ["3", "Certification bonus: Cloud-Arch", "", "2 certified users", "", "250.00"],
    ]
    assert rows[0][6] == "2 sales lines"
    assert page.xpath("string(//tfoot//td[1])") == "364.23"
    assert "Total 364.23 USD" in " ".join(
        page.xpath("string(//*[@class='statement-total'])").split()
    )
    text = " ".join(page.text_content().split())
    assert "1 sales line in EUR (15.00 EUR in all)" in text


def test_a_line_sources_paginate_fifty_a_page_and_add_up_to_the_basis(client):
    gold = partner_in("gold")
    sales = [(f"2026-01-{1 + n % 28:02d}", "A", 1, f"{10 + n}.25") for n in range(119)]
    sales.append(("2026-03-31", "A", -2, "-99.99"))  # a return counts too
    invoices = sell(gold, *sales)
    sell(gold, ("2026-04-01", "A", 1, "5000.00"))  # the next quarter
    program = make_program([PERCENT])
    run(program)
    statement = issued(statement_of(gold, program))
    line = statement.lines.get()
    client.force_login(user_of(gold))
    url = reverse("incentive-line", args=[statement.pk, 1])

    first, third = client.get(url), client.get(url, {"page": 3})

    sources = first.context["sources"]
    assert (sources.total, sources.amount) == (120, line.basis)
    assert line.basis == sum(D(amount) for _d, _s, _q, amount in sales)
    assert len(first.context["page"].object_list) == 50
    assert len(third.context["page"].object_list) == 20
    assert "Page 3 of 3" in third.text
    assert f"120 sales lines, {line.basis:,} USD in all: the line's basis." in words(
        first
    )
    shown = {
        row.xpath("string(td[2])")
        for response in (first, client.get(url, {"page": 2}), third)
        for row in lxml.html.fromstring(response.text).xpath(
            "//table[contains(@class, 'sources-table')]/tbody/tr"
        )
    }
    assert shown == set(invoices[:120])
    # Each record links to the partner's own sales page for it.
    record = lxml.html.fromstring(first.text).xpath("//table//tbody//td[2]/a")[0]
    assert client.get(record.get("href")).status_code == 200


def test_the_pages_take_no_query_per_statement_or_sales_line(
    client, django_assert_max_num_queries
):
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "1.00"))
    sell(gold, *[(f"2026-04-{1 + n % 28:02d}", "A", 1, "1.00") for n in range(120)])
    program = make_program([PERCENT])
    run(program, "2026-Q1")
    run(program, "2026-Q2")
    first = issued(statement_of(gold, program, "2026-Q1"))
    client.force_login(user_of(gold))
    with CaptureQueriesContext(connection) as home_one:
        client.get(reverse("incentives-home"))
    with CaptureQueriesContext(connection) as line_one:
        client.get(reverse("incentive-line", args=[first.pk, 1]))
    second = issued(statement_of(gold, program, "2026-Q2"))

    with django_assert_max_num_queries(len(home_one)):
        home = client.get(reverse("incentives-home"))
    with django_assert_max_num_queries(len(line_one)):
        line = client.get(reverse("incentive-line", args=[second.pk, 1]))

    assert len(home.context["page"].object_list) == 2
    assert len(line.context["page"].object_list) == 50


def test_the_downloads_neutralise_formula_cells(client):
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", '=HYPERLINK("http://x")', 1, "100.00"))
    sell(gold, ("2026-01-11", "@SUM(A1)", -1, "-40.00"))
    program = make_program([PERCENT], name="+Rebate")
    run(program)
    statement = issued(statement_of(gold, program))
    client.force_login(user_of(gold))

    response = client.get(reverse("incentive-line-csv", args=[statement.pk, 1]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Invoice",
        "Line",
        "Date",
        "SKU",
        "Quantity",
        "Amount",
        "Currency",
    ]
    assert [row[3] for row in rows[1:]] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert [row[4:6] for row in rows[1:]] == [["1", "100.00"], ["-1", "-40.00"]]
    lines = client.get(reverse("incentive-statement-csv", args=[statement.pk]))
    rows = list(csv.reader(io.StringIO(lines.content.decode("utf-8-sig"))))
    assert rows[1][:5] == ["1", "Percent of revenue", "All SKUs", "Revenue", "60.00"]
    assert rows[1][7:] == ["3.00", "USD", "2"]


def test_the_pdf_renders_chinese_names_with_the_cjk_font(client):
    partner = partner_in("gold", name="华东渠道科技")
    sell(partner, ("2026-01-10", "A", 1, "1000.00"))
    program = make_program([PERCENT], name="渠道返利计划")
    run(program)
    statement = issued(statement_of(partner, program))
    client.force_login(user_of(partner))

    response = client.get(
        reverse("incentive-statement-pdf", args=[statement.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"NotoSansCJK" in response.content
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    ).replace("\x00", "")
    assert "华东渠道科技" in text and "渠道返利计划" in text
    assert "激励对账单" in text and "50.00" in text


def test_the_estimate_of_a_period_is_the_statement_its_run_stores():
    """Asked on a day inside 2026-Q1, the estimate gives exactly the lines the run
    of 2026-Q1 then stores: one calculation, every rule type and the cap."""
    gold = partner_in("gold")
    sell(
        gold,
        ("2026-01-05", "A", 2, "12000.00"),
        ("2026-02-20", "B", 1, "340.55"),
        ("2026-03-31", "A", -1, "-1000.00"),
        ("2026-03-15", "SRV", 7, "700.00"),
        ("2026-03-15", "A", 1, "99.00", "EUR"),
    )
    certify(gold, "cloud-arch", users=2)
    program = make_program(
        [
            PERCENT,
            {"type": "volume_bands", "mode": "marginal", "bands": BANDS},
            {"type": "per_unit", "amounts": {"SRV": "3.3333"}},
            {
                "type": "certification_bonus",
                "certification": "cloud-arch",
                "min_certified_users": 1,
                "amount": "150",
            },
        ],
        cap_per_period="800",
    )

    preview = estimate(program, gold, today=date(2026, 2, 14))
    run(program)

    stored = statement_of(gold, program)
    fields = (
        "rule_type",
        "rule_position",
        "sku",
        "basis_kind",
        "basis",
        "rate",
        "unit_amount",
        "amount",
        "source_count",
        "detail",
    )
    assert [tuple(getattr(line, f) for f in fields) for line in preview.lines] == [
        tuple(getattr(line, f) for f in fields) for line in stored.lines.all()
    ]
    assert preview.total == stored.total == D("800.00")
    assert preview.lines[-1].rule_type == StatementLine.CAP
    assert preview.warnings == stored.warnings
    assert preview.period.label == "2026-Q1"
    # Nothing was stored by the estimate: the run created the only statement.
    assert gold.incentive_statements.count() == 1


@pytest.mark.parametrize(
    ("mode", "sales", "needed", "rate", "now", "then"),
    [
        # 8000 x 1% = 80; at 10000: 100
        ("marginal", "8000.00", "2000.00", "2", "80.00", "100.00"),
        # one cent below the band: 99.9999 -> 100.00; at 10000 all at 2%
        ("retroactive", "9999.99", "0.01", "2", "100.00", "200.00"),
        # 10000 x 1% + 30000.50 x 2% = 700.01; at 50000: 900
        ("marginal", "40000.50", "9999.50", "3", "700.01", "900.00"),
        # a clawback: nothing earned, 10,500 to sell to reach 10,000
        ("retroactive", "-500.00", "10500.00", "2", "0.00", "200.00"),
        # exactly at a band's start is in it: the next is the one after
        ("retroactive", "10000.00", "40000.00", "3", "200.00", "1500.00"),
    ],
)
def test_the_next_band_says_what_to_sell_and_what_it_adds(
    client, mode, sales, needed, rate, now, then
):
    gold = partner_in("gold")
    sell(gold, ("2026-02-10", "A", 1, sales))
    program = make_program([{"type": "volume_bands", "mode": mode, "bands": BANDS}])

    (band,) = estimate(program, gold, today=date(2026, 3, 1)).next_bands

    assert (band.needed, band.band_from, band.band_rate) == (
        D(needed),
        D(needed) + D(sales),
        D(rate),
    )
    assert (band.amount_now, band.amount_then) == (D(now), D(then))
    assert band.adds == band.adds_to_total == D(then) - D(now)


def test_the_next_band_with_no_sales_and_past_the_last_band():
    gold, top = partner_in("gold"), partner_in("gold")
    sell(top, ("2026-02-10", "A", 1, "50000.00"))
    program = make_program(
        [{"type": "volume_bands", "mode": "retroactive", "bands": BANDS, "skus": ["A"]}]
    )

    (band,) = estimate(program, gold, today=date(2026, 3, 1)).next_bands
    assert (band.revenue, band.needed, band.adds) == (D(0), D("10000"), D("200.00"))
    assert band.skus == ("A",)
    assert estimate(program, top, today=date(2026, 3, 1)).next_bands == []


def test_the_cap_limits_what_the_next_band_adds_to_the_total():
    gold = partner_in("gold")
    sell(gold, ("2026-02-10", "A", 1, "9000.00"))
    program = make_program(
        [{"type": "volume_bands", "mode": "retroactive", "bands": BANDS}],
        cap_per_period="150",
    )

    (band,) = estimate(program, gold, today=date(2026, 3, 1)).next_bands

    # 90.00 now; at 10,000 the line earns 200.00, the total only the cap's 150.00
    assert (band.amount_now, band.amount_then) == (D("90.00"), D("200.00"))
    assert band.adds == D("110.00") and band.adds_to_total == D("60.00")
    assert band.capped


def this_year(today):
    return {"start": f"{today.year}-01-01", "end": f"{today.year}-12-31"}


def test_the_incentives_page_shows_the_running_period_as_an_estimate(client):
    today = timezone.localdate()
    first = today.replace(day=1).isoformat()
    silver = partner_in("silver")
    sell(silver, (first, "A", 1, "8000.00"), (first, "A", 1, "0.55"))
    program = make_program(
        [PERCENT, {"type": "volume_bands", "mode": "marginal", "bands": BANDS}],
        period="month",
        name="Growth",
        **this_year(today),
    )
    ended = make_program(
        [PERCENT], code="old", name="Old", start="2020-01-01", end="2020-12-31"
    )
    client.force_login(user_of(silver, Role.SALES))

    response = client.get(reverse("incentives-home"))

    (shown,) = response.context["estimates"]
    assert shown.program == program and shown.period.contains(today)
    card = lxml.html.fromstring(response.text).xpath(
        "//article[contains(@class, 'estimate')]"
    )[0]
    text = " ".join(card.text_content().split())
    assert "Estimate" in text
    # 8000.55 x 3% = 240.0165 -> 240.02; bands: 8000.55 x 1% = 80.0055 -> 80.01
    assert "Estimated so far 320.03 USD" in text
    assert "Sell 1,999.45 USD more to reach the 2% band." in text
    assert "Its line would then earn 100.00 USD, 19.99 USD more than now." in text
    assert program.name in response.text and ended.name not in response.text
    assert not silver.incentive_statements.exists()


def test_each_program_says_what_every_rule_pays_at_the_partners_tier(client):
    silver = partner_in("silver")
    certify(silver, "cloud-arch", users=0)
    make_program(
        [
            PERCENT,
            {
                "type": "volume_bands",
                "mode": "retroactive",
                "bands": BANDS,
                "skus": ["A", "B"],
            },
            {"type": "per_unit", "amounts": {"SRV": "12.3456"}},
            {
                "type": "certification_bonus",
                "certification": "cloud-arch",
                "min_certified_users": 2,
                "amount": "250",
            },
            {"type": "percent_of_revenue", "rates": {"gold": "9"}},
        ],
        cap_per_period="1000",
        **this_year(timezone.localdate()),
    )
    client.force_login(user_of(silver, Role.SALES))

    page = lxml.html.fromstring(client.get(reverse("incentives-home")).text)

    terms = [
        " ".join(" ".join(item.itertext()).split())
        for item in page.xpath("//ul[@class='terms']/li")
    ]
    assert terms == [
        "Percent of revenue 3% of your revenue.",
        "Volume bands All of your revenue earns the rate of the highest band it "
        "reaches. Counts these SKUs: A, B. From 0.00 USD: 1% From 10,000.00 USD: 2% "
        "From 50,000.00 USD: 3%",
        "Per unit A fixed amount for each unit sold. SRV: 12.3456 USD per unit",
        "Certification bonus 250.00 USD once a period when at least 2 of your users "
        "hold the Cloud-Arch certification on its last day.",
        "Percent of revenue Your tier earns nothing from this rule.",
        "Cap per period You earn at most 1,000.00 USD in one period.",
    ]


def test_the_home_card_shows_the_estimate_and_the_last_issued_statement(client):
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "1000.00"))
    program = make_program([PERCENT], **this_year(timezone.localdate()))
    run(program, "2026-Q1")
    statement = issued(statement_of(gold, program))
    client.force_login(user_of(gold, Role.SALES))

    response = client.get("/")

    card = lxml.html.fromstring(response.text).xpath(
        "//section[@aria-labelledby='card-incentives-title']"
    )[0]
    text = " ".join(card.text_content().split())
    assert "Estimate" in text and "Earned so far 0.00 USD" in text
    assert "Last statement" in text and "50.00 USD" in text
    assert card.xpath(".//a/@href")[0] == reverse(
        "incentive-statement", args=[statement.pk]
    )


def _resolver(*partners, every_partner=False, language=""):
    """A staff user who may resolve disputes: of the partners assigned to them (a
    channel account manager) or of `every_partner` (a program manager)."""
    user = StaffFactory(first_name="Staff")
    codenames = ["resolve_dispute", *(["view_partner"] if every_partner else [])]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    for partner in partners:
        for codename in ACCOUNT_MANAGER_PERMISSIONS:
            assign_perm(f"partners.{codename}", user, partner)
    if language:
        UserProfile.objects.create(user=user, preferred_language=language)
    return user


def test_a_partner_disputes_a_line_and_the_staff_who_resolve_it_are_told(
    client, django_capture_on_commit_callbacks
):
    gold, other = partner_in("gold", name="Gold Co"), partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "1000.00"))
    program = make_program([PERCENT])
    run(program)
    statement = issued(statement_of(gold, program))
    manager = _resolver(gold, language="zh-hans")
    _resolver(other)  # another partner's account manager
    pm = _resolver(every_partner=True)
    StaffFactory()  # no permission to resolve
    user = user_of(gold, Role.SALES)
    client.force_login(user)
    url = reverse("incentive-line", args=[statement.pk, 1])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "Invoice T-9 is missing."}, follow=True)

    dispute = Dispute.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "incentive-dispute", args=[dispute.pk]
    )
    assert "Invoice T-9 is missing." in response.text
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, pm.email])
    chinese = next(m for m in mail.outbox if m.to == [manager.email])
    assert "Gold Co" in chinese.subject and "争议" in chinese.subject
    assert "提出争议" in chinese.body and "Invoice T-9 is missing." in chinese.body
    english = next(m for m in mail.outbox if m.to == [pm.email])
    assert english.subject == "Gold Co disputes line 1 of rebate 2026-Q1"

    # The staff answer (nobody is emailed about their own side's message); the
    # partner sees the answer and replies while the dispute is open.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dispute_reply(dispute=dispute, by=manager, body="Which invoice date?")
    assert mail.outbox == []
    page = client.get(reverse("incentive-dispute", args=[dispute.pk]))
    assert "Which invoice date?" in page.text
    assert "(vendor)" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("incentive-dispute", args=[dispute.pk]), {"body": "2026-01-20"}
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, pm.email])
    reply = next(m for m in mail.outbox if m.to == [pm.email])
    assert reply.subject == "Gold Co replied about line 1 of rebate 2026-Q1"
    assert "2026-01-20" in reply.body
    assert list(dispute.messages.values_list("body", flat=True)) == [
        "Invoice T-9 is missing.",
        "Which invoice date?",
        "2026-01-20",
    ]
    # A second dispute on the same line waits for this one.
    again = client.post(url, {"body": "And another thing"})
    assert again.status_code == 400
    assert "open dispute already" in again.text

    dispute_resolve(dispute=dispute, by=manager, accept=False, reason="Dated April.")
    page = client.get(reverse("incentive-dispute", args=[dispute.pk]))
    assert "Dated April." in page.text and "Send the reply" not in page.text
    late = client.post(reverse("incentive-dispute", args=[dispute.pk]), {"body": "?"})
    assert late.status_code == 400 and "This dispute is resolved." in late.text


def test_an_empty_dispute_is_refused_with_a_message(client, two_partners):
    _program, (mine, _theirs), (my_statement, _), _dispute = two_partners
    client.force_login(user_of(mine))

    response = client.post(
        reverse("incentive-line", args=[my_statement.pk, 1]), {"body": "  "}
    )

    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not Dispute.objects.filter(line__statement=my_statement).exists()


def test_the_pages_read_in_chinese(client, two_partners):
    _program, (mine, _theirs), (my_statement, _), _dispute = two_partners
    client.force_login(user_of(mine))

    home = client.get(reverse("incentives-home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    statement = client.get(
        reverse("incentive-statement", args=[my_statement.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    line = client.get(
        reverse("incentive-line", args=[my_statement.pk, 1]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert "本期预估收益" in home.text and "您的对账单" in home.text
    assert "已开具" in statement.text and "营收百分比" in statement.text
    assert "50.00 USD" in words(statement)
    assert "本行计入的销售记录" in line.text
