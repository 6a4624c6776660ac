"""Import a CSV or XLSX file of rows, one kind of record per file, all or nothing.

One code path serves the admin (`views.ImportViewSet`), the management commands
(`command.ImportCommand`) and any app's import: an `ImportKind` names the
django-import-export resource (columns, row checks, how a row is saved) and the
permissions it needs. The file is read with `tabular.reading.open_table()`
(encodings decided, XLSX safety) into a tablib Dataset, and the resource checks every
row in a dry run that writes nothing. Only a file without a single error is then
imported: every row in one transaction, checked again inside it, so that a change
someone made in between is caught as well. Any error rolls the whole file back.

A kind's `Upload` may be an archive whose manifest is the table (see `archives`):
the archive stays open while both runs check and save the rows, and the resource
receives it as `context` to read the files its rows name.
"""

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, BinaryIO

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.files import File
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import tablib
from import_export.results import RowResult

from partner_portal.tabular.reading import (
    ImportErrors,
    RowError,
    TabularError,
    open_table,
)

from .resources import RowImportResource

# progress(total, description) returns a bar with update(n) and close(): tqdm fits.
Progress = Callable[[int, str], Any]


class Outcome(models.TextChoices):
    CREATED = "created", gettext_lazy("New")
    UPDATED = "updated", gettext_lazy("Changed")
    UNCHANGED = "unchanged", gettext_lazy("Unchanged")
    ERROR = "error", gettext_lazy("Error")


_OUTCOMES = {
    RowResult.IMPORT_TYPE_NEW: Outcome.CREATED,
    RowResult.IMPORT_TYPE_UPDATE: Outcome.UPDATED,
    RowResult.IMPORT_TYPE_SKIP: Outcome.UNCHANGED,
    RowResult.IMPORT_TYPE_INVALID: Outcome.ERROR,
}


def _no_notes() -> dict[str, str]:
    return {}


# What the admin accepts unless a kind's `Upload` says otherwise.
UPLOAD_MAX_BYTES = 20 * 1024**2
TABLE_HELP = gettext_lazy(
    "A .csv file (UTF-8, with or without BOM, or GB18030/GBK as Excel saves "
    "it in China) or an .xlsx workbook; the first row names the columns."
)
TABLE_REFUSAL = gettext_lazy("Only .csv and .xlsx files can be imported.")


@dataclass(frozen=True)
class UploadTable:
    """The table inside an upload, and what the resource receives with it.

    `context` reaches every resource of the run (an archive's open ZIP and its
    checked entries); `max_bytes` is the largest table accepted there (None: the
    caller's limit).
    """

    file: BinaryIO | File
    filename: str
    context: Any = None
    max_bytes: int | None = None


@dataclass(frozen=True)
class Upload:
    """What a kind accepts as an upload, and where its table is in it.

    The admin's form refuses another suffix or a larger file before anything is
    stored, with `refusal`, and shows `help_text` under the file field. An upload
    is the table itself unless `open_archive(file, filename)` is given: a context
    manager that checks the upload and yields the `UploadTable` inside it, kept
    open until every row is checked and saved (`archives.ZipManifest`).
    """

    suffixes: tuple[str, ...] = (".csv", ".xlsx")
    max_bytes: int = UPLOAD_MAX_BYTES
    help_text: Any = TABLE_HELP
    refusal: Any = TABLE_REFUSAL
    open_archive: Callable[[Any, str], AbstractContextManager[UploadTable]] | None = (
        None
    )

    @property
    def is_archive(self) -> bool:
        return self.open_archive is not None

    def table_in(self, file, filename) -> AbstractContextManager[UploadTable]:
        if self.open_archive is None:
            return nullcontext(UploadTable(file=file, filename=filename))
        return self.open_archive(file, filename)


@dataclass(frozen=True)
class ImportKind:
    """What is imported: its resource, its columns, who may import it, and how its
    preview names a row (`key_label` over the resource's key column, `label_label`
    over the `label_columns` joined).

    `permissions` are model permissions the user must all hold: an import creates
    and changes records in bulk, so an account manager's object permissions on
    their own partners are not enough where a file could name any partner. A kind
    whose resource limits rows to the importer's partners may ask for less.
    """

    name: str
    resource_class: type[RowImportResource]
    required: tuple[str, ...]
    optional: tuple[str, ...]
    label_columns: tuple[str, ...]
    permissions: tuple[str, ...]
    key_label: Any = ""
    label_label: Any = ""
    # What each column holds, for the upload page: a callable, as it may query.
    column_notes: Callable[[], dict[str, str]] = _no_notes
    upload: Upload = Upload()

    @property
    def columns(self):
        return (*self.required, *self.optional)

    @property
    def is_archive(self) -> bool:
        return self.upload.is_archive

    def user_may_import(self, user) -> bool:
        # has_perms() without an object asks the model backend only; guardian's
        # object permissions never answer for a whole model.
        return bool(user.is_active and user.has_perms(self.permissions))


