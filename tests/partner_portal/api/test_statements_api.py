"""/api/v1/incentive-statements/ and /api/v1/incentive-programs/: who sees which
statement, line and sales line, the fields as the statement holds them, filters,
the conventions (ETag, updated_since, errors in both languages), query counts."""

import datetime

from django.utils import timezone

import pytest

from learning.models import Certification
from partner_portal.incentives.program_files import program_to_file, programs_load
from partner_portal.incentives.statements.lifecycle import (
    statement_approve,
    statement_issue,
    statement_pay,
)
from partner_portal.partners.models import Role, TierChange
from partner_portal.partners.services import account_manager_permissions_sync
from tests.factories import MembershipFactory, StaffFactory, tier
from tests.partner_portal.incentives.statements_helpers import (
    D,
    change_line,
    make_program,
    partner_in,
    run,
    sell,
    statement_of,
)

from .conftest import CALLERS, grant_incentives_view, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/incentive-statements/"
PROGRAMS = "/api/v1/incentive-programs/"

# Which of the `statements` fixture's statements each caller sees: partner users
# their partner's issued ones, the account manager C's, staff all.
VISIBLE = {
    "anonymous": set(),
    "user_a": {"a"},
    "user_b": {"b"},
    "manager": {"c"},
    "staff": {"a", "b", "c", "a_draft"},
}
LETTERS = ["a", "b", "c", "a_draft"]


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def ids_of(statements, letters):
    return {statements[letter].pk for letter in letters}


def sources_url(statement, number):
    return f"{URL}{statement.pk}/lines/{number}/sources/"


def all_pages(client, url):
    """Every row of a paginated list, following `next`."""
    rows, pages = [], []
    while url:
        body = client.get(url).json()
        pages.append(body)
        rows.extend(body["results"])
        url = body["next"]
    return rows, pages


def marketing_client(partner):
    user = MembershipFactory(partner=partner, role=Role.MARKETING).user
    return token_client(user)


@pytest.mark.parametrize("who", CALLERS)
def test_statement_list_is_scoped(world, statements, who):
    response = world.client(who).get(URL)
    if who == "anonymous":
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        return
    assert ids(response) == ids_of(statements, VISIBLE[who])


@pytest.mark.parametrize("who", CALLERS[1:])
def test_statement_detail_and_sources_are_scoped(world, statements, who):
    client = world.client(who)
    for letter in LETTERS:
        statement = statements[letter]
        detail = client.get(f"{URL}{statement.pk}/")
        sources = client.get(sources_url(statement, 1))
        if letter in VISIBLE[who]:
            assert detail.status_code == 200
            assert detail.json()["id"] == statement.pk
            assert sources.status_code == 200
            line = statement.lines.get(number=1)
            assert sources.json()["count"] == line.source_count
        else:
            for response in (detail, sources):
                assert response.status_code == 404, (letter, response.content)
                assert response.json() == {
                    "code": "not_found",
                    "message": "Nothing was found at this address.",
                }


def test_partners_see_a_statement_once_it_is_issued(world, statements):
    client = world.client("user_a")
    draft = statements["a_draft"]
    assert client.get(f"{URL}{draft.pk}/").status_code == 404
    approved = statement_approve(statement=draft, by=world.staff)
    assert client.get(f"{URL}{draft.pk}/").status_code == 404
    assert client.get(sources_url(draft, 1)).status_code == 404
    statement_issue(statement=approved, by=world.staff)
    assert client.get(f"{URL}{draft.pk}/").json()["status"] == "issued"
    assert ids(client.get(URL)) == ids_of(statements, ["a", "a_draft"])
    statement_pay(statement=statements["a"], by=world.staff)
    assert ids(client.get(URL)) == ids_of(statements, ["a", "a_draft"])


