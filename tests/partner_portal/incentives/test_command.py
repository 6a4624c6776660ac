"""`manage.py import_sales FILE [--dry-run]`."""

from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from partner_portal.incentives.models import SalesRecord, SalesSource

from .conftest import ledger, write_csv

GOOD = "INV-1,1,P-1,2025-01-31,SKU-A,2,100.50,USD"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_sales", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_file_and_says_what_changed(tmp_path, partners):
    path = write_csv(tmp_path / "jan.csv", GOOD, "INV-1,2,P-2,2025-01-31,B,1,5,EUR")

    out, err = run(path)

    assert "Imported jan.csv" in out
    assert "2 rows: 2 lines created, 0 updated, 0 unchanged." in out
    assert "rows" in err  # the progress bar
    assert SalesRecord.objects.count() == 2
    assert SalesSource.objects.get().kind == "command"


def test_a_dry_run_writes_nothing(tmp_path, partners):
    path = write_csv(tmp_path / "jan.csv", GOOD)

    out, _err = run(path, "--dry-run")

    assert "Dry run, nothing was written:" in out
    assert "1 lines created" in out
    assert ledger() == ([], [], 0)


def test_errors_name_row_and_column_and_fail_the_command(tmp_path, partners):
    path = write_csv(tmp_path / "bad.csv", GOOD, "INV-2,1,P-1,2025-01-31,A,1,1.234,USD")
    err = StringIO()

    with pytest.raises(CommandError, match=r"has 1 error, so nothing was imported"):
        call_command("import_sales", str(path), stdout=StringIO(), stderr=err)

    assert (
        "Row 3, column amount: The amount has more than two decimal places."
        in err.getvalue()
    )
    assert ledger() == ([], [], 0)


def test_a_file_that_cannot_be_read_fails_the_command(tmp_path, partners):
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    with pytest.raises(CommandError, match=r"Only \.csv and \.xlsx files"):
        run(path)
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "missing.csv")
