from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from learning.models import CertificationAward
from tests.chinese_files import NAMES, each_case, excel_csv
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,certification_code,issued_at,expires_at,credential_id\n"


@pytest.fixture
def setup(make_course, make_certification):
    make_certification("sec", [make_course("sec-101")])
    MembershipFactory(user__email="ana@example.com")
    MembershipFactory(user__email="bo@example.com")


def _write(tmp_path, text, name="awards.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_good_file_imports_every_award(tmp_path, setup):
    path = _write(
        tmp_path,
        HEADER
        + "ANA@example.com,sec,2024-01-01,2026-01-01,OLD-SYSTEM-0001\n"
        + "bo@example.com,sec,2025-02-01,2027-02-01,\n",
    )
    out = StringIO()
    call_command(
        "import_certifications", path, "--dry-run", stdout=out, stderr=StringIO()
    )
    assert "Dry run" in out.getvalue()
    assert not CertificationAward.objects.exists()
    call_command("import_certifications", path, stdout=StringIO(), stderr=StringIO())
    awards = CertificationAward.objects.order_by("issued_at")
    assert [a.user.email for a in awards] == ["ana@example.com", "bo@example.com"]
    assert awards[0].credential_id == "OLD-SYSTEM-0001"
    assert awards[1].credential_id and awards[0].source == "imported"
    # The row with a credential id is recognised when the file comes again.
    again = _write(
        tmp_path,
        HEADER + "ana@example.com,sec,2024-01-01,2026-01-01,OLD-SYSTEM-0001\n",
        name="again.csv",
    )
    out = StringIO()
    call_command("import_certifications", again, stdout=out, stderr=StringIO())
    assert "0 new, 0 changed, 1 unchanged." in out.getvalue()
    assert CertificationAward.objects.count() == 2


def test_bad_rows_write_nothing_and_are_all_reported(tmp_path, setup):
    UserFactory(email="nopartner@example.com")
    path = _write(
        tmp_path,
        HEADER
        + "ana@example.com,sec,2024-01-01,2026-01-01,GOOD-ID-0001\n"
        + "ghost@example.com,sec,2024-01-01,2026-01-01,\n"
        + "bo@example.com,nope,2024-01-01,2026-01-01,\n"
        + "bo@example.com,sec,01/02/2024,2026-01-01,\n"
        + "bo@example.com,sec,2026-01-01,2024-01-01,\n"
        + "bo@example.com,sec,2024-01-01,2026-01-01,GOOD-ID-0001\n"
        + "nopartner@example.com,sec,2024-01-01,2026-01-01,\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="6 errors"):
        call_command("import_certifications", path, stdout=StringIO(), stderr=err)
    assert not CertificationAward.objects.exists()
    lines = err.getvalue()
    for expected in (
        "Row 3, column email",
        "Row 4, column certification_code",
        "Row 5, column issued_at",
        "Row 6, column expires_at",
        "Row 7, column credential_id",
        "Row 8, column email",
    ):
        assert expected in lines


def test_a_file_with_the_wrong_columns_is_refused(tmp_path, setup):
    path = _write(tmp_path, "email,code\nana@example.com,sec\n")
    with pytest.raises(CommandError, match="missing these columns"):
        call_command(
            "import_certifications", path, stdout=StringIO(), stderr=StringIO()
        )
    assert not CertificationAward.objects.exists()


def test_xlsx_and_other_encodings_import_alike(tmp_path, setup):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        ["ana@example.com", "sec", "2024-01-01", "2026-01-01", "XLSX-ROW-0001"]
    )
    workbook.save(tmp_path / "awards.xlsx")
    bom = tmp_path / "bom.csv"
    bom.write_bytes(
        "\ufeff".encode()
        + (HEADER + "bo@example.com,sec,2024-02-01,2026-02-01,BOM-ROW-0001\n").encode()
    )
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(
        (HEADER + "bo@example.com,sec,2024-03-01,2026-03-01,GBK-ROW-0001\n").encode(
            "gb18030"
        )
    )
    for path in (tmp_path / "awards.xlsx", bom, gbk):
        call_command(
            "import_certifications", str(path), stdout=StringIO(), stderr=StringIO()
        )
    assert set(CertificationAward.objects.values_list("credential_id", flat=True)) == {
        "XLSX-ROW-0001",
        "BOM-ROW-0001",
        "GBK-ROW-0001",
    }


def test_an_xlsx_file_with_a_bad_row_writes_nothing(tmp_path, setup):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["ana@example.com", "sec", "2024-01-01", "2026-01-01", ""])
    sheet.append(["bo@example.com", "sec", "2024-01-01", "not a date", ""])
    workbook.save(tmp_path / "awards.xlsx")
    err = StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command(
            "import_certifications",
            str(tmp_path / "awards.xlsx"),
            stdout=StringIO(),
            stderr=err,
        )
    assert "Row 3, column expires_at" in err.getvalue()
    assert not CertificationAward.objects.exists()


