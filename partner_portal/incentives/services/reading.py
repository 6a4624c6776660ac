"""Stage 1 of a load: the cells of every row, as text, into the staging table.

Two ways in, which read every file alike:

- `copy_file()`, the fast path: a CSV file in UTF-8 or GB18030 without quotes, on
  PostgreSQL. Once `open_table()` has checked the header, the file's bytes stream
  unchanged into `COPY ... FORMAT csv`, so PostgreSQL parses it; row numbers count
  from 2 as the header is row 1. Surrounding whitespace is stripped in SQL, and
  rows without a value are dropped, as the Python reader does. Quotes,
  PostgreSQL's end-of-data line `\\.` and anything COPY refuses (a short row, a
  bad byte) raise `NotCopyable` or the database's error, and the file goes down
  the slow path instead.
- `load_rows()`, the slow path: rows that tabular.reading (XLSX, other encodings)
  or the API produced, written cell by cell, through COPY on PostgreSQL and in
  batches on SQLite (the embedded default of `make run`).

Nothing of the file is held in memory either way.
"""

import csv
import io
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice, repeat
from typing import BinaryIO

from django.core.files import File
from django.db import connection
from django.utils.translation import gettext as _

from partner_portal.tabular.reading import ImportErrors

from ..models import CODE_LENGTH
from .results import COLUMNS, SalesImportResult
from .staging import STAGING

_BATCH = 2_000
CHUNK = 64 * 1024

# PostgreSQL's names for the encodings tabular.reading decides that COPY reads;
# files in other encodings take the slow path.
COPY_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "gb18030": "GB18030"}
# Every character str.strip() removes, as the Python reader strips cells.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# To spot a UTF-8 cell that may start or end with whitespace, bytes.translate()
# marks cell boundaries B, ASCII whitespace W, the lead bytes of other whitespace
# L and their last bytes T; a pair such as "BW" is then a fast substring search.
# Other characters share some of these bytes: a false alarm only costs a strip.
_EDGES = bytearray(b"." * 256)
for _byte in b",\r\n":
    _EDGES[_byte] = ord("B")
for _byte in b"\t\x0b\x0c\x1c\x1d\x1e\x1f ":
    _EDGES[_byte] = ord("W")
for _byte in b"\xc2\xe1\xe2\xe3":
    _EDGES[_byte] = ord("L")
for _byte in b"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x9f\xa0\xa8\xa9\xaf":
    _EDGES[_byte] = ord("T")
_EDGES = bytes(_EDGES)
_EDGE_SPACE = (b"BW", b"BL", b"WB", b"TB")
# A line that is only "\." ends a CSV COPY early, without an error.
_END_OF_DATA = re.compile(rb"[\r\n]\\\.[\r\n]")


class NotCopyable(Exception):
    """The file holds something COPY would read otherwise than the Python reader."""


