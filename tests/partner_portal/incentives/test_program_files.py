"""Programs from files: exact decimals, every error named with its place, and the
same program whichever way it was made."""

import json
from decimal import Decimal

from django.core.management import CommandError, call_command

import pytest

from partner_portal.incentives.models import Program
from partner_portal.incentives.program_files import (
    program_to_file,
    programs_load,
    read_program_file,
)
from partner_portal.incentives.rules import (
    Band,
    CertificationBonus,
    PercentOfRevenue,
    PerUnit,
    VolumeBands,
)
from tests.factories import tier

from .statements_helpers import certify, partner_in

pytestmark = pytest.mark.django_db

GOOD = {
    "code": "q-rebate",
    "name": "季度返利 Quarterly rebate",
    "kind": "rebate",
    "currency": "CNY",
    "start": "2026-01-01",
    "end": "2026-12-31",
    "period": "quarter",
    "eligible_tiers": ["silver", "gold"],
    "rules": [
        {"type": "percent_of_revenue", "rates": {"gold": "2.5", "silver": 1.1}},
        {
            "type": "volume_bands",
            "mode": "retroactive",
            "bands": [{"from": 0, "rate": "0.5"}, {"from": "100000.00", "rate": 1}],
            "skus": ["NET-100", "NET-200"],
        },
        {"type": "per_unit", "amounts": {"NET-100": "12.3456"}},
        {
            "type": "certification_bonus",
            "certification": "network-pro",
            "min_certified_users": 3,
            "amount": 800,
        },
    ],
    "cap_per_period": "50000.00",
}


@pytest.fixture
def certification():
    return certify(partner_in("gold"), "network-pro", users=0)


def _load(data):
    """As the command loads a JSON file: numbers in it are read as decimals."""
    return programs_load(data=read_program_file(json.dumps(data)))


def _write(tmp_path, data, name="programs.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_file_loads_exact_decimals_and_loading_it_again_changes_nothing(
    tmp_path, certification, capsys
):
    path = _write(tmp_path, [GOOD])
    call_command("load_programs", str(path))
    assert "created: q-rebate" in capsys.readouterr().out
    program = Program.objects.get(code="q-rebate")
    assert program.rule_list() == [
        PercentOfRevenue(rates={"gold": Decimal("2.5"), "silver": Decimal("1.1")}),
        VolumeBands(
            mode="retroactive",
            bands=(Band(Decimal(0), Decimal("0.5")), Band(Decimal(100000), Decimal(1))),
            skus=("NET-100", "NET-200"),
        ),
        PerUnit(amounts={"NET-100": Decimal("12.3456")}),
        CertificationBonus("network-pro", 3, Decimal(800)),
    ]
    assert program.cap_per_period == Decimal("50000.00")
    assert set(program.eligible_tiers.values_list("code", flat=True)) == {
        "silver",
        "gold",
    }
    call_command("load_programs", str(path))
    assert "unchanged: q-rebate" in capsys.readouterr().out
    assert Program.objects.count() == 1


def test_numbers_are_never_read_through_float(tmp_path, certification):
    # 0.1 + 0.2 is 0.30000000000000004 in float; as decimals it is exact.
    data = {**GOOD, "rules": [{"type": "per_unit", "amounts": {"A": 0.1234}}]}
    yaml_text = (
        "code: y\nname: Y\nkind: spiff\ncurrency: USD\nstart: 2026-01-01\n"
        "end: 2026-03-31\nperiod: month\neligible_tiers: [gold]\n"
        "rules:\n  - type: per_unit\n    amounts: {A: 0.1234, B: 1_000.5}\n"
    )
    _load([data])
    (tmp_path / "p.yaml").write_text(yaml_text, encoding="utf-8")
    call_command("load_programs", str(tmp_path / "p.yaml"))
    assert Program.objects.get(code="q-rebate").rule_list()[0].amounts["A"] == (
        Decimal("0.1234")
    )
    assert Program.objects.get(code="y").rule_list()[0].amounts == {
        "A": Decimal("0.1234"),
        "B": Decimal("1000.5"),
    }


