"""Read an uploaded CSV or XLSX file as a stream of rows of strings.

Every bulk import (partners, partner users, certification awards, asset manifests,
sales ledgers) reads its upload through `open_table()`, so that encodings, headers,
row numbers and refusals behave the same everywhere. Rows are produced one at a
time: a file of a million rows is never held in memory.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

import charset_normalizer
from defusedxml import DefusedXmlException
from lxml.etree import XMLSyntaxError
from openpyxl import DEFUSEDXML, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

# How much of a CSV file (plus the rest of its last line) decides its encoding.
SAMPLE_BYTES = 64 * 1024

# Limits checked on an XLSX file's ZIP directory before anything is unpacked. A
# million-row sheet unpacks to well under 1 GiB; real worksheets compress 8 to 25
# times, deflate bombs about 1,000 times (the ratio is checked on parts over 1 MiB).
XLSX_MAX_ENTRIES = 1_000
XLSX_MAX_UNPACKED_BYTES = 1024**3
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 1024**2
EXCEL_MAX_ROWS = 1_048_576

_GB_FAMILY = {"gb2312", "gbk", "gb18030"}
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
# openpyxl reports a malformed workbook with any of these; defusedxml's refusals
# are ValueErrors too. Some parts (workbook.xml) openpyxl parses with lxml when it
# is installed, which refuses entity expansion with an XMLSyntaxError.
_BROKEN_XLSX = (
    InvalidFileException,
    zipfile.BadZipFile,
    ParseError,
    XMLSyntaxError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
)


class TabularError(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass(frozen=True)
class RowError:
    """One problem with one row (and maybe one column) of an imported file."""

    row: int
    column: str | None
    message: str


class ImportErrors:
    """The row errors of one import, in the order they were added.

    Keeps the first `limit` errors and counts all of them, so that a file with a
    million bad rows reports how many there were without holding every message.
    """

    def __init__(self, limit: int = 1_000) -> None:
        self.limit = limit
        self.total = 0
        self.errors: list[RowError] = []

    def add(self, row: int, column: str | None, message: str) -> None:
        self.total += 1
        if len(self.errors) < self.limit:
            self.errors.append(RowError(row, column, message))

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass(frozen=True)
class Table:
    """The checked header of a file and an iterator over its data rows.

    `rows` yields `(row number, {column: stripped text})`, numbered as Excel shows
    them (the header is row 1). Blank rows are skipped. Iterating may raise
    `TabularError` if the file turns out to be unreadable part way through.
    """

    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    # The codec a CSV file was read in; None for a workbook.
    encoding: str | None = None


def open_table(
    file: BinaryIO | File,
    *,
    filename: str,
    required: Iterable[str],
    errors: ImportErrors,
    allowed: Iterable[str] | None = None,
    max_bytes: int | None = None,
    encoding: str | None = None,
) -> Table:
    """Open an uploaded .csv or .xlsx file and check its header row.

    `file` is a seekable binary file (a Django `UploadedFile` or a file opened
    with "rb"); `filename` decides the format. Column names are compared stripped
    and lower-cased; `required` and `allowed` must be given that way. Columns in
    `allowed` may be present, those in `required` must be; with `allowed` left
    out, only the required columns are accepted. A row with values beyond the
    last column is reported to `errors` and skipped. A CSV file that is not UTF-8
    is read in `encoding`, the one the user named, or else the installation's
    legacy encoding (`decide_encoding`).

    Raises `TabularError` for a file that cannot be imported at all.
    """
    kind = PurePath(filename).suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise TabularError(_("Only .csv and .xlsx files can be imported."))
    size = file.seek(0, io.SEEK_END)
    if max_bytes is not None and size > max_bytes:
        raise TabularError(
            _("The file is larger than the limit of %(limit)s.")
            % {"limit": filesizeformat(max_bytes)}
        )
    file.seek(0)
    if kind == ".csv":
        codec, cells = _read_csv(file, encoding)
    else:
        codec, cells = None, _read_xlsx(file)
    table = _table(cells, required=list(required), allowed=allowed, errors=errors)
    return Table(columns=table.columns, rows=table.rows, encoding=codec)


def decide_encoding(sample: bytes, named: str | None = None) -> str:
    """Name the Python codec a CSV file is read in, from its first bytes.

    Decided, never guessed: a UTF-8 byte order mark gives "utf-8-sig" (which drops
    the mark) and text that is valid UTF-8 gives "utf-8"; any other file is read
    in the encoding the user `named`, or else in the installation's
    `IMPORT_LEGACY_ENCODING` (GB18030 by default, as Excel saves CSV in China).
    Charset detection ranks a five-row Chinese file as a Cyrillic code page, so it
    only ever suggests an encoding in an error message (`suggest_encoding`). The
    sample may stop in the middle of a character. GB2312 and GBK are read as their
    superset GB18030.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # Text in a CSV never holds NUL bytes; binary files and UTF-16 do.
    if b"\x00" in sample:
        raise TabularError(_unknown_encoding())
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    return codec_named(named or settings.IMPORT_LEGACY_ENCODING)


