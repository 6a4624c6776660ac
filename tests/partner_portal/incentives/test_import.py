"""The sales import: all or nothing, exact, idempotent, streaming."""

import tracemalloc
import zipfile
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError, Sum

import openpyxl
import psycopg
import pytest
from psycopg import sql

from partner_portal.incentives.models import SalesRecord, SalesRecordChange, SalesSource
from partner_portal.incentives.services import Outcome, sales_import_rows
from partner_portal.incentives.services import indexes as bulk_indexes
from partner_portal.partners.models import Partner
from tests.chinese_files import NAMES, each_case, excel_csv
from tests.factories import PartnerFactory, StaffFactory

from .conftest import HEADER, ledger, run_import, write_csv

GOOD = "INV-1,1,P-1,2025-01-31,SKU-A,2,100.50,USD"


def totals():
    return SalesRecord.objects.aggregate(lines=Sum("quantity"), amount=Sum("amount"))


def test_a_valid_file_creates_its_lines_with_their_source(tmp_path, partners):
    user = StaffFactory()
    path = write_csv(
        tmp_path / "january.csv",
        GOOD,
        "INV-1,2,P-2,2025-01-31,SKU-B,-1,-20,eur",
    )

    result = run_import(path, by=user)

    assert result.ok
    assert (result.rows, result.created, result.updated, result.unchanged) == (
        2,
        2,
        0,
        0,
    )
    line = SalesRecord.objects.get(invoice_number="INV-1", line_number=1)
    assert line.partner == partners[0]
    assert str(line.date) == "2025-01-31"
    assert (line.sku, line.quantity, line.amount, line.currency) == (
        "SKU-A",
        2,
        Decimal("100.50"),
        "USD",
    )
    credit = SalesRecord.objects.get(line_number=2)
    assert (credit.quantity, credit.amount, credit.currency) == (
        -1,
        Decimal("-20.00"),
        "EUR",
    )
    source = result.source
    assert (source.kind, source.name, source.created_by) == ("command", path.name, user)
    assert len(source.sha256) == 64
    assert (source.row_count, source.created_count) == (2, 2)
    assert set(SalesRecord.objects.values_list("source", flat=True)) == {source.pk}


# Each bad value, the column it is in, and the reason the import gives.
REFUSALS = [
    ("INV-1,1,P-9,2025-01-31,SKU-A,2,100.50,USD", "partner_external_id",
     "No partner has the external ID “P-9”."),
    ("INV-1,1,,2025-01-31,SKU-A,2,100.50,USD", "partner_external_id",
     "Enter the partner's external ID."),
    ("INV-1,1,P-1,31/01/2025,SKU-A,2,100.50,USD", "date",
     "Enter a real date as YYYY-MM-DD, such as 2025-01-31."),
    ("INV-1,1,P-1,2025-02-30,SKU-A,2,100.50,USD", "date",
     "Enter a real date as YYYY-MM-DD, such as 2025-01-31."),
    ("INV-1,1,P-1,20250131,SKU-A,2,100.50,USD", "date",
     "Enter a real date as YYYY-MM-DD, such as 2025-01-31."),
    ("INV-1,1,P-1,2025-01-31 10:00:00,SKU-A,2,100.50,USD", "date",
     "Enter a real date as YYYY-MM-DD, such as 2025-01-31."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,abc,USD", "amount",
     "The amount is not a number. Write it with a point before the cents, such as "
     "1234.50 or -99.90 for a return."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,1e5,USD", "amount",
     "The amount is not a number. Write it with a point before the cents, such as "
     "1234.50 or -99.90 for a return."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,100.505,USD", "amount",
     "The amount has more than two decimal places."),
    ('INV-1,1,P-1,2025-01-31,SKU-A,2,"1,234.50",USD', "amount",
     "Write the amount without thousands separators and with a point before the "
     "cents, such as 1234.50."),
    ('INV-1,1,P-1,2025-01-31,SKU-A,2,"100,50",USD', "amount",
     "Write the amount without thousands separators and with a point before the "
     "cents, such as 1234.50."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,1 234.50,USD", "amount",
     "Write the amount without thousands separators and with a point before the "
     "cents, such as 1234.50."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,,USD", "amount",
     "Enter the amount, such as 1234.50."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,1234567890123.00,USD", "amount",
     "The amount is too large: it may have at most 12 digits before the point."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,100.50,ABC", "currency",
     "“ABC” is not an ISO 4217 currency code, such as USD or CNY."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,100.50,XXX", "currency",
     "“XXX” is not an ISO 4217 currency code, such as USD or CNY."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,2,100.50,", "currency",
     "Enter the currency as an ISO 4217 code, such as USD or CNY."),
    ("INV-1,1,P-1,2025-01-31,SKU-A,1.5,100.50,USD", "quantity",
     "Enter the quantity as a whole number; returns are negative, such as -2."),
    ("INV-1,0,P-1,2025-01-31,SKU-A,2,100.50,USD", "line_number",
     "Enter the line number as a whole number from 1 up, such as 1."),
    (",1,P-1,2025-01-31,SKU-A,2,100.50,USD", "invoice_number",
     "Enter the invoice number."),
    ("INV-1,1,P-1,2025-01-31,,2,100.50,USD", "sku", "Enter the SKU."),
    (f"INV-1,1,P-1,2025-01-31,{'S' * 65},2,100.50,USD", "sku",
     "The SKU is longer than 64 characters."),
]  # fmt: skip


