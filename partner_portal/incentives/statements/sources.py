"""The sales lines a statement line counted, as the ledger held them then.

A statement stores the ledger's watermark (the last import it read) rather than a
link per sales line: a run over a million lines stays one aggregate. The ledger's
history gives every line as it stood at any watermark: a line last changed by an
import up to the watermark is as it is now; one changed later is as its history row
from an import up to the watermark and replaced after it says; one created later
was not there. So a line's sources add up to its basis however the ledger changed
since, and an adjustment's sources are the sales lines whose counted amount changed
between the two watermarks, with the difference.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from ..models import SalesRecord, SalesRecordChange, StatementLine

_LEDGER = SalesRecord._meta.db_table
_HISTORY = SalesRecordChange._meta.db_table
_AS_OF = f"""
    SELECT r.id, r.invoice_number, r.line_number, r.partner_id, r.date, r.sku,
           r.quantity, r.amount, r.currency
    FROM {_LEDGER} r WHERE r.source_id <= %(w)s
    UNION ALL
    SELECT r.id, r.invoice_number, r.line_number, c.partner_id, c.date, c.sku,
           c.quantity, c.amount, c.currency
    FROM {_HISTORY} c JOIN {_LEDGER} r ON r.id = c.record_id
    WHERE r.source_id > %(w)s AND c.source_id <= %(w)s AND c.replaced_by_id > %(w)s
"""  # noqa: S608


@dataclass(frozen=True)
class Source:
    record_id: int
    invoice_number: str
    line_number: int
    date: object
    sku: str
    quantity: int
    amount: Decimal


def _counted(watermark: int | None, skus: int) -> str:
    """The sales lines of a line's rule in the ledger as of `watermark`, a SELECT
    (none when `watermark` is None)."""
    if watermark is None:
        columns = "id, invoice_number, line_number, date, sku, quantity, amount"
        return f"SELECT {columns} FROM {_LEDGER} WHERE false"  # noqa: S608
    only_skus = f"AND sku IN ({', '.join(f'%(sku{n})s' for n in range(skus))})"
    only_skus = only_skus if skus else ""
    return f"""
        SELECT id, invoice_number, line_number, date, sku, quantity, amount
        FROM ({_AS_OF.replace("%(w)s", str(int(watermark)))}) ledger
        WHERE partner_id = %(partner)s AND currency = %(currency)s
          AND date BETWEEN %(first)s AND %(last)s {only_skus}
    """  # noqa: S608


def _query(line: StatementLine) -> tuple[str, dict]:
    statement = line.statement
    params = {
        "partner": statement.partner_id,
        "currency": statement.currency,
        "first": statement.period_start,
        "last": statement.period_end,
        **{f"sku{n}": sku for n, sku in enumerate(line.skus)},
    }
    now = _counted(line.ledger_now, len(line.skus))
    if line.ledger_before is None:
        return now, params
    before = _counted(line.ledger_before, len(line.skus))
    # What changed between the two: each sales line by how much it changed.
    return (
        f"""
        SELECT COALESCE(n.id, b.id) AS id,
               COALESCE(n.invoice_number, b.invoice_number) AS invoice_number,
               COALESCE(n.line_number, b.line_number) AS line_number,
               COALESCE(n.date, b.date) AS date, COALESCE(n.sku, b.sku) AS sku,
               COALESCE(n.quantity, 0) - COALESCE(b.quantity, 0) AS quantity,
               COALESCE(n.amount, 0) - COALESCE(b.amount, 0) AS amount
        FROM ({now}) n FULL OUTER JOIN ({before}) b ON b.id = n.id
        WHERE n.id IS NULL OR b.id IS NULL
           OR n.amount <> b.amount OR n.quantity <> b.quantity
        """,  # noqa: S608
        params,
    )


def line_sources(line: StatementLine, *, offset: int = 0, limit: int | None = None):
    """The sales lines `line` counted, by date, invoice and line number."""
    if not line.counts_sales or (
        line.ledger_now is None and line.ledger_before is None
    ):
        return []
    sql, params = _query(line)
    params = {**params, "offset": offset, "limit": limit}
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT * FROM ({sql}) counted
                ORDER BY date, invoice_number, line_number
                LIMIT %(limit)s OFFSET %(offset)s""",  # noqa: S608
            params,
        )
        return [Source(*row) for row in cursor.fetchall()]


def line_sources_total(line: StatementLine) -> tuple[int, Decimal, int]:
    """(how many sales lines, the sum of their amounts, of their quantities)."""
    if not line.counts_sales or (
        line.ledger_now is None and line.ledger_before is None
    ):
        return 0, Decimal(0), 0
    sql, params = _query(line)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*), COALESCE(sum(amount), 0), COALESCE(sum(quantity), 0)
                FROM ({sql}) counted""",  # noqa: S608
            params,
        )
        count, amount, quantity = cursor.fetchone()
    return count, amount, quantity