def test_a_user_named_may_import_only_their_partners_users(tmp_path, setup):
    from django.contrib.auth.models import Permission

    from partner_portal.partners.services import account_manager_permissions_sync
    from tests.factories import PartnerFactory, StaffFactory

    manager = StaffFactory(username="cam")
    manager.user_permissions.add(
        Permission.objects.get(codename="add_certificationaward")
    )
    mine = PartnerFactory(account_manager=manager)
    account_manager_permissions_sync(partner=mine)
    MembershipFactory(partner=mine, user__email="mine@example.com")
    path = _write(
        tmp_path,
        HEADER
        + "ana@example.com,sec,2024-01-01,2026-01-01,\n"
        + "mine@example.com,sec,2024-01-01,2026-01-01,\n",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="1 error"):
        call_command(
            "import_certifications", path, "--user=cam", stdout=StringIO(), stderr=err
        )

    assert "Row 2, column email: No user has this email address." in err.getvalue()
    assert not CertificationAward.objects.exists()
    with pytest.raises(CommandError, match="may not run this import"):
        call_command(
            "import_certifications",
            path,
            f"--user={UserFactory().username}",
            stdout=StringIO(),
            stderr=StringIO(),
        )


@each_case
def test_chinese_addresses_saved_by_excel_find_their_holders(
    tmp_path, make_course, make_certification, encoding, rows
):
    make_certification("sec", [make_course("sec-101")])
    for name in NAMES[:rows]:
        MembershipFactory(user__email=f"{name}@cq.example", user__first_name=name)
    path = tmp_path / "awards.csv"
    path.write_bytes(
        excel_csv(
            HEADER.strip(),
            [f"{name}@cq.example,sec,2026-01-15,2028-01-15," for name in NAMES[:rows]],
            encoding,
        )
    )
    out = StringIO()

    call_command("import_certifications", str(path), stdout=out, stderr=StringIO())

    assert "awards.csv was read as GB18030 text." in out.getvalue()
    holders = CertificationAward.objects.values_list("user__first_name", flat=True)
    assert sorted(holders) == sorted(NAMES[:rows])


@pytest.mark.parametrize("rows", [1, 5])
def test_a_file_without_credential_ids_imported_twice_adds_nothing_the_second_time(
    tmp_path, make_course, make_certification, rows
):
    make_certification("sec", [make_course("sec-101")])
    for number in range(rows):
        MembershipFactory(user__email=f"holder{number}@example.com")
    path = _write(
        tmp_path,
        HEADER
        + "".join(
            f"Holder{number}@example.com,sec,2025-03-0{number + 1},2027-03-01,\n"
            for number in range(rows)
        ),
    )
    call_command("import_certifications", path, stdout=StringIO(), stderr=StringIO())
    first = set(CertificationAward.objects.values_list("pk", "credential_id"))
    out = StringIO()

    call_command("import_certifications", path, stdout=out, stderr=StringIO())

    assert f"0 new, 0 changed, {rows} unchanged." in out.getvalue()
    assert set(CertificationAward.objects.values_list("pk", "credential_id")) == first
    assert len(first) == rows


def test_a_row_without_credential_id_that_contradicts_the_stored_award_is_refused(
    tmp_path, setup
):
    call_command(
        "import_certifications",
        _write(tmp_path, HEADER + "ana@example.com,sec,2024-01-01,2026-01-01,\n"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    stored = CertificationAward.objects.get()
    other_expiry = _write(
        tmp_path,
        HEADER + "ana@example.com,sec,2024-01-01,2026-06-01,\n",
        name="expiry.csv",
    )
    other_id = _write(
        tmp_path,
        HEADER + "ana@example.com,sec,2024-01-01,2026-01-01,FROM-OLD-SYSTEM-1\n",
        name="credential.csv",
    )
    errors = []
    for path in (other_expiry, other_id):
        err = StringIO()
        with pytest.raises(CommandError, match="1 error"):
            call_command("import_certifications", path, stdout=StringIO(), stderr=err)
        errors.append(err.getvalue())

    assert (
        "Row 2, column expires_at: The holder already has this certification from "
        "the same issue date, expiring on 2026-01-01."
    ) in errors[0]
    assert (
        "Row 2, column credential_id: The holder already has this certification "
        "from the same issue date, under another credential ID."
    ) in errors[1]
    assert list(CertificationAward.objects.all()) == [stored]


def test_two_rows_of_one_award_in_a_file_are_refused(tmp_path, setup):
    path = _write(
        tmp_path,
        HEADER
        + "ana@example.com,sec,2024-01-01,2026-01-01,\n"
        + "ANA@example.com,sec,2024-01-01,2026-01-01,\n",
    )
    err = StringIO()

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_certifications", path, stdout=StringIO(), stderr=err)

    assert (
        "Row 3, column issued_at: Row 2 awards this certification to the same "
        "holder on the same day."
    ) in err.getvalue()
    assert not CertificationAward.objects.exists()
