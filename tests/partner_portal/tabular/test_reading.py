import datetime
import tracemalloc
import zipfile

from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

import openpyxl
import pytest

from partner_portal.tabular import reading as tabular
from partner_portal.tabular import xlsx
from partner_portal.tabular.reading import (
    ImportErrors,
    RowError,
    TabularError,
    decide_encoding,
    open_table,
)
from tests.chinese_files import NAMES, each_case, excel_csv

COMPANY = "上海华东渠道科技有限公司"
PARTNER_COLUMNS = ["external_id", "name"]


def read(path, *, required=PARTNER_COLUMNS, allowed=None, errors=None, **options):
    """Open the file as an import does and return its columns and rows."""
    errors = ImportErrors() if errors is None else errors
    with open(path, "rb") as file:
        table = open_table(
            file,
            filename=path.name,
            required=required,
            allowed=allowed,
            errors=errors,
            **options,
        )
        return table.columns, list(table.rows)


def refusal(path, **options):
    with pytest.raises(TabularError) as caught:
        read(path, **options)
    return str(caught.value)


def write_csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def replace_parts(path, parts):
    """Rewrite the workbook at path with these parts replaced or added."""
    with zipfile.ZipFile(path) as original:
        kept = {
            entry.filename: original.read(entry)
            for entry in original.infolist()
            if entry.filename not in parts
        }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for name, content in {**kept, **parts}.items():
            rewritten.writestr(name, content)
    return path


def test_a_utf8_csv_gives_stripped_values_under_normalised_headers(tmp_path):
    path = write_csv(
        tmp_path / "partners.csv",
        f" External_ID ,NAME\nP-001,  {COMPANY} \nP-002,Müller GmbH\n",
    )

    columns, rows = read(path)

    assert columns == ["external_id", "name"]
    assert rows == [
        (2, {"external_id": "P-001", "name": COMPANY}),
        (3, {"external_id": "P-002", "name": "Müller GmbH"}),
    ]


def test_the_byte_order_mark_of_excel_csv_utf8_is_not_part_of_the_first_header(
    tmp_path,
):
    path = write_csv(
        tmp_path / "p.csv", f"external_id,name\nP-1,{COMPANY}\n", "utf-8-sig"
    )

    columns, rows = read(path)

    assert columns == ["external_id", "name"]
    assert rows == [(2, {"external_id": "P-1", "name": COMPANY})]


def test_a_csv_saved_by_chinese_excel_reads_in_gb18030(tmp_path):
    names = [COMPANY, "北京中关村软件有限公司", "深圳市腾飞信息技术有限公司"]
    text = "external_id,name\n" + "".join(
        f"P-{n},{name}\n" for n, name in enumerate(names)
    )
    path = write_csv(tmp_path / "p.csv", text, "gbk")

    _, rows = read(path)

    assert [row["name"] for _, row in rows] == names


@pytest.mark.parametrize("name", ["华东", "上海", "北京", "渠道"])
def test_a_short_gbk_file_that_fits_other_encodings_too_reads_as_gb18030(
    tmp_path, name
):
    # charset-normalizer alone ranks UTF-16, Big5 or Big5-HKSCS first for these.
    data = f"name\n{name}\n".encode("gbk")
    path = tmp_path / "p.csv"
    path.write_bytes(data)

    assert decide_encoding(data) == "gb18030"
    assert read(path, required=["name"])[1] == [(2, {"name": name})]


@each_case
def test_chinese_names_saved_by_excel_arrive_exactly(tmp_path, encoding, rows):
    # Detection alone read the five-row GB18030 file as Windows-1251.
    header = "external_id,name,country,region,partner_type,tier,stage"
    lines = [
        f"CN-{n},{name},CN,greater_china,reseller,registered,active"
        for n, name in enumerate(NAMES[:rows])
    ]
    path = tmp_path / "p.csv"
    path.write_bytes(excel_csv(header, lines, encoding))
    errors = ImportErrors()

    with open(path, "rb") as file:
        table = open_table(
            file,
            filename="p.csv",
            required=["external_id", "name"],
            allowed=header.split(","),
            errors=errors,
        )
        names = [values["name"] for _, values in table.rows]

    assert names == NAMES[:rows]
    assert table.encoding == "gb18030"
    assert not errors


