"""Big sales files leave the request: the task worker checks and imports them.

A file with more rows than SALES_IMPORT_BACKGROUND_ROWS takes seconds (a CSV) to
minutes (a workbook, which Python reads cell by cell) to load: longer than a web
request should hold a worker, a proxy and a browser. For such a file the admin
and the API call `sales_import_job_start()`, which keeps the file, records a
`SalesImportJob` and has the worker run `sales_import_job_run()` on it once the
request's transaction commits. The worker calls the same `sales_import_file()` a
request would: the same checks, all or nothing, the same report, kept on the job.

The admin's check (dry run) of a big upload runs in the background too, rather
than in the request with a shorter report: checking reads and checks every row,
which is most of an import's time (for a workbook nearly all of it), so a check
in the request would hold it almost as long as the import. Its report is the one
a check in the request gives, the outcome of the first PREVIEW_ROWS rows
included: the counts cannot show that a file's names came out garbled in the
encoding it was read in, and those rows can, before anything is written.

Rows are counted cheaply to decide (`sales_file_rows()`), from the line breaks of
a CSV file or the size an XLSX sheet declares, never by reading the cells.
"""

import logging
import re
import time
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from decimal import Decimal
from itertools import islice
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partner_portal.partners.models import User
from partner_portal.tabular.errors import ImportErrors, RowError
from partner_portal.tabular.xlsx import XLSX_MAX_ENTRIES

from ..models import SalesImportJob, SalesRecord
from ..permissions import SalesRecordPermissionPolicy
from .load import sales_import_file
from .results import RowOutcome, SalesImportResult

logger = logging.getLogger(__name__)

# Where uploads wait to be imported; the source of an import keeps its file there.
PENDING_FOLDER = "sales_imports/pending"
# The worker writes the rows read at most this often, looking at the clock every
# PROGRESS_ROWS rows: a few statements per million rows.
PROGRESS_SECONDS = 1.0
PROGRESS_ROWS = 10_000

_COUNT_CHUNK = 1024**2
# A sheet's <dimension> comes before its rows, in its first few hundred bytes; no
# more than this is unpacked of each sheet to find it.
_SHEET_HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\s+ref=[\"'][A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}([0-9]+))?[\"']"
)
_NOT_A_ZIP = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)

Status = SalesImportJob.Status
_policy = SalesRecordPermissionPolicy(SalesRecord)


def sales_upload_store(*, file: BinaryIO | File, filename: str) -> str:
    """Keep an upload in the default storage under a name nobody can guess."""
    suffix = PurePath(filename).suffix.lower()
    file.seek(0)
    return default_storage.save(f"{PENDING_FOLDER}/{uuid.uuid4().hex}{suffix}", file)


def sales_file_rows(*, file: BinaryIO | File, filename: str) -> int | None:
    """About how many data rows a sales file holds, counted without reading a cell.

    For a CSV file, its line breaks less the header's: blank lines and line breaks
    inside quotes count too, so it may say more, never fewer. For an XLSX file, the
    most rows any of its sheets declares. None when a workbook declares no size or
    is no workbook at all: such a file is read in the request as before, where
    tabular.reading refuses what it must.
    """
    suffix = PurePath(filename).suffix.lower()
    file.seek(0)
    try:
        if suffix == ".csv":
            return _csv_rows(file)
        if suffix == ".xlsx":
            return _xlsx_rows(file)
        return None
    finally:
        file.seek(0)


def _csv_rows(file: BinaryIO | File) -> int:
    lines, last = 0, b"\n"
    while chunk := file.read(_COUNT_CHUNK):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    # A last line without its line break is a row too.
    return max(lines - 1 + (last not in b"\r\n"), 0)


def _xlsx_rows(file: BinaryIO | File) -> int | None:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > XLSX_MAX_ENTRIES:
                return None
            declared = []
            for entry in entries:
                name = entry.filename
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(entry) as sheet:
                        found = _DIMENSION.search(sheet.read(_SHEET_HEAD_BYTES))
                    if found:
                        declared.append(int(found[1] or 1))
    except _NOT_A_ZIP:
        return None
    return max(declared) - 1 if declared else None


def sales_import_job_start(
    *,
    file: BinaryIO | File,
    filename: str,
    by: User,
    kind: str,
    dry_run: bool = False,
    encoding: str = "",
    stored_file: str = "",
) -> SalesImportJob | None:
    """Hand a file above SALES_IMPORT_BACKGROUND_ROWS rows to the task worker.

    Returns the queued job, or None for a file small enough to import in the
    request, which the caller then does as before. `stored_file` names the copy
    of the file already kept (a confirmed upload); otherwise one is kept now.
    Messages are worded in the language active now, the requester's.
    """
    rows = sales_file_rows(file=file, filename=filename)
    if rows is None or rows <= settings.SALES_IMPORT_BACKGROUND_ROWS:
        return None
    job = SalesImportJob.objects.create(
        kind=kind,
        name=filename[:255],
        file=stored_file or sales_upload_store(file=file, filename=filename),
        encoding=encoding or "",
        language=translation.get_language() or "",
        dry_run=dry_run,
        rows_total=rows,
        created_by=by,
    )
    _enqueue(job.pk)
    return job


def sales_import_job_confirm(*, job: SalesImportJob, by: User) -> bool:
    """Import the file a background check of `by`'s found valid, checking it again.

    False, and nothing queued, unless the job is that user's succeeded check: a
    second click, or a check that failed, confirms nothing.
    """
    confirmed = SalesImportJob.objects.filter(
        pk=job.pk, created_by=by, dry_run=True, status=Status.SUCCEEDED
    ).update(
        dry_run=False,
        status=Status.QUEUED,
        rows_read=0,
        report={},
        finished_at=None,
        language=translation.get_language() or "",
    )
    if confirmed:
        _enqueue(job.pk)
    return bool(confirmed)


