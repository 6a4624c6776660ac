"""Read an uploaded CSV or XLSX file as a stream of rows of strings.

Every bulk import (partners, partner users, certification awards, asset manifests,
sales ledgers) reads its upload through `open_table()`, so that encodings, headers,
row numbers and refusals behave the same everywhere. Rows are produced one at a
time: a file of a million rows is never held in memory. The encoding of a CSV file
is decided in `encodings` and a workbook read in `xlsx`.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .encodings import (
    codec_named,
    decide_encoding,
    encoding_label,
    suggest_encoding,
)
from .errors import ImportErrors, RowError, TabularError
from .xlsx import read_xlsx

# What importers take from here besides `open_table`.
__all__ = [
    "ImportErrors",
    "RowError",
    "Table",
    "TabularError",
    "codec_named",
    "csv_encoding",
    "decide_encoding",
    "encoding_label",
    "open_table",
]

# How much of a CSV file (plus the rest of its last line) decides its encoding.
SAMPLE_BYTES = 64 * 1024

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


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
        codec, cells = None, read_xlsx(file)
    table = _table(cells, required=list(required), allowed=allowed, errors=errors)
    return Table(columns=table.columns, rows=table.rows, encoding=codec)


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
