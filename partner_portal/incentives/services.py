"""Writes to the sales ledger: the one sales import.

Admin uploads, `manage.py import_sales` and the API all load sales through
`sales_import_file()` or `sales_import_rows()`, so validation, the all-or-nothing rule
and the history of changed lines are the same whichever way sales arrive.

How a load runs, in one transaction:

1. The cells of every row go, as text, into a temporary staging table.
   - Fast path: a CSV file in UTF-8 or GB18030 without quotes, on PostgreSQL. Once
     `open_table()` has checked the header, the file's bytes stream unchanged into
     `COPY ... FORMAT csv`, so PostgreSQL parses it; row numbers count from 2 as the
     header is row 1. Surrounding whitespace is stripped in SQL, and rows without a
     value are dropped, as the Python reader does. Quotes, PostgreSQL's
     end-of-data line `\\.` and anything COPY refuses (a short row, a bad byte) send
     the file down the slow path instead, so both paths read every file alike.
   - Slow path: everything else (XLSX, other encodings, the API's rows) is read by
     tabular.reading and written cell by cell, through COPY on PostgreSQL and in
     batches on SQLite (the embedded default of `make run`).
   Nothing of the file is held in memory either way.
2. One SQL pass checks every cell (dates, numbers, currency codes, partners within
   the importer's scope) and returns the first problems with their text, which
   Python words; then SQL finds invoice lines that appear twice in the file.
3. Any error, or a dry run: the transaction rolls back and nothing is written. A dry
   run reports, per row, whether the line would be created, updated or unchanged.
4. Otherwise SQL copies the old values of every line that changes into the history
   table, updates those lines and inserts the new ones, casting the checked text to
   the ledger's types. Unchanged lines are left untouched: loading a file twice
   changes nothing the second time. A load at least as large as the ledger (the
   first import of past years, say) drops the ledger's indexes and builds them
   again once its lines are in, which is several times faster than updating them
   line by line; readers of the ledger wait for it to commit.
"""

import csv
import hashlib
import io
import re
import secrets
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice, repeat
from pathlib import PurePath
from typing import BinaryIO

from django.core.files import File
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    connection,
    models,
    transaction,
)
from django.db.backends.base.schema import BaseDatabaseSchemaEditor as SchemaEditor
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import psycopg

from partner_portal.partners.models import Partner, User
from partner_portal.tabular.reading import (
    ImportErrors,
    RowError,
    TabularError,
    open_table,
)

from .currencies import currency_names
from .models import CODE_LENGTH, SalesRecord, SalesRecordChange, SalesSource

COLUMNS = (
    "invoice_number",
    "line_number",
    "partner_external_id",
    "date",
    "sku",
    "quantity",
    "amount",
    "currency",
)
# How many rows a dry run describes one by one; the counts cover every row.
PREVIEW_ROWS = 500
# Two imports never merge at once: each would miss the other's history rows.
IMPORT_LOCK_KEY = 7_304_217

MAX_INTEGER = 2**31 - 1
MAX_AMOUNT_DIGITS = 12  # before the point, within DecimalField(14, 2)
# A load that adds at least this many lines, and at least as many as the ledger
# holds, builds the ledger's indexes anew after inserting rather than line by line.
BULK_LINES = 100_000
# How long such a load waits for readers of the ledger before it inserts line by
# line instead (see _bulk()).
BULK_LOCK_WAIT = "3s"

# Only ASCII digits: the checks in SQL (below) accept no others.
_AMOUNT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
# Characters people and spreadsheets put between thousands.
_GROUPING = re.compile(r"[,'\s\u00a0\u202f]")

STAGING = "incentives_sales_staging"
# The importer's partners: external ID to primary key.
SCOPE = "incentives_sales_scope"
# The values that make a line; source and timestamps are not compared.
_COMPARED = ("partner_id", "date", "sku", "quantity", "amount", "currency")
_COLUMN_OF = {"partner_id": "partner_external_id"}
_BATCH = 2_000
_CHUNK = 64 * 1024

# PostgreSQL's names for the encodings tabular.reading decides that COPY reads;
# files in other encodings take the slow path.
_COPY_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "gb18030": "GB18030"}
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


class Outcome(models.TextChoices):
    CREATE = "create", gettext_lazy("New line")
    UPDATE = "update", gettext_lazy("Changes an existing line")
    UNCHANGED = "unchanged", gettext_lazy("Same as the existing line")