def copy_file(
    cursor,
    file: BinaryIO | File,
    columns: list[str],
    encoding: str,
    progress: Callable[[Iterable], Iterable] | None,
) -> int:
    """Stream the CSV file into staging with COPY; return the number of rows.

    Raises NotCopyable, or the database's error, where the slow path must read the
    file instead; the caller rolls back what was copied.
    """
    names = ", ".join(f'"{name}"' for name in columns)
    sql = (
        f"COPY {STAGING} ({names}) FROM STDIN WITH (FORMAT csv, HEADER true, "
        f"ENCODING '{COPY_ENCODINGS[encoding]}', FORCE_NOT_NULL ({names}))"
    )
    # GB18030 spells whitespace otherwise; its cells are always stripped.
    spaced = encoding == "gb18030"
    file.seek(0)
    with cursor.copy(sql) as copy:

        def chunks():
            nonlocal spaced
            last = b"\n"
            header = True
            while chunk := file.read(CHUNK):
                copy.write(chunk)
                # Python's csv module and COPY read quotes differently.
                if b'"' in chunk:
                    raise NotCopyable
                if b"\\" in chunk and _END_OF_DATA.search(last[-2:] + chunk):
                    raise NotCopyable
                if not spaced:
                    edges = chunk.translate(_EDGES)
                    spaced = any(pair in edges for pair in _EDGE_SPACE) or (
                        edges[:1] in b"WL" or edges[-1:] in b"WT"
                    )
                last = chunk
                # Rows, for the progress bar: the line breaks but the header's.
                lines = chunk.count(b"\n")
                if header and lines:
                    lines, header = lines - 1, False
                yield from repeat(None, lines)
            if _END_OF_DATA.search(last[-2:] + b"\n"):
                raise NotCopyable

        deque(progress(chunks()) if progress else chunks(), maxlen=0)
    if spaced:
        # Only the rows that have a cell to strip are written again: rewriting every
        # row (every row of a GB18030 file) doubled the table that the checks and
        # the merge then read, and made such a file half again as slow to import.
        trimmed = ", ".join(f'"{name}" = btrim("{name}", %s)' for name in COLUMNS)
        untrimmed = " OR ".join(f'"{name}" <> btrim("{name}", %s)' for name in COLUMNS)
        cursor.execute(
            f"UPDATE {STAGING} SET {trimmed} WHERE {untrimmed}",  # noqa: S608
            [WHITESPACE] * (2 * len(COLUMNS)),
        )
    # The Python reader skips rows without a value.
    blank = " AND ".join(f"\"{name}\" = ''" for name in COLUMNS)
    cursor.execute(f"DELETE FROM {STAGING} WHERE {blank}")  # noqa: S608
    cursor.execute(f"SELECT count(*) FROM {STAGING}")  # noqa: S608
    return cursor.fetchone()[0]


def load_rows(
    cursor, rows: Iterator[tuple[int, dict[str, str]]], result: SalesImportResult
) -> None:
    """Write the cells of each row into staging, in batches.

    A NUL character cannot be stored in PostgreSQL's text; it is reported here for
    the codes (whose message names it) and replaced, which the checks refuse in any
    other column.
    """

    def cells() -> Iterator[tuple]:
        for number, row in rows:
            result.rows += 1
            values = tuple(row.get(name, "") for name in COLUMNS)
            if "\x00" in "".join(values):
                values = _without_nul(number, values, result.errors)
            yield (number, *values)

    staged = cells()
    names = ", ".join(f'"{name}"' for name in ("row_number", *COLUMNS))
    if connection.vendor == "postgresql":
        # csv.writer formats rows in C, far faster than one write_row() per row.
        # Quoting every cell keeps a carriage return inside one from reading as
        # the end of a line, which the writer only quotes with "\r\n" lines.
        buffer = io.StringIO()
        writerows = csv.writer(
            buffer, lineterminator="\n", quoting=csv.QUOTE_ALL
        ).writerows
        texts = ", ".join(f'"{name}"' for name in COLUMNS)
        sql = (
            f"COPY {STAGING} ({names}) FROM STDIN WITH (FORMAT csv, "
            f"FORCE_NOT_NULL ({texts}))"
        )
        with cursor.copy(sql) as copy:
            while batch := list(islice(staged, _BATCH)):
                writerows(batch)
                copy.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        return
    placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
    sql = f"INSERT INTO {STAGING} ({names}) VALUES ({placeholders})"  # noqa: S608
    while batch := list(islice(staged, _BATCH)):
        cursor.executemany(sql, batch)


def _without_nul(number: int, values: tuple, errors: ImportErrors) -> tuple:
    for name, value in zip(COLUMNS, values, strict=True):
        code = name in ("invoice_number", "sku")
        if code and "\x00" in value and len(value) <= CODE_LENGTH:
            errors.add(number, name, _nul_problem(name))
    return tuple(value.replace("\x00", "\ufffd") for value in values)


def _nul_problem(name: str) -> str:
    if name == "invoice_number":
        return _("The invoice number contains a NUL character, which is not allowed.")
    return _("The SKU contains a NUL character, which is not allowed.")
