"""What `import_partners` and `import_partner_users` share."""

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tqdm import tqdm

from ..models import User
from ..tabular import TabularError
from .services import ImportKind, file_import


def progress_bar(total, description):
    return tqdm(total=total, desc=description, unit="row", file=sys.stderr)


class ImportCommand(BaseCommand):
    """Import one file; print each error with its row and column, then a summary.

    Exits with a non-zero status when the file has any error: nothing is written.
    """

    kind: ImportKind | None = None

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and report, but write nothing",
        )
        parser.add_argument(
            "--user",
            help=(
                "the username recorded in the partners' history as making the "
                "changes; the user needs the permissions the admin import needs"
            ),
        )

    def handle(self, *args, file, dry_run=False, user=None, **options):
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(
                    _("No user has the username “%(username)s”.") % {"username": user}
                )
        path = Path(file)
        try:
            with path.open("rb") as handle:
                report = file_import(
                    self.kind,
                    file=handle,
                    filename=path.name,
                    by=by,
                    dry_run=dry_run,
                    progress=progress_bar,
                )
        except OSError as error:
            raise CommandError(
                _("The file %(file)s cannot be read: %(reason)s.")
                % {"file": file, "reason": error.strerror}
            ) from None
        except TabularError as error:
            raise CommandError(str(error)) from None
        except PermissionDenied:
            raise CommandError(
                _("The user “%(username)s” may not run this import.")
                % {"username": user}
            ) from None
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
        if options["verbosity"] >= 2:
            for row in report.rows:
                self.stdout.write(f"{row.row}\t{row.key}\t{row.outcome.label}")
        summary = _(
            "%(created)d new, %(updated)d changed, %(unchanged)d unchanged."
        ) % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.errors:
            raise CommandError(
                ngettext(
                    "The file has %(count)d error, so nothing was imported.",
                    "The file has %(count)d errors, so nothing was imported.",
                    report.errors.total,
                )
                % {"count": report.errors.total}
            )
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