def test_a_file_that_is_not_utf8_is_read_in_the_encoding_the_user_names(tmp_path):
    path = write_csv(
        tmp_path / "p.csv", "external_id,name\nP-1,Łódź Sp. z o.o.\n", "cp1250"
    )

    _, rows = read(path, encoding="cp1250")

    assert rows == [(2, {"external_id": "P-1", "name": "Łódź Sp. z o.o."})]


def test_a_western_installation_reads_legacy_files_as_its_own_encoding(
    tmp_path, settings
):
    settings.IMPORT_LEGACY_ENCODING = "cp1252"
    path = write_csv(
        tmp_path / "p.csv", "external_id,name\nP-1,Société Générale\n", "cp1252"
    )

    _, rows = read(path)

    assert rows == [(2, {"external_id": "P-1", "name": "Société Générale"})]


def test_a_utf8_file_stays_utf8_whatever_encoding_is_named(tmp_path):
    path = write_csv(tmp_path / "p.csv", f"external_id,name\nP-1,{COMPANY}\n")

    _, rows = read(path, encoding="cp1252")

    assert rows == [(2, {"external_id": "P-1", "name": COMPANY})]


def test_an_encoding_nobody_knows_is_refused_by_name(tmp_path):
    path = write_csv(tmp_path / "p.csv", "external_id,name\nP-1,Łódź\n", "cp1250")

    assert refusal(path, encoding="klingon") == "“klingon” is not an encoding we know."
    assert refusal(path, encoding="utf-16").startswith(
        "A CSV file cannot be read as UTF-16."
    )


def test_bytes_the_legacy_encoding_cannot_read_name_the_row_and_a_suggestion(
    tmp_path, settings
):
    settings.IMPORT_LEGACY_ENCODING = "shift_jis"
    text = "external_id,name\n" + "".join(
        f"P-{n},Ромашка Лютик {n}\n" for n in range(40)
    )
    path = write_csv(tmp_path / "p.csv", text, "cp1251")

    message = refusal(path)

    assert message.startswith("Row 2 contains bytes that are not valid SHIFT-JIS text.")
    assert "It may be in " in message
    assert "choose that encoding and import it again" in message


def test_a_sample_that_ends_inside_a_utf8_character_is_still_utf8():
    assert decide_encoding(COMPANY.encode()[:-1]) == "utf-8"


def test_a_utf8_character_across_the_sample_boundary_is_read_whole(tmp_path):
    # One line longer than twice the sample, so the sample ends mid-character.
    text = "name\n" + "海" * tabular.SAMPLE_BYTES + "\n"
    path = write_csv(tmp_path / "p.csv", text)

    _, rows = read(path, required=["name"])

    assert rows == [(2, {"name": "海" * tabular.SAMPLE_BYTES})]