@dataclass(frozen=True)
class RowOutcome:
    """What importing one row of the file does (or, in a dry run, would do)."""

    row: int
    key: str
    label: str
    outcome: Outcome
    changes: tuple[str, ...] = ()
    errors: tuple[RowError, ...] = ()


@dataclass
class ImportReport:
    """The outcome of every row, the errors, and whether anything was written."""

    kind: ImportKind
    filename: str
    dry_run: bool
    rows: list[RowOutcome]
    errors: ImportErrors
    # What the resource made that its caller acts on (new users to invite).
    created_objects: list = field(default_factory=list)
    # The codec a CSV file was read in; None for a workbook.
    encoding: str | None = None

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(Outcome.CREATED)

    @property
    def updated(self) -> int:
        return self.count(Outcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(Outcome.UNCHANGED)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.updated)

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors.errors, key=lambda error: error.row)


def file_import(
    kind: ImportKind,
    *,
    file: BinaryIO | File,
    filename: str,
    by,
    dry_run: bool,
    progress: Progress | None = None,
    max_bytes: int | None = None,
    encoding: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> ImportReport:
    """Check every row of the file and, unless `dry_run` or any row is wrong,
    import them all; `by` is recorded on what the rows change (None: a command run
    by nobody in particular). `options` are what this run needs besides the file
    (the page assets go under), handed to the resource as they are. Raises
    `TabularError` for a file that cannot be read and `PermissionDenied` when `by`
    may not import this kind.
    """
    if by is not None and not kind.user_may_import(by):
        raise PermissionDenied
    with kind.upload.table_in(file, filename) as upload:
        errors = ImportErrors()
        table = open_table(
            upload.file,
            filename=upload.filename,
            required=kind.required,
            allowed=kind.optional,
            errors=errors,
            max_bytes=max_bytes if upload.max_bytes is None else upload.max_bytes,
            encoding=encoding,
        )
        dataset = tablib.Dataset(headers=table.columns)
        file_rows = []
        for number, values in table.rows:
            file_rows.append(number)
            dataset.append([values[column] for column in table.columns])
        if not file_rows and not errors:
            raise TabularError(_("The file has no rows below its column names."))
        name = PurePath(filename).name
        run = {
            "kind": kind,
            "dataset": dataset,
            "file_rows": file_rows,
            "by": by,
            "encoding": table.encoding,
            "filename": name,
            "reason": _("Imported from %(filename)s.") % {"filename": name},
            "context": upload.context,
            "options": dict(options or {}),
            "progress": progress,
        }
        report = _run(**run, errors=errors, dry_run=True, description=_("Checking"))
        if dry_run or report.errors:
            return report
        return _run(
            **run, errors=ImportErrors(), dry_run=False, description=_("Importing")
        )


def _run(
    *,
    kind: ImportKind,
    dataset: tablib.Dataset,
    file_rows: list[int],
    by,
    filename: str,
    reason: str,
    errors: ImportErrors,
    dry_run: bool,
    progress: Progress | None,
    description: str,
    encoding: str | None,
    context: Any,
    options: dict[str, Any],
) -> ImportReport:
    bar = progress(len(dataset), description) if progress else None
    resource = kind.resource_class(
        by=by,
        reason=reason,
        file_rows=file_rows,
        on_row=(lambda: bar.update(1)) if bar else None,
        context=context,
        options=options,
    )
    try:
        # One transaction for the whole file; import-export rolls it back when
        # this is a dry run or any row has an error.
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
    finally:
        if bar is not None:
            bar.close()
    # Anything but a validation error is a fault, not a problem with the file.
    for error in result.base_errors:
        raise error.error
    order = {column: index for index, column in enumerate(dataset.headers)}
    rows = []
    for index, (number, row_result) in enumerate(
        zip(file_rows, result.rows, strict=True), start=1
    ):
        for error in row_result.errors:
            raise error.error
        values = dict(zip(dataset.headers, dataset[index - 1], strict=True))
        row_errors = _row_errors(resource, number, row_result, order)
        for row_error in row_errors:
            errors.add(row_error.row, row_error.column, row_error.message)
        outcome = _OUTCOMES[row_result.import_type]
        rows.append(
            RowOutcome(
                row=number,
                key=values.get(resource.key_column, ""),
                label=" ".join(
                    values[column]
                    for column in kind.label_columns
                    if values.get(column)
                ),
                outcome=outcome,
                changes=tuple(resource.changed_columns.get(index, ()))
                if outcome == Outcome.UPDATED
                else (),
                errors=tuple(row_errors),
            )
        )
    return ImportReport(
        kind=kind,
        filename=filename,
        dry_run=dry_run,
        rows=rows,
        errors=errors,
        created_objects=list(resource.created_objects),
        encoding=encoding,
    )


def _row_errors(resource, number, row_result, order):
    if row_result.validation_error is None:
        return []
    error = row_result.validation_error
    by_key = (
        error.message_dict
        if hasattr(error, "error_dict")
        else {NON_FIELD_ERRORS: error.messages}
    )
    found = [
        RowError(number, resource.column_of(key), message)
        for key, messages in by_key.items()
        for message in messages
    ]
    return sorted(found, key=lambda e: order.get(e.column, len(order)))