def _enqueue(job_id: int) -> None:
    # tasks.py imports this module for the task's body.
    from ..tasks import sales_import_job_task

    # After the commit, so that the worker finds the job.
    transaction.on_commit(lambda: sales_import_job_task.enqueue(job_id))


def sales_import_job_run(*, job_id: int) -> SalesImportJob:
    """Run a queued job, as the task worker does; a job not queued is left alone.

    The importer's permission and partners are read now, as a request would read
    them. A failure the import does not report itself (the stored file gone, the
    database down) fails the job with a message saying nothing was imported, and
    is raised again for the worker's log.
    """
    started = SalesImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, rows_read=0
    )
    job = SalesImportJob.objects.select_related("created_by").get(pk=job_id)
    if not started:
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        user = job.created_by
        if user is None or not _policy.user_may_import(user):
            return _finish(
                job,
                file_error=_(
                    "You may no longer import sales, so nothing was imported."
                ),
            )
        try:
            with (
                default_storage.open(job.file.name, "rb") as file,
                _Progress(job) as progress,
            ):
                result = sales_import_file(
                    file=file,
                    filename=job.name,
                    by=user,
                    kind=job.kind,
                    dry_run=job.dry_run,
                    partners=_policy.importable_partners(user),
                    progress=progress,
                    stored_file=job.file.name,
                    encoding=job.encoding or None,
                )
        except Exception:
            logger.exception("Sales import job %s failed", job_id)
            _finish(
                job,
                file_error=_(
                    "The import stopped on an unexpected error and nothing was "
                    "imported. Try again; if it fails again, ask an administrator "
                    "to look at the task worker's log."
                ),
            )
            raise
    return _finish(job, result=result)


def _finish(
    job: SalesImportJob,
    *,
    result: SalesImportResult | None = None,
    file_error: str = "",
) -> SalesImportJob:
    if result is None:
        result = SalesImportResult(
            name=job.name,
            dry_run=job.dry_run,
            errors=ImportErrors(),
            file_error=file_error,
        )
    job.status = Status.SUCCEEDED if result.ok else Status.FAILED
    job.row_count = result.rows
    job.created_count = result.created
    job.updated_count = result.updated
    job.unchanged_count = result.unchanged
    job.source = result.source
    job.report = {
        "encoding": result.encoding,
        "file_error": result.file_error,
        "error_count": result.errors.total,
        "errors": [
            {"row": error.row, "column": error.column, "message": error.message}
            for error in result.sorted_errors()
        ],
        # A check's first rows, as its page lists them (JSON has no Decimal).
        "outcomes": [
            asdict(outcome) | {"amount": str(outcome.amount)}
            for outcome in result.outcomes
        ],
    }
    job.finished_at = timezone.now()
    fields = [
        "status",
        "row_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "source",
        "report",
        "finished_at",
    ]
    if result.ok:
        # Exact, also where _Progress could not write it (SQLite).
        job.rows_read = job.rows_total = result.rows
        fields += ["rows_read", "rows_total"]
    job.save(update_fields=fields)
    return job


def sales_import_job_result(job: SalesImportJob) -> SalesImportResult:
    """A finished job's report as the result of an import in the request.

    So that the admin and the API render a job exactly as they render an import.
    """
    report = job.report or {}
    errors = ImportErrors()
    errors.errors = [RowError(**error) for error in report.get("errors", [])]
    errors.total = report.get("error_count", len(errors.errors))
    outcomes = [
        RowOutcome(
            **outcome
            | {
                "amount": Decimal(outcome["amount"]),
                "changed": tuple(outcome["changed"]),
            }
        )
        for outcome in report.get("outcomes", [])
    ]
    return SalesImportResult(
        name=job.name,
        dry_run=job.dry_run,
        errors=errors,
        file_error=report.get("file_error", ""),
        rows=job.row_count,
        created=job.created_count,
        updated=job.updated_count,
        unchanged=job.unchanged_count,
        outcomes=outcomes,
        source=job.source,
        encoding=report.get("encoding"),
    )


class _Progress:
    """Counts the rows a load reads and writes the count to its job now and then.

    The load runs in one transaction, which hides its writes until it commits, so
    the count goes through a database connection of its own, in autocommit. While
    reading, the total shown stays above the rows read; once every row is read it
    is the exact count, which the job page reads as "checking". SQLite (`make
    run`) lets one connection write at a time, and the load holds it: there a job
    shows its progress only when it ends.
    """

    def __init__(self, job: SalesImportJob):
        self.job_id = job.pk
        self.expected = job.rows_total
        self.connection = None
        if connection.vendor == "postgresql":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.connection is not None:
            self.connection.close()

    def __call__(self, rows: Iterable) -> Iterator:
        """The `progress` of `sales_import_file()`: each row, counted in batches."""
        read = 0
        written_at = time.monotonic()
        given = iter(rows)
        while batch := tuple(islice(given, PROGRESS_ROWS)):
            yield from batch
            read += len(batch)
            if time.monotonic() - written_at >= PROGRESS_SECONDS:
                self._write(read, max(self.expected, read + 1))
                written_at = time.monotonic()
        self._write(read, read)

    def _write(self, read: int, total: int) -> None:
        if self.connection is None:
            return
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {SalesImportJob._meta.db_table} "  # noqa: S608
                "SET rows_read = %s, rows_total = %s WHERE id = %s",
                [read, total, self.job_id],
            )