@pytest.mark.parametrize(("bad_line", "column", "message"), REFUSALS)
def test_a_bad_value_is_refused_by_row_and_column_and_nothing_is_written(
    tmp_path, partners, bad_line, column, message
):
    run_import(write_csv(tmp_path / "first.csv", GOOD))
    before = ledger()
    # The good line would change an existing line and add one: neither happens.
    path = write_csv(
        tmp_path / "second.csv",
        "INV-1,1,P-1,2025-01-31,SKU-A,3,150.75,USD",
        "INV-2,1,P-2,2025-02-01,SKU-B,1,10.00,CNY",
        bad_line.replace("INV-1,", "INV-3,", 1),
    )

    result = run_import(path)

    assert not result.ok
    assert [(e.row, e.column, e.message) for e in result.sorted_errors()] == [
        (4, column, message)
    ]
    assert result.source is None
    assert ledger() == before


def test_every_problem_of_a_row_is_reported(tmp_path, partners):
    path = write_csv(tmp_path / "bad.csv", "INV-1,x,P-9,2025-1-1,SKU,two,1.001,usdx")

    result = run_import(path)

    assert [e.column for e in result.sorted_errors()] == [
        "line_number",
        "partner_external_id",
        "date",
        "quantity",
        "amount",
        "currency",
    ]
    assert {e.row for e in result.sorted_errors()} == {2}


def test_a_missing_column_is_refused_naming_it(tmp_path, partners):
    header = HEADER.replace(",amount", "")
    path = write_csv(
        tmp_path / "no-amount.csv", "INV-1,1,P-1,2025-01-31,SKU-A,2,USD", header=header
    )

    result = run_import(path)

    assert [(e.row, e.column, e.message) for e in result.sorted_errors()] == [
        (1, "amount", "The first row must name a “amount” column.")
    ]
    assert ledger() == ([], [], 0)


def test_an_invoice_line_twice_in_one_file_is_refused_naming_both_rows(
    tmp_path, partners
):
    path = write_csv(
        tmp_path / "twice.csv",
        GOOD,
        "INV-1,2,P-1,2025-01-31,SKU-B,1,5.00,USD",
        "INV-1,1,P-2,2025-02-01,SKU-C,1,7.00,USD",
    )

    result = run_import(path)

    assert [(e.row, e.column, e.message) for e in result.sorted_errors()] == [
        (
            4,
            "line_number",
            "Invoice INV-1 line 1 is already in row 2 of this file; each invoice "
            "line may appear once.",
        )
    ]
    assert ledger() == ([], [], 0)


def test_a_file_without_lines_is_refused(tmp_path, partners):
    result = run_import(write_csv(tmp_path / "empty.csv"))

    assert result.file_error == "The file has no sales lines."
    assert ledger() == ([], [], 0)


def test_errors_past_the_limit_are_counted(tmp_path, partners):
    lines = [f"INV-{n},1,P-9,2025-01-31,SKU-A,1,1.00,USD" for n in range(1_500)]
    result = run_import(write_csv(tmp_path / "many.csv", *lines))

    assert result.errors.total == 1_500
    assert len(result.sorted_errors()) == 1_000
    assert ledger() == ([], [], 0)