def test_partner_roles_other_than_admin_and_sales_see_nothing(world, statements):
    admin = token_client(
        MembershipFactory(partner=world.partner_a, role=Role.ADMIN).user
    )
    assert ids(admin.get(URL)) == ids_of(statements, ["a"])
    for role in (Role.MARKETING, Role.TECHNICAL):
        user = MembershipFactory(partner=world.partner_a, role=role).user
        client = token_client(user)
        assert ids(client.get(URL)) == set()
        assert client.get(f"{URL}{statements['a'].pk}/").status_code == 404
        assert client.get(sources_url(statements["a"], 1)).status_code == 404
        assert ids(client.get(PROGRAMS)) == set()
        assert client.get(f"{PROGRAMS}rebate/").status_code == 404


def test_staff_need_the_statement_permission(world, statements):
    client = token_client(StaffFactory(username="no-incentives"))
    assert ids(client.get(URL)) == set()
    assert client.get(f"{URL}{statements['a'].pk}/").status_code == 404
    auditor = StaffFactory(username="auditor")
    grant_incentives_view(auditor)
    # The permission alone shows nothing: the partners must be visible too.
    assert ids(token_client(auditor).get(URL)) == set()


def test_statement_fields_as_the_statement_holds_them(world, statements):
    statement = statements["a"]
    body = world.client("user_a").get(f"{URL}{statement.pk}/").json()
    assert body == {
        "id": statement.pk,
        "partner": "CRM-A",
        "program": "rebate",
        "period": "2026-Q1",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "kind": "statement",
        "sequence": 0,
        "currency": "USD",
        "tier": "registered",
        "status": "issued",
        "total": "75.00",
        "warnings": [{"currency": "EUR", "lines": 1, "amount": "80.00"}],
        "lines": [
            {
                "number": 1,
                "rule": "percent_of_revenue",
                "rule_position": 1,
                "sku": None,
                "basis_kind": "revenue",
                "basis": "1300.00",
                "rate": "5.0000",
                "unit_amount": None,
                "amount": "65.00",
                "source_count": 3,
            },
            {
                "number": 2,
                "rule": "per_unit",
                "rule_position": 2,
                "sku": "SKU-U",
                "basis_kind": "units",
                "basis": "4.00",
                "rate": None,
                "unit_amount": "2.5000",
                "amount": "10.00",
                "source_count": 1,
            },
        ],
        "computed_at": body["computed_at"],
        "updated_at": body["updated_at"],
    }
    assert datetime.datetime.fromisoformat(body["updated_at"]) == statement.updated_at


def test_a_lines_sources_paginate_and_add_up_to_its_basis(world, statements):
    client = world.client("user_a")
    statement = statements["a"]
    rows, pages = all_pages(client, f"{sources_url(statement, 1)}?page_size=2")
    assert [len(page["results"]) for page in pages] == [2, 1]
    assert pages[1]["previous"] is not None
    assert client.get(pages[1]["previous"]).json()["results"] == pages[0]["results"]
    assert {(p["count"], p["amount"], p["quantity"]) for p in pages} == {
        (3, "1300.00", 5)
    }
    assert [(r["date"], r["sku"], r["quantity"], r["amount"]) for r in rows] == [
        ("2026-01-15", "SKU-1", 2, "1000.00"),
        ("2026-02-10", "SKU-U", 4, "400.00"),
        ("2026-03-31", "SKU-1", -1, "-100.00"),
    ]
    assert sum(float(r["amount"]) for r in rows) == float(
        client.get(f"{URL}{statement.pk}/").json()["lines"][0]["basis"]
    )
    assert all(r["invoice_number"] and r["line_number"] == 1 for r in rows)
    # The per-unit line counted SKU-U's units: its quantities add up to its basis.
    units = client.get(sources_url(statement, 2)).json()
    assert (units["count"], units["quantity"]) == (1, 4)
    assert [r["sku"] for r in units["results"]] == ["SKU-U"]


