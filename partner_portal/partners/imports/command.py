"""`import_partners` and `import_partner_users`: one kind of partner import each."""

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from partner_portal.imports.command import ImportReportingCommand, progress_bar

from .services import ImportKind, file_import


class ImportCommand(ImportReportingCommand):
    kind: ImportKind | None = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        self.add_dry_run_argument(parser)
        self.add_encoding_argument(parser)
        parser.add_argument(
            "--user",
            help=(
                "the username recorded in the partners' history as making the "
                "changes; the user needs the permissions the admin import needs"
            ),
        )

    def handle(self, *args, file, dry_run=False, user=None, encoding=None, **options):
        by = self.user_named(user)
        path = Path(file)
        try:
            report = self.read(
                path,
                lambda handle: file_import(
                    self.kind,
                    file=handle,
                    filename=path.name,
                    by=by,
                    dry_run=dry_run,
                    progress=progress_bar,
                    encoding=encoding,
                ),
            )
        except PermissionDenied:
            raise CommandError(
                _("The user “%(username)s” may not run this import.")
                % {"username": user}
            ) from None
        if options["verbosity"] >= 2:
            for row in report.rows:
                self.stdout.write(f"{row.row}\t{row.key}\t{row.outcome.label}")
        self.finish(
            report,
            path=path,
            dry_run=dry_run,
            summary=_("%(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