def codec_named(name: str) -> str:
    """The Python codec of an encoding a user or the settings name, checked.

    Raises `TabularError` for a name Python does not know and for encodings that
    spell a CSV's commas, quotes and line breaks other than ASCII does (UTF-16,
    EBCDIC), which would misread every row.
    """
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise TabularError(
            _("“%(name)s” is not an encoding we know.") % {"name": name}
        ) from None
    if codec in _GB_FAMILY:
        return "gb18030"
    if '\r\n,"'.encode(codec, errors="replace") != b'\r\n,"':
        raise TabularError(
            _("A CSV file cannot be read as %(encoding)s.")
            % {"encoding": encoding_label(codec)}
        )
    return codec


def _unknown_encoding() -> str:
    return _(
        "The file is not text in an encoding we recognise. "
        "Save it as “CSV UTF-8” and upload it again."
    )


def encoding_label(codec: str) -> str:
    """How people name a codec: "UTF-8", "GB18030", "CP1252"."""
    return "UTF-8" if codec.startswith("utf-8") else codec.upper().replace("_", "-")


def suggest_encoding(sample: bytes) -> str | None:
    """The legacy encoding charset detection ranks first for a sample, or None.

    Only ever named in a message for the user to choose: detection guesses short
    files wrong too often to decide.
    """
    for match in charset_normalizer.from_bytes(sample):
        try:
            codec = codec_named(match.encoding)
        except TabularError:
            continue
        if codec != "ascii" and not codec.startswith("utf"):
            return codec
    return None


def _table(
    cells: Iterator[tuple[int, list[str]]],
    *,
    required: list[str],
    allowed: Iterable[str] | None,
    errors: ImportErrors,
) -> Table:
    first = next(cells, None)
    if first is None:
        raise TabularError(_("The file is empty."))
    try:
        columns = _columns(first[1], required, allowed)
    except TabularError:
        cells.close()
        raise
    return Table(columns=columns, rows=_rows(cells, columns, errors))