def test_a_binary_file_named_csv_is_refused_as_unrecognised_text(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    assert refusal(path) == (
        "The file is not text in an encoding we recognise. "
        "Save it as “CSV UTF-8” and upload it again."
    )


def test_a_bad_byte_after_the_sample_names_the_row_that_holds_it(tmp_path):
    lines = [f"P-{n},Partner {n}\n".encode() for n in range(10_000)]
    lines[7_000] = b"P-7000,Partner \xff\n"
    path = tmp_path / "p.csv"
    path.write_bytes(b"external_id,name\n" + b"".join(lines))

    assert refusal(path) == (
        "Row 7002 contains bytes that are not valid UTF-8 text. "
        "Save the file as “CSV UTF-8” and upload it again."
    )


def test_a_file_cut_inside_its_last_character_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(f"external_id,name\nP-1,{COMPANY}".encode()[:-1])

    assert refusal(path).startswith("Row 2 contains bytes that are not valid UTF-8")


def test_a_quote_that_never_closes_is_refused_at_its_row(tmp_path):
    text = 'external_id,name\nP-1,ok\nP-2,"open\n' + "x,y\n" * 40_000
    path = write_csv(tmp_path / "p.csv", text)

    assert refusal(path) == (
        "Row 3 could not be read as CSV. "
        "Check that every quoted value ends with a closing quote."
    )


def test_rows_are_numbered_as_excel_shows_them(tmp_path):
    text = 'external_id,name\nP-1,One\n\n,\nP-4,"Two\nlines"\nP-5,Five\n\n\n'
    path = write_csv(tmp_path / "p.csv", text)

    _, rows = read(path)

    assert [(number, row["external_id"]) for number, row in rows] == [
        (2, "P-1"),
        (5, "P-4"),
        (6, "P-5"),
    ]
    assert rows[1][1]["name"] == "Two\nlines"


def test_every_line_ending_excel_writes_is_understood(tmp_path):
    for ending in ["\r\n", "\r", "\n"]:
        path = write_csv(
            tmp_path / "p.csv", ending.join(["external_id,name", "P-1,A", "P-2,B", ""])
        )

        assert read(path)[1] == [
            (2, {"external_id": "P-1", "name": "A"}),
            (3, {"external_id": "P-2", "name": "B"}),
        ]


def test_short_rows_are_padded_with_empty_values(tmp_path):
    path = write_csv(tmp_path / "p.csv", "external_id,name,city\nP-1\n")

    _, rows = read(path, allowed=["city"])

    assert rows == [(2, {"external_id": "P-1", "name": "", "city": ""})]


def test_a_row_with_more_values_than_columns_is_reported_and_skipped(tmp_path):
    text = "external_id,name\nP-1,One,surplus\nP-2,Two,,\nP-3,Three\n"
    path = write_csv(tmp_path / "p.csv", text)
    errors = ImportErrors()

    _, rows = read(path, errors=errors)

    assert [number for number, _ in rows] == [3, 4]
    assert errors.errors == [
        RowError(
            2, None, "This row has more values than the first row has column names."
        )
    ]


def test_missing_and_unknown_columns_are_reported_together(tmp_path):
    path = write_csv(tmp_path / "p.csv", "Name,Colour,city,size\nA,red,x,1\n")

    assert refusal(path, required=["external_id", "name"], allowed=["city"]) == (
        "The file is missing these columns: external_id. "
        "The file has columns that are not allowed: colour, size. "
        "The allowed columns are: external_id, name, city."
    )


def test_only_required_columns_are_allowed_unless_others_are_named(tmp_path):
    path = write_csv(tmp_path / "p.csv", "external_id,name,city\nP-1,One,Wuhan\n")

    assert "not allowed: city." in refusal(path)
    assert read(path, allowed=["city"])[0] == ["external_id", "name", "city"]


def test_a_column_named_twice_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", "external_id,Name,name \nP-1,A,B\n")

    assert refusal(path) == "The file has these columns more than once: name."


def test_a_header_cell_without_a_name_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", "external_id,,name\nP-1,,A\n")

    assert refusal(path) == "Column 2 of the first row has no name."


def test_an_empty_file_and_a_blank_first_row_are_refused(tmp_path):
    empty = write_csv(tmp_path / "empty.csv", "")
    blank = write_csv(tmp_path / "blank.csv", ",,\nP-1,A\n")

    assert refusal(empty) == "The file is empty."
    assert refusal(blank) == "The first row of the file must hold the column names."


@pytest.mark.parametrize("name", ["partners.xls", "partners.txt", "partners"])
def test_only_csv_and_xlsx_files_are_read(tmp_path, name):
    path = write_csv(tmp_path / name, "external_id,name\n")

    assert refusal(path) == "Only .csv and .xlsx files can be imported."


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = write_csv(tmp_path / "p.csv", "external_id,name\n" + "P-1,A\n" * 300)

    assert refusal(path, max_bytes=1024) == (
        "The file is larger than the limit of 1.0\xa0KB."
    )
    assert len(read(path, max_bytes=10_000)[1]) == 300


def test_a_django_upload_is_read_and_left_open_for_the_caller():
    upload = SimpleUploadedFile(
        "partners.CSV", f"external_id,name\nP-1,{COMPANY}\n".encode("gb18030")
    )

    table = open_table(
        upload, filename=upload.name, required=PARTNER_COLUMNS, errors=ImportErrors()
    )

    assert list(table.rows) == [(2, {"external_id": "P-1", "name": COMPANY})]
    assert not upload.closed


def test_an_xlsx_gives_every_cell_as_text(tmp_path):
    path = write_xlsx(
        tmp_path / "awards.xlsx",
        [
            ["External_ID", "name", "amount", "awarded", "count", "active"],
            ["P-1", COMPANY, 1234.5, datetime.date(2024, 3, 1), 3.0, True],
            ["P-2", " Spaced ", 0.1, datetime.datetime(2024, 3, 1, 9, 30), 7, False],
            ["P-3", None, 0.00001, None, 1e20, None],
        ],
    )

    columns, rows = read(
        path,
        required=["external_id", "name"],
        allowed=["amount", "awarded", "count", "active"],
    )

    assert columns == ["external_id", "name", "amount", "awarded", "count", "active"]
    assert [values for _, values in rows] == [
        {
            "external_id": "P-1",
            "name": COMPANY,
            "amount": "1234.5",
            "awarded": "2024-03-01",
            "count": "3",
            "active": "TRUE",
        },
        {
            "external_id": "P-2",
            "name": "Spaced",
            "amount": "0.1",
            "awarded": "2024-03-01 09:30:00",
            "count": "7",
            "active": "FALSE",
        },
        {
            "external_id": "P-3",
            "name": "",
            "amount": "0.00001",
            "awarded": "",
            "count": "100000000000000000000",
            "active": "",
        },
    ]


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path):
    path = tmp_path / "p.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["external_id", "name"])
    sheet["A2"], sheet["B2"] = "P-2", "Two"
    sheet["A5"], sheet["B5"] = "P-5", "Five"
    sheet["A9"] = None
    sheet["B12"].number_format = "0.00"
    workbook.save(path)

    _, rows = read(path)

    assert [number for number, _ in rows] == [2, 5]