def test_a_gb18030_file_from_chinese_excel_is_read(tmp_path, partners):
    path = write_csv(
        tmp_path / "销售.csv",
        "发票-001,1,P-1,2025-03-01,云服务-标准版,3,3600.00,CNY",
        encoding="gb18030",
    )

    result = run_import(path)

    assert result.ok
    line = SalesRecord.objects.get()
    assert (line.invoice_number, line.sku) == ("发票-001", "云服务-标准版")


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path, partners):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{GOOD}\n".encode())

    result = run_import(path)

    assert result.ok
    assert SalesRecord.objects.get().invoice_number == "INV-1"


def test_an_excel_workbook_is_imported(tmp_path, partners):
    import datetime

    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(
        ["INV-9", 1, "P-2", datetime.date(2025, 4, 30), "SKU-X", -2, -12.35, "GBP"]
    )
    path = tmp_path / "april.xlsx"
    workbook.save(path)

    result = run_import(path)

    assert result.ok
    line = SalesRecord.objects.get()
    assert (str(line.date), line.quantity, line.amount, line.currency) == (
        "2025-04-30",
        -2,
        Decimal("-12.35"),
        "GBP",
    )


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is>'
    "</c></row></sheetData></worksheet>"
).encode()


def test_an_excel_file_with_an_entity_expansion_is_refused_in_little_memory(
    tmp_path, partners
):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    path = tmp_path / "bomb.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as original:
        parts = {entry.filename: original.read(entry) for entry in original.infolist()}
    parts["xl/worksheets/sheet1.xml"] = BILLION_LAUGHS
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, content in parts.items():
            rewritten.writestr(name, content)

    tracemalloc.start()
    try:
        result = run_import(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert result.file_error == (
        "The Excel file declares XML entities or external references, "
        "which are not allowed."
    )
    assert peak < 20 * 1024**2  # &lol9; alone would expand to 3 GB
    assert ledger() == ([], [], 0)


def test_importing_the_same_file_again_changes_no_count_or_sum(tmp_path, partners):
    path = write_csv(
        tmp_path / "q1.csv",
        GOOD,
        "INV-1,2,P-1,2025-01-31,SKU-B,-1,-20.00,USD",
        "INV-2,1,P-2,2025-02-15,SKU-A,5,999.99,EUR",
    )
    run_import(path)
    before = (SalesRecord.objects.count(), totals())
    lines_before = list(SalesRecord.objects.order_by("pk").values())

    again = run_import(path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert (SalesRecord.objects.count(), totals()) == before
    assert list(SalesRecord.objects.order_by("pk").values()) == lines_before
    assert not SalesRecordChange.objects.exists()
    assert SalesSource.objects.count() == 2  # both loads are on record


def test_a_changed_line_keeps_its_earlier_values_in_its_history(tmp_path, partners):
    first = run_import(write_csv(tmp_path / "v1.csv", GOOD)).source
    second = run_import(
        write_csv(tmp_path / "v2.csv", "INV-1,1,P-2,2025-02-01,SKU-A,3,150.75,USD")
    )
    third = run_import(
        write_csv(tmp_path / "v3.csv", "INV-1,1,P-2,2025-02-01,SKU-A,3,-150.75,USD")
    )

    assert (second.created, second.updated) == (0, 1)
    line = SalesRecord.objects.get()
    assert (line.partner, line.amount, line.source) == (
        partners[1],
        Decimal("-150.75"),
        third.source,
    )
    history = list(line.changes.order_by("pk"))
    assert [
        (c.partner, str(c.date), c.quantity, c.amount, c.source, c.replaced_by)
        for c in history
    ] == [
        (partners[0], "2025-01-31", 2, Decimal("100.50"), first, second.source),
        (partners[1], "2025-02-01", 3, Decimal("150.75"), second.source, third.source),
    ]


def test_a_dry_run_reports_each_rows_outcome_and_writes_nothing(tmp_path, partners):
    run_import(write_csv(tmp_path / "v1.csv", GOOD, "INV-1,2,P-1,2025-01-31,B,1,1,USD"))
    before = ledger()
    path = write_csv(
        tmp_path / "v2.csv",
        "INV-1,1,P-1,2025-01-31,SKU-A,2,101.50,USD",
        "INV-1,2,P-1,2025-01-31,B,1,1.00,usd",
        "INV-2,1,P-2,2025-03-01,C,1,5,USD",
    )

    result = run_import(path, dry_run=True)

    assert result.ok and result.source is None
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert [(o.row, o.outcome, o.changed) for o in result.outcomes] == [
        (2, Outcome.UPDATE, ("amount",)),
        (3, Outcome.UNCHANGED, ()),
        (4, Outcome.CREATE, ()),
    ]
    assert ledger() == before


def test_partners_outside_the_importers_scope_count_as_unknown(tmp_path, partners):
    path = write_csv(tmp_path / "p2.csv", "INV-1,1,P-2,2025-01-31,SKU-A,1,1.00,USD")

    result = run_import(path, partners=Partner.objects.filter(external_id="P-1"))

    assert [(e.column, e.message) for e in result.sorted_errors()] == [
        ("partner_external_id", "No partner has the external ID “P-2”.")
    ]


def test_rows_from_an_api_call_go_through_the_same_checks(partners):
    rows = [
        (1, dict(zip(HEADER.split(","), GOOD.split(","), strict=True))),
        (2, {"invoice_number": "INV-2", "line_number": "1"}),
    ]

    result = sales_import_rows(rows=rows, name="POST /api/sales")

    assert {e.column for e in result.sorted_errors() if e.row == 2} == {
        "partner_external_id",
        "date",
        "sku",
        "quantity",
        "amount",
        "currency",
    }
    assert ledger() == ([], [], 0)


def write_ledger(path, rows, prefix):
    """A CSV of `rows` lines for partners P-00 to P-19; every fifth is a return."""
    with open(path, "w", encoding="utf-8") as file:
        file.write(HEADER + "\n")
        for n in range(rows):
            sign = "-" if n % 5 == 0 else ""
            file.write(
                f"{prefix}-{n // 4:06d},{n % 4 + 1},P-{n % 20:02d},"
                f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d},SKU-{n % 7},"
                f"{sign}{n % 3 + 1},{sign}{n % 1000}.{n % 100:02d},USD\n"
            )
    return path


def traced_import(path):
    tracemalloc.start()
    try:
        result = run_import(path)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_hundred_thousand_rows_import_in_flat_memory(tmp_path, db):
    for n in range(20):
        PartnerFactory(external_id=f"P-{n:02d}")
    small, small_peak = traced_import(write_ledger(tmp_path / "s.csv", 10_000, "A"))
    big, big_peak = traced_import(write_ledger(tmp_path / "b.csv", 100_000, "B"))

    assert small.ok and big.ok, big.sorted_errors()[:3]
    assert big.created == SalesRecord.objects.filter(source=big.source).count()
    assert big.created == 100_000
    expected = sum(
        (-1 if n % 5 == 0 else 1) * Decimal(f"{n % 1000}.{n % 100:02d}")
        for n in range(100_000)
    )
    assert (
        SalesRecord.objects.filter(source=big.source).aggregate(s=Sum("amount"))["s"]
        == expected
    )
    # Ten times the rows, not ten times the memory: what stays is one batch of
    # rows and the partners, never the file.
    assert big_peak < 1.5 * small_peak


def test_a_partner_or_import_with_sales_lines_cannot_be_deleted(tmp_path, partners):
    """The ledger's keys have no database constraint; PROTECT still guards them."""
    result = run_import(write_csv(tmp_path / "one.csv", GOOD))

    with pytest.raises(ProtectedError):
        partners[0].delete()
    with pytest.raises(ProtectedError):
        result.source.delete()
    assert SalesRecord.objects.get().partner == partners[0]


# Files PostgreSQL's COPY could read otherwise than the Python reader: each must
# give what the Python reader gives (the import switches readers where needed).
READ_ALIKE = [
    ("spaces around values", f"{HEADER}\n INV-1 , 1,P-1 ,2025-01-31,SKU-A,2 ,"
     "100.50\u3000,usd\n"),
    ("a blank line", f"{HEADER}\n{GOOD}\n\nINV-2,1,P-2,2025-01-31,B,1,5.00,USD\n"),
    ("a row of empty cells", f"{HEADER}\n{GOOD}\n, ,,,,,,\nINV-2,1,P-2,2025-01-31,B,1,"
     "5.00,USD\n"),
    ("quoted values", f'{HEADER}\n"INV-1","1","P-1","2025-01-31","SKU-A","2","100.50",'
     '"USD"\n"INV-2",1,P-2,2025-01-31,"B, boxed",1,5.00,USD\n'),
    ("leading zeros and a signed zero", f"{HEADER}\nINV-1,001,P-1,2025-01-31,SKU-A,-0,"
     "-0.00,USD\n"),
    ("Windows line endings", f"{HEADER}\r\n{GOOD}\r\nINV-2,1,P-2,2025-01-31,B,1,5,"
     "USD\r\n"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text"), READ_ALIKE, ids=[c for c, _ in READ_ALIKE])
def test_a_file_is_read_as_the_python_reader_reads_it(tmp_path, partners, case, text):
    path = tmp_path / "sales.csv"
    path.write_text(text, encoding="utf-8", newline="")

    result = run_import(path)

    assert result.ok, result.sorted_errors()
    lines = SalesRecord.objects.order_by("invoice_number")
    assert [(r.invoice_number, r.line_number, r.currency) for r in lines] == [
        ("INV-1", 1, "USD"),
        *([("INV-2", 1, "USD")] if "INV-2" in text else []),
    ]
    assert result.rows == lines.count()


def test_a_gb18030_file_has_its_cells_stripped_as_the_python_reader_does(
    tmp_path, partners
):
    """Only the rows with a cell to strip are rewritten (see reading.copy_file)."""
    path = tmp_path / "sales.csv"
    path.write_bytes(
        excel_csv(
            HEADER,
            [
                f"INV-1,1,P-1,2026-01-15,\u3000{NAMES[0]} ,2,100.00, cny",
                f"INV-2,1,P-2,2026-01-15,{NAMES[1]},1,5.00,CNY",
            ],
            "gb18030",
        )
    )

    result = run_import(path)

    assert result.ok, result.sorted_errors()
    assert result.encoding == "gb18030"
    lines = SalesRecord.objects.order_by("invoice_number")
    assert [(line.sku, line.currency) for line in lines] == [
        (NAMES[0], "CNY"),
        (NAMES[1], "CNY"),
    ]


def test_a_line_of_backslash_dot_does_not_end_the_file(tmp_path, partners):
    """In a CSV COPY, a line that is only "\\." ends the data without an error."""
    path = tmp_path / "sales.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n\\.\nINV-2,1,P-9,2025-01-31,B,1,5,USD\n")

    result = run_import(path)

    assert {(e.row, e.column) for e in result.sorted_errors()} >= {
        (3, "line_number"),
        (4, "partner_external_id"),
    }
    assert ledger() == ([], [], 0)


def test_a_nul_character_in_a_code_is_refused_by_name(partners):
    row = dict(zip(HEADER.split(","), GOOD.split(","), strict=True))
    row.update(invoice_number="INV\x001", amount="1\x002")

    result = sales_import_rows(rows=[(2, row)], name="nul")

    assert [(e.column, e.message) for e in result.sorted_errors()] == [
        (
            "invoice_number",
            "The invoice number contains a NUL character, which is not allowed.",
        ),
        (
            "amount",
            "The amount is not a number. Write it with a point before the cents, "
            "such as 1234.50 or -99.90 for a return.",
        ),
    ]
    assert ledger() == ([], [], 0)


def test_a_line_break_inside_a_value_is_kept_as_part_of_it(partners):
    rows = [
        dict(zip(HEADER.split(","), line.split(","), strict=True))
        for line in (GOOD, "INV-2,1,P-2,2025-01-31,SKU-B,1,5.00,USD")
    ]
    rows[0]["sku"] = "SKU\rA"
    rows[1]["sku"] = "SKU\nB"

    result = sales_import_rows(rows=[(2, rows[0]), (3, rows[1])], name="breaks")

    assert result.ok, result.sorted_errors()
    assert set(SalesRecord.objects.values_list("sku", flat=True)) == {
        "SKU\rA",
        "SKU\nB",
    }


def ledger_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "ORDER BY indexname",
            [SalesRecord._meta.db_table],
        )
        return cursor.fetchall()


def test_a_load_larger_than_the_ledger_leaves_its_indexes_as_they_were(
    tmp_path, partners, monkeypatch
):
    """Such a load builds the indexes anew after its lines are in (BULK_LINES)."""
    monkeypatch.setattr(bulk_indexes, "BULK_LINES", 2)
    indexes = ledger_indexes()
    first = write_csv(
        tmp_path / "first.csv", GOOD, "INV-1,2,P-2,2025-02-01,SKU-B,1,5.00,USD"
    )
    again = write_csv(
        tmp_path / "again.csv",
        "INV-1,1,P-1,2025-01-31,SKU-A,2,99.00,USD",
        "INV-2,1,P-2,2025-02-01,SKU-B,1,5.00,USD",
        "INV-3,1,P-2,2025-02-01,SKU-B,1,5.00,USD",
    )

    assert run_import(first).created == 2
    result = run_import(again)

    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert ledger_indexes() == indexes
    assert SalesRecordChange.objects.get().amount == Decimal("100.50")
    with pytest.raises(IntegrityError), transaction.atomic():
        record = SalesRecord.objects.get(invoice_number="INV-2")
        SalesRecord.objects.create(
            **{f.attname: getattr(record, f.attname) for f in SalesRecord._meta.fields
               if f.name != "id"}
        )  # fmt: skip


def test_a_large_load_does_not_wait_long_for_readers_of_the_ledger(
    tmp_path, partners, monkeypatch
):
    """While a report reads the ledger, a large load updates its indexes as it goes."""
    monkeypatch.setattr(bulk_indexes, "BULK_LINES", 1)
    monkeypatch.setattr(bulk_indexes, "BULK_LOCK_WAIT", "50ms")
    database = connection.settings_dict
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"],
    ) as reader:
        reader.execute(
            sql.SQL("SELECT count(*) FROM {}").format(
                sql.Identifier(SalesRecord._meta.db_table)
            )
        )

        result = run_import(write_csv(tmp_path / "one.csv", GOOD))

        assert reader.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    assert result.ok and result.created == 1
    assert SalesRecord.objects.get().amount == Decimal("100.50")


