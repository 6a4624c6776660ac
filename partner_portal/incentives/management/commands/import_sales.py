from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from tqdm import tqdm

from partner_portal.imports.command import ImportReportingCommand
from partner_portal.incentives.models import SalesSource
from partner_portal.incentives.services import COLUMNS, sales_import_file


class _Unwrapped:
    """The command's stderr without the line ending Django adds to each write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")

    def flush(self):
        self.wrapper.flush()


class Command(ImportReportingCommand):
    help = (
        "Import a .csv or .xlsx file of sales lines into the sales ledger, all or "
        f"nothing. Columns: {', '.join(COLUMNS)}. A line already in the ledger "
        "(same invoice number and line number) is updated, its old values kept in "
        "its history."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv or .xlsx file")
        self.add_dry_run_argument(parser)
        self.add_encoding_argument(parser)

    def handle(self, *args, file, dry_run=False, encoding=None, **options):
        path = Path(file)
        # The rows stream past once, so the bar counts them without a total.
        with tqdm(
            desc=_("Reading %(file)s") % {"file": path.name},
            unit=" rows",
            unit_scale=True,
            file=_Unwrapped(self.stderr),
            disable=options["verbosity"] == 0,
        ) as bar:

            def progress(rows):
                for row in rows:
                    bar.update()
                    yield row
                bar.set_description(_("Merging %(file)s") % {"file": path.name})

            result = self.read(
                path,
                lambda handle: sales_import_file(
                    file=handle,
                    filename=path.name,
                    kind=SalesSource.Kind.COMMAND,
                    dry_run=dry_run,
                    progress=progress,
                    encoding=encoding,
                ),
            )
        if result.file_error:
            raise CommandError(result.file_error)
        summary = _(
            "%(rows)d rows: %(created)d lines created, %(updated)d updated, "
            "%(unchanged)d unchanged."
        ) % {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
        if result.source is not None:
            summary = _("source %(source)d, %(summary)s") % {
                "source": result.source.pk,
                "summary": summary,
            }
        self.finish(result, path=path, dry_run=dry_run, summary=summary)
