"""Writes to the sales ledger: the one sales import.

Admin uploads, `manage.py import_sales` and the API all load sales through
`sales_import_file()` or `sales_import_rows()`, so validation, the all-or-nothing rule
and the history of changed lines are the same whichever way sales arrive.

How a load runs, in one transaction:

1. Rows stream from the file (partners.tabular) and are validated one by one in
   Python: dates, numbers, currency codes, partners (looked up in a dictionary read
   once, so never a query per row). Valid rows stream on into a temporary staging
   table through PostgreSQL COPY; nothing of the file is held in memory.
2. SQL finds invoice lines that appear twice in the file.
3. Any error, or a dry run: the transaction rolls back and nothing is written. A dry
   run reports, per row, whether the line would be created, updated or unchanged.
4. Otherwise SQL copies the old values of every line that changes into the history
   table, then merges the staging table into the ledger with INSERT ... ON CONFLICT
   DO UPDATE, which leaves unchanged lines untouched: loading a file twice changes
   nothing the second time.

On SQLite (the embedded default of `make run`) rows go into the staging table in
batches instead of COPY; the SQL that checks and merges is the same.
"""

import csv
import datetime
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import BinaryIO

from django.core.files import File
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.partners.models import Partner, User
from partner_portal.partners.tabular import (
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

_WHOLE = re.compile(r"-?\d+")
_POSITIVE = re.compile(r"\d+")
_AMOUNT = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Characters people and spreadsheets put between thousands.
_GROUPING = re.compile(r"[,'\s\u00a0\u202f]")

STAGING = "incentives_sales_staging"
# Columns of the staging table, in the order rows are written to it.
_STAGED = (
    "row_number",
    "invoice_number",
    "line_number",
    "partner_id",
    "date",
    "sku",
    "quantity",
    "amount",
    "currency",
)
# The values that make a line; source and timestamps are not compared.
_COMPARED = ("partner_id", "date", "sku", "quantity", "amount", "currency")
_COLUMN_OF = {"partner_id": "partner_external_id"}
_BATCH = 2_000


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

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    def error_list(self) -> list[RowError]:
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
) -> SalesImportResult:
    """Import a CSV or XLSX file of sales lines into the ledger, all or nothing.

    `partners` limits the partners the file may name (a channel account manager's
    own); others are reported as unknown. `progress` wraps the row iterator (a tqdm
    bar, say). `stored_file` is the storage name of a kept copy of the upload, which
    the source then refers to. Nothing is written when the result is not `ok` or
    when `dry_run` is set.
    """
    errors = ImportErrors()
    result = SalesImportResult(name=filename, dry_run=dry_run, errors=errors)
    digest = _sha256(file)
    try:
        table = open_table(
            file,
            filename=filename,
            required=(),
            allowed=COLUMNS,
            errors=errors,
        )
    except TabularError as exc:
        result.file_error = str(exc)
        return result
    missing = [name for name in COLUMNS if name not in table.columns]
    if missing:
        table.rows.close()
        for name in missing:
            errors.add(
                1,
                name,
                _("The first row must name a “%(column)s” column.") % {"column": name},
            )
        return result
    return _import(
        table.rows,
        result,
        by=by,
        kind=kind,
        partners=partners,
        progress=progress,
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
    return _import(
        iter(rows), result, by=by, kind=kind, partners=partners, progress=progress
    )


def _sha256(file: BinaryIO | File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(1024 * 1024):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _import(
    rows: Iterator[tuple[int, dict[str, str]]],
    result: SalesImportResult,
    *,
    by: User | None,
    kind: str,
    partners: QuerySet[Partner] | None,
    progress: Callable[[Iterable], Iterable] | None,
    sha256: str = "",
    stored_file: str = "",
) -> SalesImportResult:
    scope = Partner.objects.all() if partners is None else partners
    partner_ids = dict(scope.values_list("external_id", "pk"))
    checked = _checked_rows(progress(rows) if progress else rows, partner_ids, result)
    try:
        with transaction.atomic():
            if not result.dry_run:
                _lock()
            with connection.cursor() as cursor:
                _create_staging(cursor)
                _load_staging(cursor, checked)
                _find_duplicates(cursor, result.errors)
                if not result.rows and not result.errors:
                    result.file_error = _("The file has no sales lines.")
                if not result.ok or result.dry_run:
                    if result.ok:
                        _describe(cursor, result, partner_ids)
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
                cursor.execute(f"DROP TABLE {STAGING}")
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
        checked.close()
    return result


def _checked_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    partner_ids: dict[str, int],
    result: SalesImportResult,
) -> Iterator[tuple]:
    """Validate each row; yield the staging values of the valid ones.

    Every problem of a row is reported, not only the first, so one round of
    corrections fixes the file.
    """
    add = result.errors.add
    currencies = currency_names()
    whole, positive, amount_pattern, date_pattern = _WHOLE, _POSITIVE, _AMOUNT, _DATE
    fromisoformat = datetime.date.fromisoformat
    for number, row in rows:
        result.rows += 1
        valid = True

        invoice = row.get("invoice_number", "")
        if not invoice or len(invoice) > CODE_LENGTH or "\x00" in invoice:
            add(number, "invoice_number", _invoice_problem(invoice))
            valid = False

        line = row.get("line_number", "")
        if not positive.fullmatch(line) or not 0 < int(line) <= MAX_INTEGER:
            add(
                number,
                "line_number",
                _("Enter the line number as a whole number from 1 up, such as 1."),
            )
            valid = False

        external_id = row.get("partner_external_id", "")
        partner_id = partner_ids.get(external_id)
        if partner_id is None:
            if external_id:
                message = _("No partner has the external ID “%(id)s”.") % {
                    "id": external_id
                }
            else:
                message = _("Enter the partner's external ID.")
            add(number, "partner_external_id", message)
            valid = False

        date = row.get("date", "")
        try:
            if not date_pattern.fullmatch(date):
                raise ValueError
            fromisoformat(date)
        except ValueError:
            add(
                number,
                "date",
                _("Enter a real date as YYYY-MM-DD, such as 2025-01-31."),
            )
            valid = False

        sku = row.get("sku", "")
        if not sku or len(sku) > CODE_LENGTH or "\x00" in sku:
            add(number, "sku", _sku_problem(sku))
            valid = False

        quantity = row.get("quantity", "")
        if not whole.fullmatch(quantity) or abs(int(quantity)) > MAX_INTEGER:
            add(
                number,
                "quantity",
                _(
                    "Enter the quantity as a whole number; returns are negative, "
                    "such as -2."
                ),
            )
            valid = False

        amount = row.get("amount", "")
        match = amount_pattern.fullmatch(amount)
        if (
            match is None
            or len(match[2]) > MAX_AMOUNT_DIGITS
            or len(match[3] or "") > 2
        ):
            add(number, "amount", _amount_problem(amount, match))
            valid = False

        code = row.get("currency", "")
        if code not in currencies:
            code = code.upper()
            if code not in currencies:
                add(number, "currency", _currency_problem(code))
                valid = False

        if valid:
            yield (number, invoice, line, partner_id, date, sku, quantity, amount, code)


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
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    cursor.execute(
        f"""
        SELECT count(*) FROM (SELECT DISTINCT partner_id FROM {STAGING}) s
        WHERE NOT EXISTS (
            SELECT 1 FROM (
                SELECT p.id FROM {Partner._meta.db_table} p
                WHERE p.id IN (SELECT partner_id FROM {STAGING}){lock}
            ) locked
            WHERE locked.id = s.partner_id
        )
        """  # noqa: S608
    )
    return cursor.fetchone()[0] == 0


def _create_staging(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE {STAGING} (
            row_number integer NOT NULL,
            invoice_number varchar({CODE_LENGTH}) NOT NULL,
            line_number integer NOT NULL,
            partner_id bigint NOT NULL,
            "date" date NOT NULL,
            sku varchar({CODE_LENGTH}) NOT NULL,
            quantity integer NOT NULL,
            amount numeric(14, 2) NOT NULL,
            currency varchar(3) NOT NULL
        )
        """
    )


def _load_staging(cursor, rows: Iterator[tuple]) -> None:
    columns = ", ".join(f'"{name}"' for name in _STAGED)
    if connection.vendor == "postgresql":
        # csv.writer formats rows in C, far faster than one write_row() per row;
        # every value is validated and none is empty (which CSV COPY reads as NULL).
        buffer = io.StringIO()
        writerow = csv.writer(buffer, lineterminator="\n").writerow
        sql = f"COPY {STAGING} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with cursor.copy(sql) as copy:
            while True:
                for values in islice(rows, _BATCH):
                    writerow(values)
                if not buffer.tell():
                    break
                copy.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        # Temporary tables are never analysed on their own; the joins need it.
        cursor.execute(f"ANALYZE {STAGING}")
        return
    placeholders = ", ".join(["%s"] * len(_STAGED))
    sql = f"INSERT INTO {STAGING} ({columns}) VALUES ({placeholders})"  # noqa: S608
    while batch := list(islice(rows, _BATCH)):
        cursor.executemany(sql, batch)


def _find_duplicates(cursor, errors: ImportErrors) -> None:
    """Report each row that repeats an invoice line of an earlier row."""
    room = max(errors.limit - len(errors.errors), 0)
    cursor.execute(
        f"""
        SELECT row_number, invoice_number, line_number, first_row,
               count(*) OVER () AS repeats
        FROM (
            SELECT row_number, invoice_number, line_number,
                   min(row_number) OVER (
                       PARTITION BY invoice_number, line_number
                   ) AS first_row
            FROM {STAGING}
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


def _differs(old: str, new: str) -> str:
    return " OR ".join(f'{old}."{name}" <> {new}."{name}"' for name in _COMPARED)


_LEDGER = SalesRecord._meta.db_table
_HISTORY = SalesRecordChange._meta.db_table
_JOIN = (
    f"{_LEDGER} r ON r.invoice_number = s.invoice_number "
    "AND r.line_number = s.line_number"
)


def _describe(cursor, result: SalesImportResult, partner_ids: dict[str, int]) -> None:
    """Count what a dry run would do and describe its first rows."""
    cursor.execute(
        f"""
        SELECT count(*),
               coalesce(sum(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN r.id IS NOT NULL AND ({_differs("r", "s")})
                                 THEN 1 ELSE 0 END), 0)
        FROM {STAGING} s LEFT JOIN {_JOIN}
        """  # noqa: S608
    )
    total, result.created, result.updated = cursor.fetchone()
    result.unchanged = total - result.created - result.updated
    flags = ", ".join(f'r."{name}" <> s."{name}"' for name in _COMPARED)
    cursor.execute(
        f"""
        SELECT s.row_number, s.invoice_number, s.line_number, s.partner_id,
               s."date", s.sku, s.quantity, s.amount, s.currency,
               r.id IS NOT NULL, {flags}
        FROM {STAGING} s LEFT JOIN {_JOIN}
        ORDER BY s.row_number
        LIMIT %s
        """,  # noqa: S608
        [PREVIEW_ROWS],
    )
    external_ids = {pk: external_id for external_id, pk in partner_ids.items()}
    for row in cursor.fetchall():
        (number, invoice, line, partner_id, date, sku, quantity, amount, currency) = (
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
                partner_external_id=external_ids[partner_id],
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
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(f'"{name}"' for name in _COMPARED)
    cursor.execute(
        f"""
        INSERT INTO {_HISTORY} (
            record_id, {values}, source_id, replaced_by_id, changed_at
        )
        SELECT r.id, {", ".join(f'r."{name}"' for name in _COMPARED)},
               r.source_id, %s, %s
        FROM {STAGING} s JOIN {_JOIN}
        WHERE {_differs("r", "s")}
        """,  # noqa: S608
        [source.pk, now],
    )
    result.updated = cursor.rowcount
    if result.updated:
        updates = ", ".join(f'"{name}" = s."{name}"' for name in _COMPARED)
        cursor.execute(
            f"""
            UPDATE {_LEDGER} AS r
            SET {updates}, source_id = %s, updated_at = %s
            FROM {STAGING} s
            WHERE r.invoice_number = s.invoice_number
              AND r.line_number = s.line_number
              AND ({_differs("r", "s")})
            """,  # noqa: S608
            [source.pk, now],
        )
    cursor.execute(
        f"""
        INSERT INTO {_LEDGER} (
            invoice_number, line_number, {values}, source_id, created_at, updated_at
        )
        SELECT s.invoice_number, s.line_number,
               {", ".join(f's."{name}"' for name in _COMPARED)}, %s, %s, %s
        FROM {STAGING} s
        WHERE NOT EXISTS (
            SELECT 1 FROM {_LEDGER} r
            WHERE r.invoice_number = s.invoice_number
              AND r.line_number = s.line_number
        )
        """,  # noqa: S608
        [source.pk, now, now],
    )
    result.created = cursor.rowcount
    result.unchanged = result.rows - result.created - result.updated