def test_sources_stay_as_counted_after_later_imports(world, statements):
    client = world.client("user_a")
    url = sources_url(statements["a"], 1)
    before = client.get(url).json()
    first = before["results"][0]
    change_line(
        world.partner_a,
        first["invoice_number"],
        first["date"],
        first["sku"],
        3,
        "1500.00",
    )
    sell(world.partner_a, ("2026-02-20", "SKU-1", 1, "10.00"))
    assert client.get(url).json() == before


def test_missing_lines_and_bad_cursors_answer_404(world, statements):
    client = world.client("user_a")
    assert client.get(sources_url(statements["a"], 3)).status_code == 404
    bad = client.get(f"{sources_url(statements['a'], 1)}?cursor=not-a-cursor")
    assert bad.status_code == 404
    assert bad.json()["code"] == "not_found"


def test_an_adjustment_holds_the_difference_and_lists_the_changed_sales(
    world, statements
):
    program = statements["program"]
    sell(world.partner_a, ("2026-03-20", "SKU-1", -2, "-300.00"))
    run(program, "2026-Q1")
    adjustment = statement_of(world.partner_a, program, sequence=1)
    statement_issue(
        statement=statement_approve(statement=adjustment, by=world.staff),
        by=world.staff,
    )
    client = world.client("user_a")
    response = client.get(URL, {"partner": "CRM-A", "kind": "adjustment"})
    assert ids(response) == {adjustment.pk}
    body = response.json()["results"][0]
    assert (body["kind"], body["sequence"], body["total"]) == (
        "adjustment",
        1,
        "-15.00",
    )
    assert [(x["rule"], x["basis"], x["amount"]) for x in body["lines"]] == [
        ("percent_of_revenue", "-300.00", "-15.00")
    ]
    sources = client.get(sources_url(adjustment, 1)).json()
    assert (sources["count"], sources["amount"]) == (1, "-300.00")
    assert sources["results"][0]["date"] == "2026-03-20"
    # The issued statement is as it was.
    original = client.get(f"{URL}{statements['a'].pk}/").json()
    assert original["total"] == "75.00"


FILTERS = [
    ({"partner": "CRM-A"}, {"a", "a_draft"}),
    ({"partner": "CRM-NONE"}, set()),
    ({"program": "rebate"}, {"a", "b", "c", "a_draft"}),
    ({"program": "other"}, set()),
    ({"period": "2026-Q2"}, {"a_draft"}),
    ({"period": "2026"}, set()),
    ({"status": "draft"}, {"c", "a_draft"}),
    ({"status": "issued", "partner": "CRM-B"}, {"b"}),
    ({"kind": "statement"}, {"a", "b", "c", "a_draft"}),
    ({"kind": "adjustment"}, set()),
    ({"period": ""}, {"a", "b", "c", "a_draft"}),
]


def test_statement_filters(world, statements):
    client = world.client("staff")
    for query, expected in FILTERS:
        assert ids(client.get(URL, query)) == ids_of(statements, expected), query


INVALID = [
    ({"period": "2026-13"}, "period"),
    ({"period": "Q1-2026"}, "period"),
    ({"status": "lost"}, "status"),
    ({"kind": "credit"}, "kind"),
    ({"updated_since": "yesterday"}, "updated_since"),
]


def test_invalid_filters_answer_400(world, statements):
    client = world.client("staff")
    for query, field in INVALID:
        response = client.get(URL, query)
        assert response.status_code == 400, query
        assert response.json()["code"] == "invalid"
        assert list(response.json()["errors"]) == [field]


def test_errors_in_chinese(world, statements):
    client = world.client("user_b")
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    for url in (f"{URL}{statements['a'].pk}/", sources_url(statements["a"], 1)):
        assert client.get(url, **zh).json() == {
            "code": "not_found",
            "message": "此地址下未找到任何内容。",
        }
    invalid = client.get(URL, {"period": "2026-7"}, **zh).json()
    assert invalid["message"] == "提交的部分数据无效。"
    period = "请按 2026-07（月）、2026-Q3（季度）或 2026（年）的格式填写期间。"  # noqa: RUF001
    assert invalid["errors"] == {"period": [period]}
    english = client.get(URL, {"period": "2026-7"}).json()
    assert english["errors"] == {
        "period": [
            "Write the period as 2026-07 (a month), 2026-Q3 (a quarter) or 2026 (a "
            "year)."
        ]
    }


