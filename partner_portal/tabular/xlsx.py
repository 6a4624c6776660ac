"""Read the first sheet of an .xlsx workbook safely, as rows of cell texts.

A workbook is a ZIP of XML parts: its directory is checked before anything is
unpacked (deflate bombs), entities and external references are refused (openpyxl
parses with defusedxml), and a hostile row number cannot make billions of rows.
"""

import datetime
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from defusedxml import DefusedXmlException
from lxml.etree import XMLSyntaxError
from openpyxl import DEFUSEDXML, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from .errors import TabularError

# Limits checked on an XLSX file's ZIP directory before anything is unpacked. A
# million-row sheet unpacks to well under 1 GiB; real worksheets compress 8 to 25
# times, deflate bombs about 1,000 times (the ratio is checked on parts over 1 MiB).
XLSX_MAX_ENTRIES = 1_000
XLSX_MAX_UNPACKED_BYTES = 1024**3
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM = 1024**2
EXCEL_MAX_ROWS = 1_048_576

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


def read_xlsx(file: BinaryIO | File) -> Iterator[tuple[int, list[str]]]:
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