def import_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cplms_import_%%'"
        )
        schemas = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname LIKE 'incentives_sales_s%%'"
        )
        return schemas, cursor.fetchone()[0]


def test_imports_leave_no_working_table_behind(tmp_path, partners):
    path = write_csv(tmp_path / "one.csv", GOOD)

    dry = run_import(path, dry_run=True)
    bad = run_import(
        write_csv(tmp_path / "bad.csv", "INV-1,x,P-1,2025-01-31,A,1,1,USD")
    )
    done = run_import(path)

    assert dry.ok and not bad.ok and done.created == 1
    assert import_tables() == (0, 0)
    assert SalesRecord.objects.count() == 1


def test_a_database_user_who_may_not_create_schemas_still_imports(tmp_path, partners):
    """The import's working tables are then temporary ones (see staging.own_schema)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE cplms_importer NOLOGIN")
        cursor.execute(
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO cplms_importer; "
            "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO cplms_importer"
        )
        cursor.execute("SET LOCAL ROLE cplms_importer")

        result = run_import(write_csv(tmp_path / "one.csv", GOOD))

        cursor.execute("RESET ROLE")
    assert result.ok and result.created == 1
    assert SalesRecord.objects.get().amount == Decimal("100.50")
    assert import_tables() == (0, 0)


def test_a_load_smaller_than_the_ledger_never_locks_its_readers_out(
    tmp_path, partners, monkeypatch
):
    """Even before PostgreSQL has estimated the ledger's size (never analysed)."""
    monkeypatch.setattr(bulk_indexes, "BULK_LINES", 1)
    held = [f"INV-{n},1,P-1,2025-01-31,SKU-A,1,1.00,USD" for n in range(1, 4)]
    with monkeypatch.context() as patch:
        patch.setattr(bulk_indexes, "BULK_LINES", 10)
        assert run_import(write_csv(tmp_path / "held.csv", *held)).created == 3
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = run_import(
            write_csv(
                tmp_path / "two.csv",
                "INV-8,1,P-2,2025-02-01,SKU-B,1,5.00,USD",
                "INV-9,1,P-2,2025-02-01,SKU-B,1,5.00,USD",
            )
        )

    assert result.created == 2
    assert not [sql for sql in statements if sql.startswith("LOCK TABLE")]


@each_case
def test_chinese_skus_saved_by_excel_arrive_exactly(tmp_path, partners, encoding, rows):
    path = tmp_path / "sales.csv"
    path.write_bytes(
        excel_csv(
            HEADER,
            [
                f"INV-{n},1,P-1,2026-01-15,{name},2,100.00,CNY"
                for n, name in enumerate(NAMES[:rows])
            ],
            encoding,
        )
    )

    result = run_import(path)

    assert result.ok, result.sorted_errors()
    assert result.encoding == "gb18030"
    skus = SalesRecord.objects.order_by("invoice_number").values_list("sku", flat=True)
    assert list(skus) == NAMES[:rows]


def test_a_sales_file_in_another_encoding_is_read_as_named(tmp_path, partners):
    path = tmp_path / "sales.csv"
    path.write_bytes(
        excel_csv(HEADER, ["INV-1,1,P-1,2026-01-15,Лицензия,2,100.00,RUB"], "cp1251")
    )

    result = run_import(path, encoding="cp1251")

    assert result.ok, result.sorted_errors()
    assert SalesRecord.objects.get().sku == "Лицензия"