def test_an_xlsx_that_declares_a_wrong_size_is_read_in_full(tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx", [["external_id", "name"], ["P-1", "A"], ["P-2", "B"]]
    )
    with zipfile.ZipFile(path) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml")
    replace_parts(
        path,
        {"xl/worksheets/sheet1.xml": sheet.replace(b'ref="A1:B3"', b'ref="A1:A1"')},
    )

    assert read(path)[1] == [
        (2, {"external_id": "P-1", "name": "A"}),
        (3, {"external_id": "P-2", "name": "B"}),
    ]


def test_xlsx_rows_past_excels_last_row_are_ignored(tmp_path):
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
        '<row r="1"><c r="A1" t="inlineStr"><is><t>external_id</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>P-1</t></is></c></row>'
        '<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    path = write_xlsx(tmp_path / "p.xlsx", [["placeholder"]])
    replace_parts(path, {"xl/worksheets/sheet1.xml": sheet.encode()})

    assert read(path)[1] == [(2, {"external_id": "P-1", "name": ""})]


def test_the_first_worksheet_is_read(tmp_path):
    path = tmp_path / "p.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["external_id", "name"])
    workbook.active.append(["P-1", "First"])
    workbook.create_sheet("Notes").append(["anything"])
    workbook.active = 1
    workbook.save(path)

    assert read(path)[1] == [(2, {"external_id": "P-1", "name": "First"})]


