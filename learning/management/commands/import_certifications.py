import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tqdm import tqdm

from learning.imports import certifications_import
from partner_portal.partners.tabular import TabularError


def progress_bar(total, description):
    return tqdm(total=total or None, desc=description, unit="row", file=sys.stderr)


class Command(BaseCommand):
    help = (
        "Import historical certification awards from a .csv or .xlsx file with the "
        "columns email, certification_code, issued_at, expires_at, credential_id. "
        "A file with any error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and report, but write nothing",
        )

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                report = certifications_import(
                    file=handle,
                    filename=path.name,
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
        for error in report.sorted_errors():
            if error.column:
                line = _("Row %(row)d, column %(column)s: %(message)s") % {
                    "row": error.row,
                    "column": error.column,
                    "message": error.message,
                }
            else:
                line = _("Row %(row)d: %(message)s") % {
                    "row": error.row,
                    "message": error.message,
                }
            self.stderr.write(line)
        if report.errors:
            raise CommandError(
                ngettext(
                    "The file has %(count)d error, so nothing was imported.",
                    "The file has %(count)d errors, so nothing was imported.",
                    report.errors.total,
                )
                % {"count": report.errors.total}
            )
        summary = _("%(created)d new, %(unchanged)d unchanged.") % {
            "created": report.created,
            "unchanged": report.unchanged,
        }
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