@dataclass(frozen=True)
class RowOutcome:
    """What loading one row does, as a dry run reports it."""

    row: int
    invoice_number: str
    line_number: int
    partner_external_id: str
    date: str
    sku: str
    quantity: int
    amount: Decimal
    currency: str
    outcome: str
    changed: tuple[str, ...] = ()

    def get_outcome_display(self):
        return Outcome(self.outcome).label


@dataclass
class SalesImportResult:
    """What an import did, or would do; `source` is set once something is written."""

    name: str
    dry_run: bool
    errors: ImportErrors
    file_error: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    source: SalesSource | None = None
    # The codec a CSV file was read in; None for a workbook or rows.
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def sorted_errors(self) -> list[RowError]:
        """The kept row errors by row, then in the order of the columns."""
        order = {name: index for index, name in enumerate(COLUMNS)}
        return sorted(
            self.errors.errors, key=lambda e: (e.row, order.get(e.column, -1))
        )


def sales_import_file(
    *,
    file: BinaryIO | File,
    filename: str,
    by: User | None = None,
    kind: str = SalesSource.Kind.COMMAND,
    dry_run: bool = False,
    partners: QuerySet[Partner] | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    stored_file: str = "",
    encoding: str | None = None,
) -> SalesImportResult:
    """Import a CSV or XLSX file of sales lines into the ledger, all or nothing.

    `partners` limits the partners the file may name (a channel account manager's
    own); others are reported as unknown. `progress` wraps an iterator with an item
    per row (a tqdm bar, say). `stored_file` is the storage name of a kept copy of
    the upload, which the source then refers to. A CSV file that is not UTF-8 is
    read in `encoding`, or else the installation's legacy encoding. Nothing is
    written when the result is not `ok` or when `dry_run` is set.
    """
    errors = ImportErrors()
    result = SalesImportResult(name=filename, dry_run=dry_run, errors=errors)
    digest = _sha256(file)

    def table():
        return open_table(
            file,
            filename=filename,
            required=(),
            allowed=COLUMNS,
            errors=errors,
            encoding=encoding,
        )

    try:
        header = table()
    except TabularError as exc:
        result.file_error = str(exc)
        return result
    # Only the header is read; the rows are read again by whichever path loads them.
    header.rows.close()
    result.encoding = header.encoding
    missing = [name for name in COLUMNS if name not in header.columns]
    if missing:
        for name in missing:
            errors.add(
                1,
                name,
                _("The first row must name a “%(column)s” column.") % {"column": name},
            )
        return result
    copyable = (
        connection.vendor == "postgresql"
        and PurePath(filename).suffix.lower() == ".csv"
        and header.encoding in _COPY_ENCODINGS
    )

    def load(cursor, result: SalesImportResult) -> Iterator | None:
        if copyable:
            try:
                with transaction.atomic():
                    result.rows = _copy_file(
                        cursor,
                        file,
                        header.columns,
                        header.encoding,
                        progress,
                    )
                return None
            except (_NotCopyable, DatabaseError, psycopg.Error):
                pass  # rolled back: the Python reader takes over
        rows = table().rows
        _load_rows(cursor, progress(rows) if progress else rows, result)
        return rows

    return _import(
        load,
        result,
        by=by,
        kind=kind,
        partners=partners,
        sha256=digest,
        stored_file=stored_file,
    )


