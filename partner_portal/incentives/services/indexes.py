"""A bulk load builds the ledger's indexes anew rather than line by line.

Inserting a million lines into indexed tables updates every index once per line;
dropping the indexes and building each once its lines are in is several times
faster, but locks readers of the ledger out until the load commits. So only a
load that at least doubles the ledger does it (`bulk()`), and only if readers let
it take the lock within BULK_LOCK_WAIT. Both limits are read when a load runs, so
tests may lower them.
"""

from collections.abc import Callable

from django.db import OperationalError, connection, transaction

from ..models import SalesRecord
from .staging import STAGING, typed_cells

# A load that adds at least this many lines, and at least as many as the ledger
# holds, builds the ledger's indexes anew after inserting rather than line by line.
BULK_LINES = 100_000
# How long such a load waits for readers of the ledger before it inserts line by
# line instead (see bulk()).
BULK_LOCK_WAIT = "3s"
_LEDGER = SalesRecord._meta.db_table


def bulk(cursor, rows: int) -> bool:
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
        line = typed_cells()["line_number"]
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


def ledger_indexes(for_index: Callable, for_constraint: Callable) -> None:
    """Drop or build every index and constraint the ledger's model declares, with
    the schema editor's method for an index and the one for a constraint."""
    with connection.schema_editor(atomic=False) as editor:
        for index in SalesRecord._meta.indexes:
            for_index(editor, SalesRecord, index)
        for constraint in SalesRecord._meta.constraints:
            for_constraint(editor, SalesRecord, constraint)