def test_an_xlsx_with_a_surplus_value_reports_the_row(tmp_path):
    path = write_xlsx(
        tmp_path / "p.xlsx", [["external_id", "name"], ["P-1", "A", "oops"]]
    )
    errors = ImportErrors()

    assert read(path, errors=errors)[1] == []
    assert [(e.row, e.column) for e in errors.errors] == [(2, None)]


def test_a_file_that_is_not_a_zip_is_not_a_workbook(tmp_path):
    path = write_csv(tmp_path / "p.xlsx", "external_id,name\nP-1,A\n")

    assert refusal(path) == "The file is not a valid Excel workbook (.xlsx)."


SHEET_XML = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&{entity};</t></is></c>'
    "</row></sheetData></worksheet>"
)
NESTED_ENTITIES = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    + NESTED_ENTITIES
    + "]>"
    + SHEET_XML.format(entity="lol9")
).encode()
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>'
    '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    + SHEET_XML.format(entity="xxe")
).encode()


@pytest.mark.parametrize(
    ("part", "content"),
    [
        ("xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        ("xl/worksheets/sheet1.xml", EXTERNAL_ENTITY),
        ("xl/workbook.xml", BILLION_LAUGHS),
    ],
)
def test_xml_entities_in_a_workbook_are_refused_without_expanding(
    tmp_path, part, content
):
    path = write_xlsx(tmp_path / "p.xlsx", [["external_id", "name"], ["P-1", "A"]])
    replace_parts(path, {part: content})

    tracemalloc.start()
    try:
        message = refusal(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert message == (
        "The Excel file declares XML entities or external references, "
        "which are not allowed."
    )
    assert peak < 20 * 1024**2  # &lol9; alone would expand to 3 GB


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [["external_id", "name"]])
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
        bomb.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(xlsx.XLSX_MAX_UNPACKED_BYTES // 2**20 + 1):
            part.write(b" " * 2**20)

    assert refusal(path) == (
        "The Excel file unpacks to more than 1.0\xa0GB, which is too large."
    )


def test_a_workbook_compressed_like_a_zip_bomb_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [["external_id", "name"]])
    replace_parts(path, {"xl/worksheets/sheet1.xml": b" " * 50 * 2**20})

    assert refusal(path) == (
        "The Excel file is compressed far more tightly than a real spreadsheet, "
        "so it was refused."
    )


def test_a_workbook_with_too_many_parts_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", [["external_id", "name"]])
    replace_parts(
        path,
        {f"xl/media/image{n}.png": b"" for n in range(xlsx.XLSX_MAX_ENTRIES)},
    )

    assert refusal(path) == "The Excel file has too many parts to be opened safely."


def test_xlsx_is_refused_when_openpyxl_would_not_use_defusedxml(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "p.xlsx", [["external_id", "name"]])
    monkeypatch.setattr(xlsx, "DEFUSEDXML", False)

    with pytest.raises(ImproperlyConfigured):
        read(path)


def test_a_large_csv_is_read_in_constant_memory(tmp_path):
    path = tmp_path / "ledger.csv"
    with open(path, "w", encoding="gb18030", newline="") as file:
        file.write("external_id,name,amount\n")
        for n in range(200_000):
            file.write(f"P-{n:06d},{COMPANY},{n}.25\n")
    size = path.stat().st_size

    tracemalloc.start()
    try:
        with open(path, "rb") as file:
            table = open_table(
                file,
                filename="ledger.csv",
                required=["external_id", "name", "amount"],
                errors=ImportErrors(),
            )
            count = sum(1 for _ in table.rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert count == 200_000
    # What stays is the encoding sample and one row, however long the file.
    assert peak < size / 10


def test_import_errors_keep_the_first_ones_and_count_them_all():
    errors = ImportErrors(limit=2)
    assert not errors

    for row in range(2, 1_002):
        errors.add(row, "amount", "Enter an amount with at most two decimals.")

    assert errors
    assert errors.total == 1_000
    assert errors.errors == [
        RowError(2, "amount", "Enter an amount with at most two decimals."),
        RowError(3, "amount", "Enter an amount with at most two decimals."),
    ]
