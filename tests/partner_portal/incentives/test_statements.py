"""Statement semantics against figures computed by hand (the README's rules)."""

from datetime import date

import pytest

from partner_portal.incentives.models import Statement, StatementLine
from partner_portal.incentives.periods import PeriodError
from partner_portal.incentives.statements.lifecycle import (
    statement_approve,
    statement_issue,
)
from partner_portal.incentives.statements.sources import (
    line_sources,
    line_sources_total,
)
from partner_portal.partners.models import TierChange
from tests.factories import tier

from .statements_helpers import (
    D,
    amounts,
    certify,
    change_line,
    make_program,
    partner_in,
    run,
    sell,
    statement_of,
)

pytestmark = pytest.mark.django_db

PERCENT = {"type": "percent_of_revenue", "rates": {"gold": "5", "silver": "3"}}


def test_percent_of_revenue_counts_returns_and_rounds_half_up_per_line():
    gold, silver, registered = (
        partner_in("gold"),
        partner_in("silver"),
        partner_in("registered"),
    )
    sell(gold, ("2026-01-10", "A", 1, "1000.00"), ("2026-02-01", "B", 2, "234.50"))
    sell(gold, ("2026-03-31", "A", -1, "-100.00"))  # a credit note, last day
    sell(gold, ("2026-04-01", "A", 1, "999.00"))  # the next quarter
    sell(silver, ("2026-01-01", "A", 1, "10.05"))
    sell(registered, ("2026-01-05", "A", 1, "500.00"))
    program = make_program([PERCENT])

    report = run(program)

    # 1134.50 x 5% = 56.725 -> 56.73; 10.05 x 3% = 0.3015 -> 0.30
    assert amounts(statement_of(gold, program)) == [
        ("percent_of_revenue", "", D("1134.50"), D("56.73"))
    ]
    assert statement_of(gold, program).total == D("56.73")
    assert amounts(statement_of(silver, program)) == [
        ("percent_of_revenue", "", D("10.05"), D("0.30"))
    ]
    # A tier without a rate gets no line, so no statement.
    assert statement_of(registered, program) is None
    assert report.created == 2


def test_returns_exceeding_sales_give_a_clawback():
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "100.00"), ("2026-02-10", "A", -3, "-300.00"))
    program = make_program([PERCENT])
    run(program)
    assert amounts(statement_of(gold, program)) == [
        ("percent_of_revenue", "", D("-200.00"), D("-10.00"))
    ]


@pytest.mark.parametrize(
    ("revenue", "amount"),
    [("40.01", "20.01"), ("-40.01", "-20.01"), ("40.03", "20.02")],
)
def test_half_up_at_half_a_cent_both_ways(revenue, amount):
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, revenue))
    program = make_program(
        [{"type": "percent_of_revenue", "rates": {"gold": "50"}}]
    )  # 20.005 -> 20.01, -20.005 -> -20.01, 20.015 -> 20.02
    run(program)
    assert statement_of(gold, program).total == D(amount)


def test_skus_limit_a_revenue_rule():
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "100.00"), ("2026-01-11", "B", 1, "900.00"))
    program = make_program([{**PERCENT, "skus": ["A"]}])
    run(program)
    (line,) = statement_of(gold, program).lines.all()
    assert (line.basis, line.amount, line.source_count) == (D("100.00"), D("5.00"), 1)


BANDS = [
    {"from": "0", "rate": "1"},
    {"from": "10000", "rate": "2"},
    {"from": "50000", "rate": "3"},
]


@pytest.mark.parametrize(
    ("mode", "revenue", "amount"),
    [
        # 10000 x 1% + 40000 x 2% + 10000 x 3%
        ("marginal", "60000.00", "1200.00"),
        # exactly at a band's start reaches it, with nothing in it yet
        ("marginal", "10000.00", "100.00"),
        ("marginal", "9999.99", "100.00"),  # 99.9999
        ("marginal", "10000.50", "100.01"),  # 100 + 0.01
        ("retroactive", "10000.00", "200.00"),  # all of it at 2%
        ("retroactive", "9999.99", "100.00"),  # one cent below: 1%
        ("retroactive", "50000.00", "1500.00"),
        ("retroactive", "-500.00", "0.00"),  # revenue <= 0 earns 0
        ("marginal", "-500.00", "0.00"),
    ],
)
def test_volume_bands(mode, revenue, amount):
    gold = partner_in("gold")
    sell(gold, ("2026-02-10", "A", 1, revenue))
    program = make_program(
        [{"type": "volume_bands", "mode": mode, "bands": BANDS}],
        cap_per_period=None,
    )
    run(program)
    statement = statement_of(gold, program)
    if D(amount) == 0:
        assert statement is None  # all lines zero: no statement
    else:
        assert amounts(statement) == [("volume_bands", "", D(revenue), D(amount))]


def test_bands_given_out_of_order_are_sorted_by_from():
    gold = partner_in("gold")
    sell(gold, ("2026-02-10", "A", 1, "60000.00"))
    program = make_program(
        [{"type": "volume_bands", "mode": "marginal", "bands": BANDS[::-1]}]
    )
    run(program)
    assert statement_of(gold, program).total == D("1200.00")


