"""Stages 3 and 4 of a load: describe a dry run, or merge into the ledger.

Once every cell is valid, SQL copies the old values of every line that changes
into the history table, updates those lines and inserts the new ones, casting the
checked text to the ledger's types. Unchanged lines are left untouched: loading a
file twice changes nothing the second time. A dry run counts the same three
outcomes and describes its first PREVIEW_ROWS rows instead, as many as the preview
of every other import lists (imports.preview).
"""

from decimal import Decimal

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor as SchemaEditor
from django.utils import timezone

from partner_portal.imports.preview import PREVIEW_ROWS
from partner_portal.partners.models import Partner

from ..models import SalesRecord, SalesRecordChange, SalesSource
from .indexes import bulk, ledger_indexes
from .results import COLUMNS, Outcome, RowOutcome, SalesImportResult
from .staging import SCOPE, STAGED, STAGING, typed_cells

# Two imports never merge at once: each would miss the other's history rows.
IMPORT_LOCK_KEY = 7_304_217

# The values that make a line; source and timestamps are not compared.
_COMPARED = ("partner_id", "date", "sku", "quantity", "amount", "currency")
_COLUMN_OF = {"partner_id": "partner_external_id"}


def lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


def lock_partners(cursor) -> bool:
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


def describe(cursor, result: SalesImportResult) -> None:
    """Count what a dry run would do and describe its first rows."""
    typed = typed_cells()
    cursor.execute(
        f"""
        SELECT count(*),
               coalesce(sum(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN r.id IS NOT NULL AND ({_differs(typed)})
                                 THEN 1 ELSE 0 END), 0)
        FROM {STAGED} LEFT JOIN {_join(typed)}
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
        FROM {STAGED} LEFT JOIN {_join(typed)}
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


def merge(cursor, result: SalesImportResult, source: SalesSource) -> None:
    """Keep the old values of changing lines, update them, then add the new ones.

    Only imports write the ledger and they take turns (the advisory lock), so a
    plain UPDATE and INSERT are safe, and faster than INSERT ... ON CONFLICT.
    """
    typed = typed_cells()
    bulk_load = bulk(cursor, result.rows)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(f'"{name}"' for name in _COMPARED)
    cursor.execute(
        f"""
        INSERT INTO {_HISTORY} (
            record_id, {values}, source_id, replaced_by_id, changed_at
        )
        SELECT r.id, {", ".join(f'r."{name}"' for name in _COMPARED)},
               r.source_id, %s, %s
        FROM {STAGED} JOIN {_join(typed)}
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
    if bulk_load:
        ledger_indexes(SchemaEditor.remove_index, SchemaEditor.remove_constraint)
    cursor.execute(
        f"""
        INSERT INTO {_LEDGER} (
            invoice_number, line_number, {values}, source_id, created_at, updated_at
        )
        SELECT s.invoice_number, {typed["line_number"]},
               {", ".join(typed[name] for name in _COMPARED)}, %s, %s, %s
        FROM {STAGED}
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
    if bulk_load:
        ledger_indexes(SchemaEditor.add_index, SchemaEditor.add_constraint)