def test_etag_and_if_none_match(world, statements):
    client = world.client("user_a")
    url = f"{URL}{statements['a'].pk}/"
    tag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    statement_pay(statement=statements["a"], by=world.staff)
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed.json()["status"] == "paid"


def test_updated_since_sees_each_step(world, statements):
    client = world.client("staff")
    since = timezone.now().isoformat()
    assert ids(client.get(URL, {"updated_since": since})) == set()
    statement_pay(statement=statements["b"], by=world.staff)
    statement_approve(statement=statements["c"], by=world.staff)
    assert ids(client.get(URL, {"updated_since": since})) == ids_of(
        statements, ["b", "c"]
    )


def test_statements_cannot_be_written(world, statements):
    client = world.client("staff")
    url = f"{URL}{statements['c'].pk}/"
    assert client.post(URL, {}, format="json").status_code == 405
    assert client.patch(url, {"status": "paid"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert client.get(url).json()["status"] == "draft"


@pytest.mark.parametrize("size", [1, 25])
def test_list_query_counts_are_constant(
    world, statements, size, django_assert_max_num_queries
):
    for _n in range(24):
        partner = partner_in("registered", account_manager=world.manager)
        account_manager_permissions_sync(partner=partner)
        sell(
            partner,
            ("2026-05-01", "SKU-1", 1, "100.00"),
            ("2026-05-02", "SKU-U", 2, "20.00"),
        )
    run(statements["program"], "2026-Q2")
    expected = {"staff": size, "manager": size, "user_a": 1}
    for who in ("staff", "manager", "user_a"):
        client = world.client(who)
        with django_assert_max_num_queries(8):
            response = client.get(URL, {"page_size": size})
        assert len(response.json()["results"]) == expected[who]
    client = world.client("user_a")
    with django_assert_max_num_queries(8):
        response = client.get(sources_url(statements["a"], 1), {"page_size": size})
    assert len(response.json()["results"]) == min(size, 3)


def test_program_list_query_count(world, programs, django_assert_max_num_queries):
    client = world.client("staff")
    with django_assert_max_num_queries(8):
        response = client.get(PROGRAMS, {"page_size": 1})
    assert codes(response) == {"rebate"}
    # Four programs cost what one does: reading rules asks for no choices.
    with django_assert_max_num_queries(8):
        response = client.get(PROGRAMS)
    assert len(codes(response)) == 4


@pytest.fixture
def programs(world, statements):
    """Besides `rebate` (every tier): `gold-club` (gold only), which A took part in
    while it was gold in Q1 and has an issued statement of; `platinum-club`, which
    no partner of the world is eligible for or has statements of; and `rebate-2025`
    (every tier), which ended last year."""
    Certification.objects.create(code="net-pro", name="Network Pro")
    TierChange.objects.create(
        partner=world.partner_a,
        tier=tier("gold"),
        effective_from=datetime.date(2025, 1, 1),
    )
    TierChange.objects.create(
        partner=world.partner_a,
        tier=tier("registered"),
        effective_from=datetime.date(2026, 6, 1),
    )
    gold = make_program(
        [
            {
                "type": "volume_bands",
                "mode": "marginal",
                "bands": [{"from": "0", "rate": "1"}, {"from": "1000", "rate": "2"}],
            },
            {
                "type": "certification_bonus",
                "certification": "net-pro",
                "min_certified_users": 2,
                "amount": "500",
            },
        ],
        code="gold-club",
        name="Gold club",
        kind="bonus",
        eligible_tiers=["gold"],
        cap_per_period="1000.00",
    )
    run(gold, "2026-Q1")
    statement_issue(
        statement=statement_approve(
            statement=statement_of(world.partner_a, gold), by=world.staff
        ),
        by=world.staff,
    )
    platinum = make_program(
        [{"type": "percent_of_revenue", "rates": {"platinum": "9"}, "skus": ["X"]}],
        code="platinum-club",
        name="Platinum club",
        eligible_tiers=["platinum"],
    )
    ended = make_program(
        [{"type": "percent_of_revenue", "rates": {"registered": "2"}}],
        code="rebate-2025",
        name="Rebate 2025",
        start="2025-01-01",
        end="2025-12-31",
    )
    return {
        "rebate": statements["program"],
        "gold": gold,
        "platinum": platinum,
        "ended": ended,
    }


def codes(response):
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("user_a", {"rebate", "gold-club"}),
        ("user_b", {"rebate"}),
        ("manager", {"rebate", "gold-club", "platinum-club", "rebate-2025"}),
        ("staff", {"rebate", "gold-club", "platinum-club", "rebate-2025"}),
    ],
)
def test_program_list_is_scoped(world, programs, who, expected):
    client = world.client(who)
    assert codes(client.get(PROGRAMS)) == expected
    for code in ("rebate", "gold-club", "platinum-club", "rebate-2025"):
        response = client.get(f"{PROGRAMS}{code}/")
        assert response.status_code == (200 if code in expected else 404)


