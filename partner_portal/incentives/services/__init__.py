"""Writes to the sales ledger: the one sales import.

Admin uploads, `manage.py import_sales` and the API all load sales through
`sales_import_file()` or `sales_import_rows()`, so validation, the all-or-nothing rule
and the history of changed lines are the same whichever way sales arrive.

A load runs in one transaction (load.py), one module per stage:

1. reading.py: the cells of every row go, as text, into a staging table in a
   schema of the import's own (staging.py) — a plain CSV file by COPY straight
   from its bytes, anything else read by tabular.reading and copied cell by cell.
   Nothing of the file is held in memory either way.
2. checks.py: one SQL pass checks every cell (dates, numbers, currency codes,
   partners within the importer's scope) and returns the first problems with
   their text, which Python words; then SQL finds invoice lines that appear twice
   in the file.
3. Any error, or a dry run: the transaction rolls back and nothing is written. A
   dry run reports, per row, whether the line would be created, updated or
   unchanged (merge.py, `describe()`).
4. merge.py: SQL copies the old values of every line that changes into the
   history table, updates those lines and inserts the new ones; unchanged lines
   are left untouched, so loading a file twice changes nothing the second time. A
   load at least as large as the ledger (the first import of past years, say)
   drops the ledger's indexes and builds them again once its lines are in
   (indexes.py).

results.py holds what every stage reports into. A file too big to load while a
request waits is checked and imported by the task worker instead (jobs.py).
"""

from .jobs import (
    PENDING_FOLDER,
    sales_file_rows,
    sales_import_job_confirm,
    sales_import_job_result,
    sales_import_job_run,
    sales_import_job_start,
    sales_upload_store,
)
from .load import sales_import_file, sales_import_rows
from .results import COLUMNS, Outcome, RowOutcome, SalesImportResult

__all__ = [
    "COLUMNS",
    "PENDING_FOLDER",
    "Outcome",
    "RowOutcome",
    "SalesImportResult",
    "sales_file_rows",
    "sales_import_file",
    "sales_import_job_confirm",
    "sales_import_job_result",
    "sales_import_job_run",
    "sales_import_job_start",
    "sales_import_rows",
    "sales_upload_store",
]
