from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from partner_portal.imports.command import ImportReportingCommand, progress_bar
from partner_portal.resources.asset_import import asset_import
from partner_portal.resources.models import ResourceLibraryPage


class Command(ImportReportingCommand):
    help = (
        "Import assets from a ZIP of files with manifest.csv or manifest.xlsx. "
        "A file with any error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="a .zip archive holding the manifest")
        self.add_dry_run_argument(parser)
        self.add_encoding_argument(parser)
        parser.add_argument(
            "--library", type=int, help="the page ID of the resource library"
        )
        parser.add_argument("--user", help="the username recorded on the revisions")

    def handle(
        self,
        *args,
        zip,
        dry_run=False,
        library=None,
        user=None,
        encoding=None,
        **options,
    ):
        by = self.user_named(user)
        target = None
        if library is not None:
            target = ResourceLibraryPage.objects.filter(pk=library).first()
            if target is None:
                raise CommandError(
                    _("No resource library has the page ID %(id)d.") % {"id": library}
                )
        path = Path(zip)
        report = self.read(
            path,
            lambda handle: asset_import(
                file=handle,
                library=target,
                user=by,
                dry_run=dry_run,
                progress=progress_bar,
                encoding=encoding,
            ),
        )
        for row in report.rows:
            if options["verbosity"] >= 2 or row.messages:
                self.stdout.write(f"{row.row}\t{row.key}\t{row.outcome}")
        self.finish(
            report,
            path=path,
            dry_run=dry_run,
            archive=True,
            summary=_("%(created)d new, %(updated)d changed.")
            % {"created": report.created, "updated": report.updated},
        )