def test_per_unit_one_line_per_listed_sku():
    gold = partner_in("gold")
    sell(
        gold,
        ("2026-01-10", "A", 10, "1000.00"),
        ("2026-01-12", "A", -3, "-300.00"),
        ("2026-01-13", "B", 3, "30.00"),
        ("2026-01-14", "C", 100, "100.00"),  # not listed
    )
    program = make_program(
        [{"type": "per_unit", "amounts": {"A": "2.5", "B": "0.3333"}}]
    )
    run(program)
    assert amounts(statement_of(gold, program)) == [
        ("per_unit", "A", D(7), D("17.50")),
        ("per_unit", "B", D(3), D("1.00")),  # 0.9999
    ]


def test_other_currencies_are_left_out_and_listed_as_warnings():
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "100.00"))
    sell(
        gold,
        ("2026-01-10", "A", 1, "200.00"),
        ("2026-01-11", "A", 1, "100.50"),
        currency="EUR",
    )
    sell(gold, ("2026-01-12", "A", 1, "700.00"), currency="CNY")
    program = make_program([PERCENT])
    run(program)
    statement = statement_of(gold, program)
    assert statement.total == D("5.00")
    assert sorted(statement.warnings, key=lambda w: w["currency"]) == [
        {"currency": "CNY", "lines": 1, "amount": "700.00"},
        {"currency": "EUR", "lines": 2, "amount": "300.50"},
    ]


def test_the_cap_brings_the_total_down_to_exactly_the_cap():
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "2400.00"))
    program = make_program([PERCENT], cap_per_period="100.00")
    run(program)
    statement = statement_of(gold, program)
    assert amounts(statement) == [
        ("percent_of_revenue", "", D("2400.00"), D("120.00")),
        ("cap", "", D("120.00"), D("-20.00")),
    ]
    assert statement.total == D("100.00")


def test_the_tier_is_the_one_in_effect_on_the_last_day():
    partner = partner_in("silver")
    TierChange.objects.create(
        partner=partner,
        tier=tier("gold"),
        effective_from=date.fromisoformat("2026-02-15"),
    )
    # A change recorded for after the period does not count.
    TierChange.objects.create(
        partner=partner,
        tier=tier("silver"),
        effective_from=date.fromisoformat("2026-04-01"),
    )
    sell(partner, ("2026-01-10", "A", 1, "1000.00"))
    program = make_program([PERCENT])
    run(program)
    statement = statement_of(partner, program)
    assert statement.tier.code == "gold"
    assert statement.total == D("50.00")


def test_a_tier_not_eligible_on_the_last_day_gets_no_statement():
    partner = partner_in("gold")
    TierChange.objects.create(
        partner=partner,
        tier=tier("registered"),
        effective_from=date.fromisoformat("2026-03-31"),
    )
    sell(partner, ("2026-01-10", "A", 1, "1000.00"))
    program = make_program(
        [{"type": "percent_of_revenue", "rates": {"gold": "5", "registered": "1"}}],
        eligible_tiers=["gold"],
    )
    run(program)
    assert statement_of(partner, program) is None


@pytest.mark.parametrize(
    ("expires", "earns"),
    [("2026-03-30", False), ("2026-03-31", False), ("2026-04-01", True)],
)
def test_certification_bonus_counts_awards_active_on_the_last_day(expires, earns):
    partner = partner_in("gold")
    certify(partner, "network-pro", users=1)
    certify(partner, "network-pro", users=1, expires=expires)
    program = make_program(
        [
            {
                "type": "certification_bonus",
                "certification": "network-pro",
                "min_certified_users": 2,
                "amount": "500",
            }
        ]
    )
    run(program)
    statement = statement_of(partner, program)
    if earns:
        # Nothing but the bonus: no sales at all.
        assert amounts(statement) == [("certification_bonus", "", D(2), D("500.00"))]
    else:
        assert statement is None


def test_a_label_outside_the_program_or_of_the_wrong_kind_is_refused():
    program = make_program([PERCENT])
    for label in ("2026-07", "2026", "2025-Q4", "2027-Q1", "2026-Q5"):
        with pytest.raises(PeriodError):
            run(program, label)


def test_a_second_run_gives_identical_lines_and_replaces_the_draft():
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 4, "1234.56"))
    program = make_program(
        [
            PERCENT,
            {"type": "volume_bands", "mode": "marginal", "bands": BANDS},
            {"type": "per_unit", "amounts": {"A": "1.25"}},
        ]
    )
    run(program)
    first = list(
        statement_of(gold, program).lines.values(
            "number",
            "rule_type",
            "rule_position",
            "sku",
            "basis",
            "rate",
            "unit_amount",
            "amount",
            "source_count",
            "detail",
        )
    )
    report = run(program)
    assert report.replaced == 1 and report.created == 0
    assert Statement.objects.count() == 1
    again = list(
        statement_of(gold, program).lines.values(
            "number",
            "rule_type",
            "rule_position",
            "sku",
            "basis",
            "rate",
            "unit_amount",
            "amount",
            "source_count",
            "detail",
        )
    )
    assert again == first


