"""A load from start to end, in one transaction: stage, check, then merge.

`sales_import_file()` and `sales_import_rows()` differ only in how rows reach the
staging table (reading.py); `_import()` runs every other stage the same way.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePath
from typing import BinaryIO

from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

import psycopg

from partner_portal.partners.models import Partner, User
from partner_portal.tabular.reading import ImportErrors, TabularError, open_table

from ..models import SalesSource
from . import checks, merge, reading, staging
from .results import COLUMNS, SalesImportResult
from .staging import SCOPE, STAGING


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
        and header.encoding in reading.COPY_ENCODINGS
    )

    def load(cursor, result: SalesImportResult) -> Iterator | None:
        if copyable:
            try:
                with transaction.atomic():
                    result.rows = reading.copy_file(
                        cursor,
                        file,
                        header.columns,
                        header.encoding,
                        progress,
                    )
                return None
            except (reading.NotCopyable, DatabaseError, psycopg.Error):
                pass  # rolled back: the Python reader takes over
        rows = table().rows
        reading.load_rows(cursor, progress(rows) if progress else rows, result)
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
        reading.load_rows(cursor, progress(given) if progress else given, result)

    return _import(load, result, by=by, kind=kind, partners=partners)


def _sha256(file: BinaryIO | File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(reading.CHUNK):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


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
                merge.lock()
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    # The sort that finds repeated invoice lines stays in memory.
                    cursor.execute("SET LOCAL work_mem = '64MB'")
                    # Indexes on a million rows are sorted in memory at once.
                    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                    # checks._all_valid() reads dates back as YYYY-MM-DD.
                    cursor.execute("SET LOCAL datestyle = 'ISO'")
                    # Compiling the checks' long expressions takes longer than
                    # running them.
                    cursor.execute("SET LOCAL jit = off")
                schema = staging.create(cursor, scope)
                rows = load(cursor, result)
                if connection.vendor == "postgresql":
                    # Without statistics of the new tables PostgreSQL would look up
                    # each row's partner in the index rather than hash them all.
                    cursor.execute(f"ANALYZE {STAGING}, {SCOPE}")
                checks.check(cursor, result.errors)
                checks.find_duplicates(cursor, result.errors)
                if not result.rows and not result.errors:
                    result.file_error = _("The file has no sales lines.")
                if not result.ok or result.dry_run:
                    if result.ok:
                        merge.describe(cursor, result)
                    transaction.set_rollback(True)
                    return result
                if not merge.lock_partners(cursor):
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
                merge.merge(cursor, result, source)
                staging.drop(cursor, schema)
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
