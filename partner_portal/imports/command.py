"""What every file import command shares: reading the file, a progress bar, the
encoding a CSV file was read in, each error with its row and column, and one summary
line; any error means a non-zero exit and nothing written. `import_partners`,
`import_partner_users`, `import_certifications`, `import_assets` and `import_sales`
build on it."""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tqdm import tqdm

from partner_portal.tabular.encodings import encoding_label
from partner_portal.tabular.reading import TabularError

from .services import ImportKind, file_import


def progress_bar(total, description):
    return tqdm(total=total or None, desc=description, unit="row", file=sys.stderr)


class ImportReportingCommand(BaseCommand):
    """Base of the import commands: run one import and report it."""

    def add_dry_run_argument(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and report, but write nothing",
        )

    def add_encoding_argument(self, parser):
        parser.add_argument(
            "--encoding",
            help=(
                "the encoding of a CSV file that is not UTF-8, such as gbk or "
                "cp1252 (default: the IMPORT_LEGACY_ENCODING setting)"
            ),
        )

    def user_named(self, username):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                _("No user has the username “%(username)s”.") % {"username": username}
            )
        return user

    def read(self, path: Path, run):
        """`run(handle)` on the opened file; unreadable files are a clear error."""
        try:
            with path.open("rb") as handle:
                return run(handle)
        except OSError as error:
            raise CommandError(
                _("The file %(file)s cannot be read: %(reason)s.")
                % {"file": path, "reason": error.strerror}
            ) from None
        except TabularError as error:
            raise CommandError(str(error)) from None

    def error_line(self, error):
        if error.column:
            return _("Row %(row)d, column %(column)s: %(message)s") % {
                "row": error.row,
                "column": error.column,
                "message": error.message,
            }
        return _("Row %(row)d: %(message)s") % {
            "row": error.row,
            "message": error.message,
        }

    def finish(self, report, *, path: Path, dry_run: bool, summary: str, archive=False):
        """Print every error and stop, or print the summary of what was (to be) done.

        `report` has `errors` (ImportErrors), `sorted_errors()` and `encoding`.
        """
        if report.encoding:
            self.stdout.write(
                _("%(file)s was read as %(encoding)s text.")
                % {"file": path.name, "encoding": encoding_label(report.encoding)}
            )
        for error in report.sorted_errors():
            self.stderr.write(self.error_line(error))
        hidden = report.errors.total - len(report.errors.errors)
        if hidden:
            self.stderr.write(
                ngettext(
                    "%(count)d more error is not listed.",
                    "%(count)d more errors are not listed.",
                    hidden,
                )
                % {"count": hidden}
            )
        if report.errors:
            total = report.errors.total
            message = (
                ngettext(
                    "The archive has %(count)d error, so nothing was imported.",
                    "The archive has %(count)d errors, so nothing was imported.",
                    total,
                )
                if archive
                else ngettext(
                    "The file has %(count)d error, so nothing was imported.",
                    "The file has %(count)d errors, so nothing was imported.",
                    total,
                )
            )
            raise CommandError(message % {"count": total})
        if dry_run:
            summary = _("Dry run, nothing was written: %(summary)s") % {
                "summary": summary
            }
        else:
            summary = _("Imported %(file)s: %(summary)s") % {
                "file": path.name,
                "summary": summary,
            }
        self.stdout.write(self.style.SUCCESS(summary))


class ImportCommand(ImportReportingCommand):
    """A command for one `ImportKind`: `import_partners`, `import_assets`.

    A subclass adds its own arguments in `add_arguments` and turns them into the
    run's options (`file_import`'s `options`) in `import_options`.
    """

    kind: ImportKind | None = None
    file_help = "a .csv or .xlsx file"
    user_help = (
        "the username recorded in the partners' history as making the changes; "
        "the user needs the permissions the admin import needs"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=self.file_help)
        self.add_dry_run_argument(parser)
        self.add_encoding_argument(parser)
        parser.add_argument("--user", help=self.user_help)

    def import_options(self, options) -> dict:
        """What this run needs besides the file, from the command's own arguments."""
        return {}

    def handle(self, *args, file, dry_run=False, user=None, encoding=None, **options):
        by = self.user_named(user)
        run_options = self.import_options(options)
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
                    options=run_options,
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
            archive=self.kind.is_archive,
            summary=_("%(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
