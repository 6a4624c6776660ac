from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tqdm import tqdm

from partner_portal.incentives.models import SalesSource
from partner_portal.incentives.services import COLUMNS, sales_import_file

# Errors printed before the rest are only counted.
SHOWN_ERRORS = 100


class _Unwrapped:
    """The command's stderr without the line ending Django adds to each write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")

    def flush(self):
        self.wrapper.flush()


class Command(BaseCommand):
    help = (
        "Import a .csv or .xlsx file of sales lines into the sales ledger, all or "
        f"nothing. Columns: {', '.join(COLUMNS)}. A line already in the ledger "
        "(same invoice number and line number) is updated, its old values kept in "
        "its history."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .csv or .xlsx file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, but write nothing",
        )

    def handle(self, *args, file, dry_run=False, **options):
        try:
            handle = file.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot open {file}: {exc.strerror}.") from None
        with (
            handle,
            tqdm(
                desc=f"Reading {file.name}",
                unit=" rows",
                unit_scale=True,
                file=_Unwrapped(self.stderr),
                disable=options["verbosity"] == 0,
            ) as bar,
        ):

            def progress(rows):
                for row in rows:
                    bar.update()
                    yield row
                bar.set_description(f"Merging {file.name}")

            result = sales_import_file(
                file=handle,
                filename=file.name,
                kind=SalesSource.Kind.COMMAND,
                dry_run=dry_run,
                progress=progress,
            )
        if result.file_error:
            raise CommandError(result.file_error)
        if result.errors:
            for error in result.error_list()[:SHOWN_ERRORS]:
                column = f", column {error.column}" if error.column else ""
                self.stderr.write(f"Row {error.row}{column}: {error.message}")
            shown = min(len(result.errors.errors), SHOWN_ERRORS)
            if result.errors.total > shown:
                self.stderr.write(f"… and {result.errors.total - shown} more errors.")
            raise CommandError(
                f"{file.name} has {result.errors.total} errors; nothing was imported."
            )
        summary = (
            f"{result.rows} rows: {result.created} lines created, "
            f"{result.updated} updated, {result.unchanged} unchanged."
        )
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"Dry run, nothing written. {file.name}: {summary}")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {file.name} (source {result.source.pk}): {summary}"
                )
            )