def test_a_line_follows_to_its_sales_lines_even_after_later_imports():
    gold = partner_in("gold")
    invoices = sell(
        gold,
        ("2026-01-10", "A", 1, "1000.00"),
        ("2026-02-10", "A", -1, "-250.00"),
        ("2026-03-10", "B", 1, "40.00"),
    )
    program = make_program([PERCENT])
    run(program)
    line = statement_of(gold, program).lines.get()
    # Later imports change a counted line and add one; the draft is not re-run.
    change_line(gold, invoices[0], "2026-01-10", "A", 1, "5000.00")
    sell(gold, ("2026-03-11", "A", 1, "77.00"))

    sources = line_sources(line)
    assert [(s.invoice_number, s.amount) for s in sources] == [
        (invoices[0], D("1000.00")),
        (invoices[1], D("-250.00")),
        (invoices[2], D("40.00")),
    ]
    assert line_sources_total(line)[:2] == (3, line.basis) == (3, D("790.00"))
    assert [s.invoice_number for s in line_sources(line, offset=1, limit=1)] == [
        invoices[1]
    ]


def test_an_issued_statement_never_changes_and_an_adjustment_holds_the_difference():
    gold = partner_in("gold")
    invoices = sell(
        gold, ("2026-01-10", "A", 2, "1000.00"), ("2026-02-10", "B", 1, "500.00")
    )
    program = make_program([PERCENT, {"type": "per_unit", "amounts": {"A": "3"}}])
    run(program)
    original = statement_of(gold, program)
    statement_approve(statement=original, by=None)
    statement_issue(statement=original, by=None)
    before = amounts(original)
    assert before == [
        ("percent_of_revenue", "", D("1500.00"), D("75.00")),
        ("per_unit", "A", D(2), D("6.00")),
    ]

    # A return, and a correction of a line already counted.
    sell(gold, ("2026-03-01", "A", -1, "-500.00"))
    change_line(gold, invoices[1], "2026-02-10", "B", 1, "520.00")
    report = run(program)

    original.refresh_from_db()
    assert original.status == Statement.Status.ISSUED
    assert amounts(original) == before
    adjustment = statement_of(gold, program, sequence=1)
    assert report.adjustments == 1
    assert adjustment.kind == Statement.Kind.ADJUSTMENT
    # 1020.00 x 5% = 51.00 less 75.00; 1 unit x 3 less 6.00
    assert amounts(adjustment) == [
        ("percent_of_revenue", "", D("-480.00"), D("-24.00")),
        ("per_unit", "A", D(-1), D("-3.00")),
    ]
    assert adjustment.total == D("-27.00")
    revenue = adjustment.lines.get(rule_type="percent_of_revenue")
    assert sorted(
        (s.invoice_number, s.amount) for s in line_sources(revenue)
    ) == sorted([(invoices[1], D("20.00")), (_new_invoice(gold), D("-500.00"))])
    assert line_sources_total(revenue)[1] == revenue.basis
    assert revenue.source_count == 2
    # The original still follows to what it counted.
    first = original.lines.get(rule_type="percent_of_revenue")
    assert line_sources_total(first)[1] == first.basis == D("1500.00")

    # Nothing changed since: the next run leaves both as they are.
    again = run(program)
    assert amounts(statement_of(gold, program, sequence=1)) == amounts(adjustment)
    assert again.adjustments == 1 and Statement.objects.count() == 2


def _new_invoice(partner):
    from partner_portal.incentives.models import SalesRecord

    return (
        SalesRecord.objects.filter(partner=partner, amount=D("-500.00"))
        .values_list("invoice_number", flat=True)
        .get()
    )


def test_an_approved_adjustment_is_settled_and_the_next_difference_is_a_new_one():
    gold = partner_in("gold")
    sell(gold, ("2026-01-10", "A", 1, "1000.00"))
    program = make_program([PERCENT])
    run(program)
    statement_issue(
        statement=statement_approve(statement=statement_of(gold, program), by=None),
        by=None,
    )
    sell(gold, ("2026-01-11", "A", 1, "100.00"))
    run(program)
    first_adjustment = statement_of(gold, program, sequence=1)
    statement_approve(statement=first_adjustment, by=None)
    sell(gold, ("2026-01-12", "A", 1, "10.00"))
    run(program)
    assert statement_of(gold, program, sequence=1).total == D("5.00")
    second = statement_of(gold, program, sequence=2)
    assert amounts(second) == [("percent_of_revenue", "", D("10.00"), D("0.50"))]
    (line,) = second.lines.all()
    assert [s.amount for s in line_sources(line)] == [D("10.00")]


def test_a_draft_whose_lines_become_zero_is_removed():
    gold = partner_in("gold")
    invoices = sell(gold, ("2026-01-10", "A", 1, "100.00"))
    program = make_program([PERCENT])
    run(program)
    change_line(gold, invoices[0], "2026-01-10", "A", 1, "0.00")
    report = run(program)
    assert report.removed == 1
    assert not Statement.objects.exists()
    assert StatementLine.objects.count() == 0