def test_staff_need_the_program_permission(world, programs):
    client = token_client(StaffFactory(username="no-programs"))
    assert codes(client.get(PROGRAMS)) == set()
    assert client.get(f"{PROGRAMS}rebate/").status_code == 404
    assert world.client("anonymous").get(PROGRAMS).status_code == 401


def test_a_program_as_its_file_holds_it(world, programs):
    body = world.client("user_a").get(f"{PROGRAMS}gold-club/").json()
    assert body == {
        **program_to_file(programs["gold"]),
        "updated_at": body["updated_at"],
    }
    assert (body["kind"], body["period"], body["eligible_tiers"]) == (
        "bonus",
        "quarter",
        ["gold"],
    )
    assert body["cap_per_period"] == "1000.00"
    bands, bonus = body["rules"]
    assert (bands["type"], bands["mode"], bands["skus"]) == (
        "volume_bands",
        "marginal",
        [],
    )
    assert [(D(b["from"]), D(b["rate"])) for b in bands["bands"]] == [
        (0, 1),
        (1000, 2),
    ]
    assert (bonus["type"], bonus["certification"], bonus["min_certified_users"]) == (
        "certification_bonus",
        "net-pro",
        2,
    )
    assert D(bonus["amount"]) == 500
    # What the API gives, a program file loads back unchanged.
    file = {name: value for name, value in body.items() if name != "updated_at"}
    assert programs_load(data=[file]).unchanged == ["gold-club"]
    rebate = world.client("staff").get(f"{PROGRAMS}rebate/").json()
    per_unit = rebate["rules"][1]
    assert per_unit["type"] == "per_unit"
    assert {sku: D(amount) for sku, amount in per_unit["amounts"].items()} == {
        "SKU-U": D("2.50")
    }
    assert rebate["cap_per_period"] is None


def test_program_filters_etag_and_updated_since(world, programs):
    client = world.client("staff")
    assert codes(client.get(PROGRAMS, {"kind": "bonus"})) == {"gold-club"}
    since = timezone.now().isoformat()
    assert codes(client.get(PROGRAMS, {"updated_since": since})) == set()
    url = f"{PROGRAMS}platinum-club/"
    tag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304
    make_program(
        [{"type": "percent_of_revenue", "rates": {"platinum": "10"}}],
        code="platinum-club",
        name="Platinum club",
        eligible_tiers=["platinum"],
    )
    assert codes(client.get(PROGRAMS, {"updated_since": since})) == {"platinum-club"}
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed.json()["rules"][0]["rates"] == {"platinum": "10"}
