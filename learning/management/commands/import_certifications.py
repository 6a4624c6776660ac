from pathlib import Path

from django.utils.translation import gettext as _

from learning.imports import certifications_import
from partner_portal.imports.command import ImportReportingCommand, progress_bar


class Command(ImportReportingCommand):
    help = (
        "Import historical certification awards from a .csv or .xlsx file with the "
        "columns email, certification_code, issued_at, expires_at, credential_id. "
        "A file with any error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        self.add_dry_run_argument(parser)
        self.add_encoding_argument(parser)

    def handle(self, *args, file, dry_run=False, encoding=None, **options):
        path = Path(file)
        report = self.read(
            path,
            lambda handle: certifications_import(
                file=handle,
                filename=path.name,
                dry_run=dry_run,
                progress=progress_bar,
                encoding=encoding,
            ),
        )
        self.finish(
            report,
            path=path,
            dry_run=dry_run,
            summary=_("%(created)d new, %(unchanged)d unchanged.")
            % {"created": report.created, "unchanged": report.unchanged},
        )