def sales_import_rows(
    *,
    rows: Iterable[tuple[int, dict[str, str]]],
    name: str,
    by: User | None = None,
    kind: str = SalesSource.Kind.API,
    dry_run: bool = False,
    partners: QuerySet[Partner] | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> SalesImportResult:
    """Import sales lines given as (row number, {column: text}), all or nothing.

    For callers that do not read a file (the API, the demo data): the same checks
    and merge as `sales_import_file()`; a missing key counts as an empty value.
    """
    result = SalesImportResult(name=name, dry_run=dry_run, errors=ImportErrors())
    given = iter(rows)

    def load(cursor, result: SalesImportResult) -> None:
        _load_rows(cursor, progress(given) if progress else given, result)

    return _import(load, result, by=by, kind=kind, partners=partners)


def _sha256(file: BinaryIO | File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(_CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


class _NotCopyable(Exception):
    """The file holds something COPY would read otherwise than the Python reader."""


def _import(
    load: Callable[[object, SalesImportResult], Iterator | None],
    result: SalesImportResult,
    *,
    by: User | None,
    kind: str,
    partners: QuerySet[Partner] | None,
    sha256: str = "",
    stored_file: str = "",
) -> SalesImportResult:
    """Stage the rows with `load(cursor, result)`, check them, then merge them.

    `load` returns the iterator of rows it was given (which is closed at the end),
    or None when there is none.
    """
    scope = Partner.objects.all() if partners is None else partners
    rows = None
    try:
        with transaction.atomic():
            if not result.dry_run:
                _lock()
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # The sort that finds repeated invoice lines stays in memory.
                    cursor.execute("SET LOCAL work_mem = '64MB'")
                    # Indexes on a million rows are sorted in memory at once.
                    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                    # _all_valid() reads dates back as YYYY-MM-DD.
                    cursor.execute("SET LOCAL datestyle = 'ISO'")
                    # Compiling the checks' long expressions takes longer than
                    # running them.
                    cursor.execute("SET LOCAL jit = off")
                schema = _create_staging(cursor, scope)
                rows = load(cursor, result)
                if connection.vendor == "postgresql":
                    # Without statistics of the new tables PostgreSQL would look up
                    # each row's partner in the index rather than hash them all.
                    cursor.execute(f"ANALYZE {STAGING}, {SCOPE}")
                _check(cursor, result.errors)
                _find_duplicates(cursor, result.errors)
                if not result.rows and not result.errors:
                    result.file_error = _("The file has no sales lines.")
                if not result.ok or result.dry_run:
                    if result.ok:
                        _describe(cursor, result)
                    transaction.set_rollback(True)
                    return result
                if not _lock_partners(cursor):
                    result.file_error = _(
                        "A partner this file names was deleted during the import; "
                        "nothing was imported. Try again."
                    )
                    transaction.set_rollback(True)
                    return result
                source = SalesSource.objects.create(
                    kind=kind,
                    name=result.name[:255],
                    file=stored_file,
                    sha256=sha256,
                    created_by=by,
                    row_count=result.rows,
                )
                _merge(cursor, result, source)
                if schema:
                    cursor.execute(f"DROP SCHEMA {schema} CASCADE")
                else:
                    cursor.execute(f"DROP TABLE {STAGING}")
                    cursor.execute(f"DROP TABLE {SCOPE}")
                source.created_count = result.created
                source.updated_count = result.updated
                source.unchanged_count = result.unchanged
                source.save(
                    update_fields=["created_count", "updated_count", "unchanged_count"]
                )
                result.source = source
    except TabularError as exc:
        result.file_error = str(exc)
    finally:
        if rows is not None:
            rows.close()
    return result


def _create_staging(cursor, scope: QuerySet[Partner]) -> str:
    """Create the staging table of cells, and the table of the allowed partners.

    Returns the name of the import's own schema that holds them, or "" where they
    are temporary tables.
    """
    schema = _own_schema(cursor)
    kind = "UNLOGGED" if schema else "TEMPORARY"
    if connection.vendor == "postgresql":
        # Rows COPY reads get their number here; the header is row 1.
        number = "integer GENERATED BY DEFAULT AS IDENTITY (START WITH 2) NOT NULL"
    else:
        number = "integer NOT NULL"
    cells = ", ".join(f'"{name}" text NOT NULL' for name in COLUMNS)
    cursor.execute(f"CREATE {kind} TABLE {STAGING} (row_number {number}, {cells})")
    cursor.execute(
        f"CREATE {kind} TABLE {SCOPE} "
        "(external_id text PRIMARY KEY, partner_id bigint NOT NULL)"
    )
    sql, params = (
        scope.order_by()
        .values_list("external_id", "pk")
        .query.get_compiler(connection=connection)
        .as_sql()
    )
    cursor.execute(f"INSERT INTO {SCOPE} (external_id, partner_id) {sql}", params)
    return schema


def _own_schema(cursor) -> str:
    """On PostgreSQL, create a schema for this import, first on the search path.

    Its tables are unlogged rather than temporary: PostgreSQL reads those through
    its shared buffers and lets parallel workers scan them, which halves the time
    of checking a million rows. Created and dropped in the import's transaction,
    the schema is never seen by another and never outlives it. Temporary tables
    are searched last, so that none of an earlier import shadows this one's.
    Returns "" (temporary tables, then) on SQLite or where the database user may
    not create a schema.
    """
    if connection.vendor != "postgresql":
        return ""
    schema = f"cplms_import_{secrets.token_hex(8)}"
    try:
        with transaction.atomic():
            cursor.execute(f"CREATE SCHEMA {schema}")
    except ProgrammingError:
        return ""
    cursor.execute(
        "SELECT set_config('search_path', "
        "%s || ', ' || current_setting('search_path') || ', pg_temp', true)",
        [schema],
    )
    return schema


def _copy_file(
    cursor,
    file: BinaryIO | File,
    columns: list[str],
    encoding: str,
    progress: Callable[[Iterable], Iterable] | None,
) -> int:
    """Stream the CSV file into staging with COPY; return the number of rows.

    Raises _NotCopyable, or the database's error, where the slow path must read the
    file instead; the caller rolls back what was copied.
    """
    names = ", ".join(f'"{name}"' for name in columns)
    sql = (
        f"COPY {STAGING} ({names}) FROM STDIN WITH (FORMAT csv, HEADER true, "
        f"ENCODING '{_COPY_ENCODINGS[encoding]}', FORCE_NOT_NULL ({names}))"
    )
    # GB18030 spells whitespace otherwise; its cells are always stripped.
    spaced = encoding == "gb18030"
    file.seek(0)
    with cursor.copy(sql) as copy:

        def chunks():
            nonlocal spaced
            last = b"\n"
            while chunk := file.read(_CHUNK):
                copy.write(chunk)
                # Python's csv module and COPY read quotes differently.
                if b'"' in chunk:
                    raise _NotCopyable
                if b"\\" in chunk and _END_OF_DATA.search(last[-2:] + chunk):
                    raise _NotCopyable
                if not spaced:
                    edges = chunk.translate(_EDGES)
                    spaced = any(pair in edges for pair in _EDGE_SPACE) or (
                        edges[:1] in b"WL" or edges[-1:] in b"WT"
                    )
                last = chunk
                # Lines, for the progress bar.
                yield from repeat(None, chunk.count(b"\n"))
            if _END_OF_DATA.search(last[-2:] + b"\n"):
                raise _NotCopyable

        deque(progress(chunks()) if progress else chunks(), maxlen=0)
    if spaced:
        trimmed = ", ".join(f'"{name}" = btrim("{name}", %s)' for name in COLUMNS)
        cursor.execute(f"UPDATE {STAGING} SET {trimmed}", [WHITESPACE] * len(COLUMNS))  # noqa: S608
    # The Python reader skips rows without a value.
    blank = " AND ".join(f"\"{name}\" = ''" for name in COLUMNS)
    cursor.execute(f"DELETE FROM {STAGING} WHERE {blank}")  # noqa: S608
    cursor.execute(f"SELECT count(*) FROM {STAGING}")  # noqa: S608
    return cursor.fetchone()[0]


def _load_rows(
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


def _matches(value: str, pattern: str) -> str:
    """SQL that is true when `value` matches the regular expression `pattern`."""
    operator = "~" if connection.vendor == "postgresql" else "REGEXP"
    return f"{value} {operator} '{pattern}'"


def _checks() -> dict[str, str]:
    """Per column, SQL that is true when the cell of staging row `s` is valid.

    Each follows the wording of its message (see _problem()); CASE keeps casts
    from running on text that is not a number.
    """
    code = f"length(s.{{}}) BETWEEN 1 AND {CODE_LENGTH}"
    days = (
        "CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN "
        # Leap years, in integer division: "%" means a parameter to the driver.
        "CASE WHEN {y} / 4 * 4 = {y} AND ({y} / 100 * 100 <> {y} "
        "OR {y} / 400 * 400 = {y}) THEN 29 ELSE 28 END ELSE 31 END"
    ).format(
        y="CAST(substr(s.date, 1, 4) AS integer)",
        m="CAST(substr(s.date, 6, 2) AS integer)",
    )
    currencies = ", ".join(f"'{code}'" for code in currency_names())
    return {
        "invoice_number": code.format("invoice_number"),
        # At most ten digits besides leading zeros keeps the casts from overflowing.
        "line_number": (
            f"CASE WHEN {_matches('s.line_number', '^0*[1-9][0-9]{0,9}$')} "
            f"THEN CAST(s.line_number AS bigint) <= {MAX_INTEGER} ELSE FALSE END"
        ),
        "partner_external_id": "p.partner_id IS NOT NULL",
        "date": (
            f"CASE WHEN {_matches('s.date', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')} "
            "THEN substr(s.date, 1, 4) <> '0000' "
            "AND substr(s.date, 6, 2) BETWEEN '01' AND '12' "
            f"AND CAST(substr(s.date, 9, 2) AS integer) BETWEEN 1 AND {days} "
            "ELSE FALSE END"
        ),
        "sku": code.format("sku"),
        "quantity": (
            f"CASE WHEN {_matches('s.quantity', '^-?[0-9]+$')} "
            "AND length(ltrim(s.quantity, '-0')) <= 10 "
            f"THEN abs(CAST(s.quantity AS bigint)) <= {MAX_INTEGER} ELSE FALSE END"
        ),
        "amount": _matches(
            "s.amount", f"^-?[0-9]{{1,{MAX_AMOUNT_DIGITS}}}([.][0-9]{{1,2}})?$"
        ),
        "currency": f"upper(s.currency) IN ({currencies})",
    }


# The staging rows joined to their partner, as the checks and the merge read them.
_STAGED = f"{STAGING} s LEFT JOIN {SCOPE} p ON p.external_id = s.partner_external_id"


def _all_valid(cursor) -> bool:
    """Whether every staged row is valid, by a quick test that may say no wrongly.

    PostgreSQL's regular expressions in _checks() take seconds for a million rows;
    casts take a fraction of that. A cell is valid when it casts and reads back
    as the same text within the limits. A cast that fails (an error) or text
    written otherwise (leading zeros, "+5", "1e5") leaves the answer to _checks().
    Signs are compared apart, so that "-0.00" (a return of nothing) passes.
    """
    if connection.vendor != "postgresql":
        return False
    currencies = ", ".join(f"'{code}'" for code in currency_names())
    valid = f"""
        length(s.invoice_number) BETWEEN 1 AND {CODE_LENGTH}
        AND length(s.sku) BETWEEN 1 AND {CODE_LENGTH}
        AND CAST(CAST(s.line_number AS integer) AS text) = s.line_number
        AND s.line_number <> '0'
        AND p.partner_id IS NOT NULL
        AND length(s.date) = 10
        AND CAST(CAST(s.date AS date) AS text) = s.date
        AND CAST(abs(CAST(s.quantity AS bigint)) AS text) = ltrim(s.quantity, '-')
        AND abs(CAST(s.quantity AS bigint)) <= {MAX_INTEGER}
        AND CAST(abs(CAST(s.amount AS numeric)) AS text) = ltrim(s.amount, '-')
        AND abs(CAST(s.amount AS numeric)) < 1e{MAX_AMOUNT_DIGITS}
        AND scale(CAST(s.amount AS numeric)) <= 2
        AND upper(s.currency) IN ({currencies})
    """
    try:
        with transaction.atomic():
            # Not NOT EXISTS: planned to stop at a first invalid row, it would look
            # up partners one row at a time rather than hash them all.
            cursor.execute(
                f"SELECT coalesce(bool_and(({valid}) IS TRUE), TRUE) "  # noqa: S608
                f"FROM {_STAGED}"
            )
            return cursor.fetchone()[0]
    except DatabaseError:
        return False


def _check(cursor, errors: ImportErrors) -> None:
    """Report every invalid cell, by row and then column, and drop invalid rows."""
    if _all_valid(cursor):
        return
    checks = _checks()
    bits = {name: 1 << index for index, name in enumerate(COLUMNS)}
    problems = " + ".join(
        f"CASE WHEN {checks[name]} THEN 0 ELSE {bits[name]} END" for name in COLUMNS
    )
    counted = " + ".join(f"(problems & {bit}) / {bit}" for bit in bits.values())
    cursor.execute(
        f"""
        SELECT row_number, problems, sum({counted}) OVER (), invoice_number,
               partner_external_id, sku, amount, currency
        FROM (
            SELECT s.row_number, s.invoice_number, s.partner_external_id, s.sku,
                   s.amount, s.currency, {problems} AS problems
            FROM {_STAGED}
        ) checked
        WHERE problems <> 0
        ORDER BY row_number
        LIMIT %s
        """,  # noqa: S608
        [errors.limit],
    )
    found = cursor.fetchall()
    if not found:
        return
    added = 0
    for number, flags, _total, *cells in found:
        texts = dict(
            zip(
                ("invoice_number", "partner_external_id", "sku", "amount", "currency"),
                cells,
                strict=True,
            )
        )
        for name in COLUMNS:
            if flags & bits[name]:
                errors.add(number, name, _problem(name, texts))
                added += 1
    # The ones past the limit are counted, not described.
    errors.total += found[0][2] - added
    valid = " AND ".join(f"({checks[name]})" for name in COLUMNS)
    cursor.execute(
        f"DELETE FROM {STAGING} WHERE row_number NOT IN "  # noqa: S608
        f"(SELECT s.row_number FROM {_STAGED} WHERE {valid})"
    )


def _problem(name: str, texts: dict[str, str]) -> str:
    if name == "invoice_number":
        return _invoice_problem(texts[name])
    if name == "line_number":
        return _("Enter the line number as a whole number from 1 up, such as 1.")
    if name == "partner_external_id":
        if texts[name]:
            return _("No partner has the external ID “%(id)s”.") % {"id": texts[name]}
        return _("Enter the partner's external ID.")
    if name == "date":
        return _("Enter a real date as YYYY-MM-DD, such as 2025-01-31.")
    if name == "sku":
        return _sku_problem(texts[name])
    if name == "quantity":
        return _(
            "Enter the quantity as a whole number; returns are negative, such as -2."
        )
    if name == "amount":
        return _amount_problem(texts[name], _AMOUNT.fullmatch(texts[name]))
    return _currency_problem(texts[name].upper())


def _typed() -> dict[str, str]:
    """The checked cells of staging row `s` (joined to `p`) as the ledger's types."""
    postgresql = connection.vendor == "postgresql"
    return {
        "invoice_number": "s.invoice_number",
        "line_number": "CAST(s.line_number AS integer)",
        "partner_id": "p.partner_id",
        # SQLite keeps dates as text, and casts a decimal text to its NUMERIC.
        "date": "CAST(s.date AS date)" if postgresql else "s.date",
        "sku": "s.sku",
        "quantity": "CAST(s.quantity AS integer)",
        "amount": f"CAST(s.amount AS {'numeric(14, 2)' if postgresql else 'NUMERIC'})",
        "currency": "upper(s.currency)",
    }


def _find_duplicates(cursor, errors: ImportErrors) -> None:
    """Report each valid row that repeats an invoice line of an earlier row."""
    if connection.vendor == "postgresql":
        # Where no line repeats, as in most files, building a unique index (in
        # parallel) says so in half the time of the query that names the rows.
        # The index also reads the rows _check() deleted: their casts may fail.
        try:
            with transaction.atomic():
                cursor.execute(
                    f"CREATE UNIQUE INDEX ON {STAGING} "
                    "(invoice_number, (CAST(line_number AS integer)))"
                )
            return
        except (IntegrityError, DataError):
            pass
    room = max(errors.limit - len(errors.errors), 0)
    line = _typed()["line_number"]
    cursor.execute(
        f"""
        SELECT row_number, invoice_number, line_number, first_row,
               count(*) OVER () AS repeats
        FROM (
            SELECT s.row_number, s.invoice_number, {line} AS line_number,
                   min(s.row_number) OVER (
                       PARTITION BY s.invoice_number, {line}
                   ) AS first_row
            FROM {STAGING} s
        ) lines
        WHERE row_number <> first_row
        ORDER BY row_number
        LIMIT %s
        """,  # noqa: S608
        [max(room, 1)],
    )
    found = cursor.fetchall()
    for number, invoice, line, first_row, _repeats in found[:room]:
        errors.add(
            number,
            "line_number",
            _(
                "Invoice %(invoice)s line %(line)s is already in row %(row)d of "
                "this file; each invoice line may appear once."
            )
            % {"invoice": invoice, "line": line, "row": first_row},
        )
    if found:
        # The ones past the limit are counted, not described.
        errors.total += found[0][4] - min(room, len(found))


def _invoice_problem(invoice: str) -> str:
    if not invoice:
        return _("Enter the invoice number.")
    if len(invoice) > CODE_LENGTH:
        return _("The invoice number is longer than %(limit)d characters.") % {
            "limit": CODE_LENGTH
        }
    return _("The invoice number contains a NUL character, which is not allowed.")


def _sku_problem(sku: str) -> str:
    if not sku:
        return _("Enter the SKU.")
    if len(sku) > CODE_LENGTH:
        return _("The SKU is longer than %(limit)d characters.") % {
            "limit": CODE_LENGTH
        }
    return _("The SKU contains a NUL character, which is not allowed.")


def _amount_problem(amount: str, match: re.Match | None) -> str:
    if not amount:
        return _("Enter the amount, such as 1234.50.")
    if match is None:
        if _GROUPING.search(amount):
            return _(
                "Write the amount without thousands separators and with a point "
                "before the cents, such as 1234.50."
            )
        return _(
            "The amount is not a number. Write it with a point before the cents, "
            "such as 1234.50 or -99.90 for a return."
        )
    if len(match[2]) > MAX_AMOUNT_DIGITS:
        return _(
            "The amount is too large: it may have at most %(digits)d digits before "
            "the point."
        ) % {"digits": MAX_AMOUNT_DIGITS}
    return _("The amount has more than two decimal places.")


def _currency_problem(code: str) -> str:
    if not code:
        return _("Enter the currency as an ISO 4217 code, such as USD or CNY.")
    return _("“%(code)s” is not an ISO 4217 currency code, such as USD or CNY.") % {
        "code": code
    }


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def _lock_partners(cursor) -> bool:
    """Keep the partners the file names from being deleted until the import commits.

    The ledger's partner column has no row-by-row foreign key check (see
    SalesRecord); this one statement stands for it. False if one is gone.
    """
    cursor.execute(
        f"DELETE FROM {SCOPE} WHERE external_id NOT IN "  # noqa: S608
        f"(SELECT partner_external_id FROM {STAGING})"
    )
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    cursor.execute(
        f"""
        SELECT count(*) FROM {SCOPE} named
        WHERE NOT EXISTS (
            SELECT 1 FROM (
                SELECT p.id FROM {Partner._meta.db_table} p
                WHERE p.id IN (SELECT partner_id FROM {SCOPE}){lock}
            ) locked
            WHERE locked.id = named.partner_id
        )
        """  # noqa: S608
    )
    return cursor.fetchone()[0] == 0


def _differs(typed: dict[str, str]) -> str:
    return " OR ".join(f'r."{name}" <> {typed[name]}' for name in _COMPARED)


_LEDGER = SalesRecord._meta.db_table
_HISTORY = SalesRecordChange._meta.db_table


def _join(typed: dict[str, str]) -> str:
    return (
        f"{_LEDGER} r ON r.invoice_number = s.invoice_number "
        f"AND r.line_number = {typed['line_number']}"
    )


def _describe(cursor, result: SalesImportResult) -> None:
    """Count what a dry run would do and describe its first rows."""
    typed = _typed()
    cursor.execute(
        f"""
        SELECT count(*),
               coalesce(sum(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN r.id IS NOT NULL AND ({_differs(typed)})
                                 THEN 1 ELSE 0 END), 0)
        FROM {_STAGED} LEFT JOIN {_join(typed)}
        """  # noqa: S608
    )
    total, result.created, result.updated = cursor.fetchone()
    result.unchanged = total - result.created - result.updated
    values = ", ".join(typed[name] for name in COLUMNS if name in typed)
    flags = ", ".join(f'r."{name}" <> {typed[name]}' for name in _COMPARED)
    cursor.execute(
        f"""
        SELECT s.row_number, s.partner_external_id, {values},
               r.id IS NOT NULL, {flags}
        FROM {_STAGED} LEFT JOIN {_join(typed)}
        ORDER BY s.row_number
        LIMIT %s
        """,  # noqa: S608
        [PREVIEW_ROWS],
    )
    for row in cursor.fetchall():
        (number, external_id, invoice, line, date, sku, quantity, amount, currency) = (
            row[:9]
        )
        exists, changes = row[9], row[10:]
        changed = tuple(
            _COLUMN_OF.get(name, name)
            for name, flag in zip(_COMPARED, changes, strict=True)
            if flag
        )
        if not exists:
            outcome = Outcome.CREATE
        elif changed:
            outcome = Outcome.UPDATE
        else:
            outcome = Outcome.UNCHANGED
        result.outcomes.append(
            RowOutcome(
                row=number,
                invoice_number=invoice,
                line_number=line,
                partner_external_id=external_id,
                date=str(date),
                sku=sku,
                quantity=quantity,
                amount=Decimal(str(amount)).quantize(Decimal("0.01")),
                currency=currency,
                outcome=outcome,
                changed=changed if exists else (),
            )
        )


def _merge(cursor, result: SalesImportResult, source: SalesSource) -> None:
    """Keep the old values of changing lines, update them, then add the new ones.

    Only imports write the ledger and they take turns (the advisory lock), so a
    plain UPDATE and INSERT are safe, and faster than INSERT ... ON CONFLICT.
    """
    typed = _typed()
    bulk = _bulk(cursor, result.rows)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(f'"{name}"' for name in _COMPARED)
    cursor.execute(
        f"""
        INSERT INTO {_HISTORY} (
            record_id, {values}, source_id, replaced_by_id, changed_at
        )
        SELECT r.id, {", ".join(f'r."{name}"' for name in _COMPARED)},
               r.source_id, %s, %s
        FROM {_STAGED} JOIN {_join(typed)}
        WHERE {_differs(typed)}
        """,  # noqa: S608
        [source.pk, now],
    )
    result.updated = cursor.rowcount
    if result.updated:
        updates = ", ".join(f'"{name}" = {typed[name]}' for name in _COMPARED)
        cursor.execute(
            f"""
            UPDATE {_LEDGER} AS r
            SET {updates}, source_id = %s, updated_at = %s
            FROM {STAGING} s JOIN {SCOPE} p ON p.external_id = s.partner_external_id
            WHERE r.invoice_number = s.invoice_number
              AND r.line_number = {typed["line_number"]}
              AND ({_differs(typed)})
            """,  # noqa: S608
            [source.pk, now],
        )
    if bulk:
        _ledger_indexes(SchemaEditor.remove_index, SchemaEditor.remove_constraint)
    cursor.execute(
        f"""
        INSERT INTO {_LEDGER} (
            invoice_number, line_number, {values}, source_id, created_at, updated_at
        )
        SELECT s.invoice_number, {typed["line_number"]},
               {", ".join(typed[name] for name in _COMPARED)}, %s, %s, %s
        FROM {_STAGED}
        WHERE NOT EXISTS (
            SELECT 1 FROM {_LEDGER} r
            WHERE r.invoice_number = s.invoice_number
              AND r.line_number = {typed["line_number"]}
        )
        """,  # noqa: S608
        [source.pk, now, now],
    )
    result.created = cursor.rowcount
    result.unchanged = result.rows - result.created - result.updated
    if bulk:
        _ledger_indexes(SchemaEditor.add_index, SchemaEditor.add_constraint)


def _bulk(cursor, rows: int) -> bool:
    """Whether to build the ledger's indexes anew after inserting the new lines.

    True when the staged rows add at least BULK_LINES lines and at least as many
    as the ledger holds; the ledger is then locked until the import commits.
    When readers keep it busy for BULK_LOCK_WAIT, the import does not stop them
    and updates the indexes line by line instead.
    """
    if connection.vendor != "postgresql" or rows < BULK_LINES:
        return False
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_LEDGER})")  # noqa: S608
    if cursor.fetchone()[0]:
        # PostgreSQL's estimate of the ledger's size is close enough here; it has
        # none (-1) until the ledger is first analysed, and then it is counted.
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [_LEDGER]
        )
        held = cursor.fetchone()[0]
        if held < 0:
            cursor.execute(f"SELECT count(*) FROM {_LEDGER}")  # noqa: S608
            held = cursor.fetchone()[0]
        if rows < held:
            return False
        line = _typed()["line_number"]
        cursor.execute(
            f"SELECT count(*) FROM {STAGING} s JOIN {_LEDGER} r "  # noqa: S608
            f"ON r.invoice_number = s.invoice_number AND r.line_number = {line}"
        )
        new = rows - cursor.fetchone()[0]
        if new < max(BULK_LINES, held):
            return False
    cursor.execute("SELECT current_setting('lock_timeout')")
    waits = cursor.fetchone()[0]
    try:
        with transaction.atomic():
            cursor.execute(f"SET LOCAL lock_timeout = '{BULK_LOCK_WAIT}'")
            cursor.execute(f"LOCK TABLE {_LEDGER} IN ACCESS EXCLUSIVE MODE")
    except OperationalError:
        return False
    # Back to what the rest of the transaction waits for locks.
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [waits])
    return True


def _ledger_indexes(for_index: Callable, for_constraint: Callable) -> None:
    """Drop or build every index and constraint the ledger's model declares, with
    the schema editor's method for an index and the one for a constraint."""
    with connection.schema_editor(atomic=False) as editor:
        for index in SalesRecord._meta.indexes:
            for_index(editor, SalesRecord, index)
        for constraint in SalesRecord._meta.constraints:
            for_constraint(editor, SalesRecord, constraint)