def _columns(
    header: list[str], required: list[str], allowed: Iterable[str] | None
) -> list[str]:
    columns = [name.lower() for name in header]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise TabularError(_("The first row of the file must hold the column names."))
    if "" in columns:
        raise TabularError(
            _("Column %(number)d of the first row has no name.")
            % {"number": columns.index("") + 1}
        )
    repeated = [name for name, count in Counter(columns).items() if count > 1]
    if repeated:
        raise TabularError(
            _("The file has these columns more than once: %(columns)s.")
            % {"columns": ", ".join(repeated)}
        )
    known = list(dict.fromkeys([*required, *(allowed or ())]))
    missing = [name for name in required if name not in columns]
    unknown = [name for name in columns if name not in known]
    problems = []
    if missing:
        problems.append(
            _("The file is missing these columns: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if unknown:
        problems.append(
            _("The file has columns that are not allowed: %(columns)s.")
            % {"columns": ", ".join(unknown)}
        )
        problems.append(
            _("The allowed columns are: %(columns)s.") % {"columns": ", ".join(known)}
        )
    if problems:
        raise TabularError(" ".join(problems))
    return columns


def _rows(
    cells: Iterator[tuple[int, list[str]]], columns: list[str], errors: ImportErrors
) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(columns)
    for number, values in cells:
        if not any(values):
            continue
        if any(values[width:]):
            errors.add(
                number,
                None,
                _("This row has more values than the first row has column names."),
            )
            continue
        padded = (values + [""] * width)[:width]
        yield number, dict(zip(columns, padded, strict=True))


def _sample(file: BinaryIO | File) -> bytes:
    """The start of a file, leaving the file at its start."""
    file.seek(0)
    # Finish the sample's last line so that it rarely ends inside a character.
    sample = file.read(SAMPLE_BYTES)
    sample += file.readline(SAMPLE_BYTES)
    file.seek(0)
    return sample


def csv_encoding(file: BinaryIO | File, named: str | None = None) -> str:
    """Name the Python codec of a CSV file, as `open_table()` reads it."""
    return decide_encoding(_sample(file), named)


def _read_csv(
    file: BinaryIO | File, named: str | None
) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    sample = _sample(file)
    encoding = decide_encoding(sample, named)
    return encoding, _csv_cells(file, encoding, sample)


def _csv_cells(
    file: BinaryIO | File, encoding: str, sample: bytes
) -> Iterator[tuple[int, list[str]]]:
    # "surrogateescape" turns each undecodable byte into a lone surrogate, so the
    # row that holds it can be named; a strict decoder fails as soon as it reads
    # the 8 KiB chunk holding the byte, often rows earlier.
    text = io.TextIOWrapper(
        file, encoding=encoding, errors="surrogateescape", newline=""
    )
    number = 0
    try:
        for number, record in enumerate(csv.reader(text), start=1):
            if _ESCAPED_BYTE.search("".join(record)):
                raise _undecodable(number, encoding, sample)
            yield number, [value.strip() for value in record]
    except UnicodeDecodeError:
        # A bad sequence that includes an ASCII byte (in UTF-7, say) cannot be
        # escaped; the decoder reads ahead, so the row is where reading stopped.
        raise _undecodable(number + 1, encoding, sample) from None
    except csv.Error:
        raise TabularError(
            _(
                "Row %(row)d could not be read as CSV. Check that every quoted "
                "value ends with a closing quote."
            )
            % {"row": number + 1}
        ) from None
    finally:
        # Leave the caller's file open.
        text.detach()


def _undecodable(row: int, encoding: str, sample: bytes) -> TabularError:
    message = _("Row %(row)d contains bytes that are not valid %(encoding)s text.") % {
        "row": row,
        "encoding": encoding_label(encoding),
    }
    # A file whose start is UTF-8 was saved as UTF-8 and broken later.
    suggestion = None if encoding.startswith("utf-8") else suggest_encoding(sample)
    if suggestion is not None and suggestion != encoding:
        advice = _(
            "It may be in %(suggestion)s: if so, choose that encoding and import it "
            "again, or save it as “CSV UTF-8”."
        ) % {"suggestion": encoding_label(suggestion)}
    elif encoding.startswith("utf-8"):
        advice = _("Save the file as “CSV UTF-8” and upload it again.")
    else:
        advice = _(
            "Choose the file's encoding and import it again, or save it as “CSV UTF-8”."
        )
    return TabularError(f"{message} {advice}")


def _read_xlsx(file: BinaryIO | File) -> Iterator[tuple[int, list[str]]]:
    if not DEFUSEDXML:
        # Without defusedxml, openpyxl parses with the standard library, which
        # expands entity declarations in a hostile file.
        raise ImproperlyConfigured(
            "openpyxl must parse with defusedxml: install it and leave "
            "OPENPYXL_DEFUSEDXML unset."
        )
    _check_archive(file)
    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True, keep_links=False)
    except _BROKEN_XLSX as exc:
        raise _xlsx_error(exc) from None
    return _xlsx_cells(workbook)


def _check_archive(file: BinaryIO | File) -> None:
    """Refuse a workbook whose ZIP would unpack to too much, before unpacking it.

    Python's zipfile never inflates an entry beyond the size its directory
    declares, so checking the declared sizes is enough.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise TabularError(_not_a_workbook()) from None
    if len(entries) > XLSX_MAX_ENTRIES:
        raise TabularError(_("The Excel file has too many parts to be opened safely."))
    if sum(entry.file_size for entry in entries) > XLSX_MAX_UNPACKED_BYTES:
        raise TabularError(
            _("The Excel file unpacks to more than %(limit)s, which is too large.")
            % {"limit": filesizeformat(XLSX_MAX_UNPACKED_BYTES)}
        )
    for entry in entries:
        if (
            entry.file_size > XLSX_RATIO_FROM
            and entry.file_size > XLSX_MAX_RATIO * entry.compress_size
        ):
            raise TabularError(
                _(
                    "The Excel file is compressed far more tightly than a real "
                    "spreadsheet, so it was refused."
                )
            )


def _xlsx_cells(workbook: Workbook) -> Iterator[tuple[int, list[str]]]:
    try:
        sheet = workbook.worksheets[0]
        # Read-only mode trusts the size a sheet declares, and some programs
        # declare it wrong; without it rows are read as they come.
        sheet.reset_dimensions()
        # Stopping at Excel's last row keeps a hostile row number such as
        # r="2000000000" from producing two billion blank rows.
        rows = sheet.iter_rows(max_row=EXCEL_MAX_ROWS, values_only=True)
        for number, values in enumerate(rows, start=1):
            yield number, [_cell_text(value) for value in values]
    except _BROKEN_XLSX as exc:
        raise _xlsx_error(exc) from None
    finally:
        workbook.close()


def _xlsx_error(exc: BaseException | None) -> TabularError:
    # openpyxl re-raises a parsing failure as a ValueError caused by the original.
    while exc is not None and not _declares_entities(exc):
        exc = exc.__cause__
    if exc is not None:
        return TabularError(
            _(
                "The Excel file declares XML entities or external references, "
                "which are not allowed."
            )
        )
    return TabularError(_not_a_workbook())


def _declares_entities(exc: BaseException) -> bool:
    if isinstance(exc, XMLSyntaxError):
        return "entit" in str(exc).lower()
    return isinstance(exc, DefusedXmlException)


def _not_a_workbook() -> str:
    return _("The file is not a valid Excel workbook (.xlsx).")


def _cell_text(value: object) -> str:
    """Give an Excel cell value as the text importers validate.

    Whole numbers lose their ".0"; other floats give the shortest decimal that
    reads back as the same float (what Excel stored, so 12.35 stays "12.35"),
    never in exponent notation. Dates give "YYYY-MM-DD", date-times
    "YYYY-MM-DD HH:MM:SS", booleans "TRUE" or "FALSE" as Excel shows them.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()