def test_a_bad_file_is_refused_whole_with_every_error_and_its_place(
    tmp_path, certification
):
    bad = {
        **GOOD,
        "code": "second",
        "currency": "XYZ",
        "end": "2025-12-31",
        "eligible_tiers": ["gold", "diamond"],
        "rules": [
            {"type": "percent_of_revenue", "rates": {"gold": "1.5%", "bronze": 1}},
            {"type": "volume_bands", "mode": "stepped", "bands": []},
            {"type": "per_unit", "amounts": {"A": "0.12345"}},
            {"type": "certification_bonus", "certification": "nope", "amount": 1},
            {"type": "free_lunch"},
        ],
        "colour": "red",
    }
    path = _write(tmp_path, [GOOD, bad])
    with pytest.raises(CommandError) as refused:
        call_command("load_programs", str(path))
    message = str(refused.value)
    for expected in (
        "programs[1]: “colour” is not a field here.",
        "programs[1].currency: “XYZ” is not an ISO 4217 currency code",
        "programs[1].end: A program cannot end before it starts.",
        "programs[1].eligible_tiers[1]: there is no tier with this code.",
        "programs[1].rules[0].rates.gold: “1.5%” is not a number.",
        "programs[1].rules[0].rates.bronze: there is no tier with this code.",
        "programs[1].rules[1].mode: must be “marginal” or “retroactive”.",
        "programs[1].rules[1].bands: a list of at least one band is needed.",
        "programs[1].rules[2].amounts.A: at most 4 decimal places are allowed.",
        "programs[1].rules[3]: “min_certified_users” is missing.",
        "programs[1].rules[4]: “type” must be one of",
    ):
        assert expected in message
    # The good program in the same file was not written either.
    assert not Program.objects.exists()


def test_a_dry_run_writes_nothing(tmp_path, certification, capsys):
    call_command("load_programs", str(_write(tmp_path, GOOD)), "--dry-run")
    assert "created: q-rebate" in capsys.readouterr().out
    assert not Program.objects.exists()


def test_a_file_that_is_not_json_is_refused_with_a_message(tmp_path):
    path = tmp_path / "p.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_programs", str(path))


def test_export_reads_back_unchanged(tmp_path, certification, capsys):
    _load([GOOD])
    call_command("export_programs")
    exported = json.loads(capsys.readouterr().out)
    assert exported[0]["name"] == "季度返利 Quarterly rebate"
    path = _write(tmp_path, exported)
    call_command("load_programs", str(path))
    assert "unchanged: q-rebate" in capsys.readouterr().out


def test_a_program_from_a_file_equals_the_one_built_in_the_admin(certification):
    """The admin's rule editor stores what the file's rules become."""
    from partner_portal.incentives.blocks import RuleStreamBlock

    block = RuleStreamBlock()
    # What the admin's form posts for the same rules, cleaned as the editor does.
    edited = block.clean(
        block.to_python(
            [
                {
                    "type": "percent_of_revenue",
                    "value": {
                        "rates": [
                            {"tier": "gold", "percent": "2.5000"},
                            {"tier": "silver", "percent": "1.1000"},
                        ],
                        "skus": [],
                    },
                },
                {
                    "type": "volume_bands",
                    "value": {
                        "mode": "retroactive",
                        "bands": [
                            {"start": "0.00", "percent": "0.5000"},
                            {"start": "100000.00", "percent": "1.0000"},
                        ],
                        "skus": ["NET-100", "NET-200"],
                    },
                },
                {
                    "type": "per_unit",
                    "value": {"amounts": [{"sku": "NET-100", "amount": "12.3456"}]},
                },
                {
                    "type": "certification_bonus",
                    "value": {
                        "certification": "network-pro",
                        "min_certified_users": 3,
                        "amount": "800.00",
                    },
                },
            ]
        )
    )
    admin_built = Program.objects.create(
        code="admin-built",
        name=GOOD["name"],
        kind="rebate",
        currency="CNY",
        start="2026-01-01",
        end="2026-12-31",
        period="quarter",
        rules=edited,
        cap_per_period=Decimal("50000.00"),
    )
    admin_built.eligible_tiers.set([tier("silver"), tier("gold")])
    _load([GOOD])
    from_file = Program.objects.get(code="q-rebate")
    admin_built.refresh_from_db()
    assert admin_built.rule_list() == from_file.rule_list()
    assert {**program_to_file(admin_built), "code": "q-rebate"} == program_to_file(
        from_file
    )
