"""`import_partners` and `import_partner_users`: the same import, from a shell."""

from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from partner_portal.partners.models import Partner, StageChange, User
from tests.chinese_files import (
    NAMES,
    PARTNER_REQUIRED_HEADER,
    chinese_partners_csv,
    excel_csv,
)
from tests.factories import PartnerFactory, StaffFactory, tier

PARTNER_HEADER = (
    "external_id,name,legal_name,country,region,partner_type,tier,stage,"
    "joined_on,account_manager_email,email_domain"
)


def write(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def partners_file(tmp_path, db):
    PartnerFactory(external_id="C-1", name="Old name")
    return write(
        tmp_path,
        "partners.csv",
        [
            PARTNER_HEADER,
            "C-1,New name,,DE,emea,reseller,registered,active,,,",
            "C-2,华东渠道,,CN,greater_china,distributor,gold,onboarding,,,",
        ],
    )


def test_import_partners_dry_run_writes_nothing(partners_file, capsys):
    out, _err = run("import_partners", str(partners_file), "--dry-run")

    progress = capsys.readouterr().err
    assert "Checking: 100%" in progress
    assert "2/2" in progress

    assert "Dry run, nothing was written: 1 new, 1 changed, 0 unchanged." in out
    assert Partner.objects.get(external_id="C-1").name == "Old name"
    assert not Partner.objects.filter(external_id="C-2").exists()


def test_import_partners_writes_and_records_the_user(partners_file):
    StaffFactory(username="ops", is_superuser=True)

    out, _err = run("import_partners", str(partners_file), "--user", "ops")

    assert "Imported partners.csv: 1 new, 1 changed, 0 unchanged." in out
    assert Partner.objects.get(external_id="C-2").name == "华东渠道"
    change = StageChange.objects.get(partner__external_id="C-2")
    assert (change.changed_by.username, change.reason) == (
        "ops",
        "Imported from partners.csv.",
    )
    out, _err = run("import_partners", str(partners_file))
    assert "0 new, 0 changed, 2 unchanged." in out


def test_import_partners_prints_each_error_and_exits_non_zero(tmp_path, db):
    path = write(
        tmp_path,
        "bad.csv",
        [
            PARTNER_HEADER,
            "E-1,Fine,,DE,emea,reseller,registered,active,,,",
            "E-2,Bad,,DE,emea,reseller,diamond,active,2024-13-01,,",
        ],
    )
    err = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_partners", str(path), stdout=StringIO(), stderr=err)

    assert refused.value.returncode == 1
    assert str(refused.value) == "The file has 2 errors, so nothing was imported."
    assert err.getvalue().splitlines() == [
        "Row 3, column tier: “diamond” is not a tier code. "
        "Use one of: registered, silver, gold, platinum.",
        "Row 3, column joined_on: Enter the date as YYYY-MM-DD, such as 2024-03-01.",
    ]
    assert not Partner.objects.filter(external_id="E-1").exists()


def test_a_file_that_cannot_be_read_is_refused_plainly(tmp_path, db):
    path = write(tmp_path, "partners.csv", ["external_id,name"])

    with pytest.raises(CommandError, match="The file is missing these columns"):
        run("import_partners", str(path))
    with pytest.raises(CommandError, match="cannot be read"):
        run("import_partners", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="No user has the username"):
        run("import_partners", str(path), "--user", "nobody")


def test_import_partner_users_dry_run_writes_nothing(tmp_path, db):
    PartnerFactory(external_id="U-1", tier=tier("silver"))
    path = write(
        tmp_path,
        "users.csv",
        [
            "email,first_name,last_name,partner_external_id,role",
            "one@u.example,One,User,U-1,admin",
        ],
    )
    users_before = User.objects.count()

    out, _err = run("import_partner_users", str(path), "--dry-run")

    assert "Dry run, nothing was written: 1 new, 0 changed, 0 unchanged." in out
    assert User.objects.count() == users_before

    out, _err = run("import_partner_users", str(path))

    assert "Imported users.csv: 1 new, 0 changed, 0 unchanged." in out
    assert User.objects.get(email="one@u.example").membership.role == "admin"


def test_the_command_says_which_encoding_it_read_and_takes_another(tmp_path, db):
    path = tmp_path / "partners.csv"
    path.write_bytes(chinese_partners_csv("gbk"))

    out, _err = run("import_partners", str(path))

    assert "partners.csv was read as GB18030 text." in out
    assert sorted(Partner.objects.values_list("name", flat=True)) == sorted(NAMES)

    path.write_bytes(
        excel_csv(
            PARTNER_REQUIRED_HEADER,
            ["RU-1,Ромашка,RU,emea,reseller,registered,active"],
            "cp1251",
        )
    )

    out, _err = run("import_partners", str(path), "--encoding", "cp1251")

    assert "partners.csv was read as CP1251 text." in out
    assert Partner.objects.get(external_id="RU-1").name == "Ромашка"


def test_an_unknown_encoding_fails_the_command_plainly(tmp_path, db):
    path = write(tmp_path, "partners.csv", [PARTNER_HEADER])
    path.write_bytes("external_id,name\nP-1,Łódź\n".encode("cp1250"))

    with pytest.raises(CommandError, match=r"“latin-9x” is not an encoding we know\."):
        run("import_partners", str(path), "--encoding", "latin-9x")
