import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tqdm import tqdm

from partner_portal.partners.models import User
from partner_portal.partners.tabular import TabularError
from partner_portal.resources.asset_import import asset_import
from partner_portal.resources.models import ResourceLibraryPage


def progress_bar(total, description):
    return tqdm(total=total, desc=description, unit="row", file=sys.stderr)


class Command(BaseCommand):
    help = (
        "Import assets from a ZIP of files with manifest.csv or manifest.xlsx. "
        "A file with any error imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="a .zip archive holding the manifest")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check every row and report, but write nothing",
        )
        parser.add_argument(
            "--library", type=int, help="the page ID of the resource library"
        )
        parser.add_argument("--user", help="the username recorded on the revisions")

    def handle(self, *args, zip, dry_run=False, library=None, user=None, **options):
        by = None
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(
                    _("No user has the username “%(username)s”.") % {"username": user}
                )
        target = None
        if library is not None:
            target = ResourceLibraryPage.objects.filter(pk=library).first()
            if target is None:
                raise CommandError(
                    _("No resource library has the page ID %(id)d.") % {"id": library}
                )
        path = Path(zip)
        try:
            with path.open("rb") as handle:
                report = asset_import(
                    file=handle,
                    library=target,
                    user=by,
                    dry_run=dry_run,
                    progress=progress_bar,
                )
        except OSError as error:
            raise CommandError(
                _("The file %(file)s cannot be read: %(reason)s.")
                % {"file": zip, "reason": error.strerror}
            ) from None
        except TabularError as error:
            raise CommandError(str(error)) from None
        for row in report.rows:
            if options["verbosity"] >= 2 or row.messages:
                self.stdout.write(f"{row.row}\t{row.key}\t{row.outcome}")
        for error in report.sorted_errors():
            self.stderr.write(
                _("Row %(row)d, column %(column)s: %(message)s")
                % {
                    "row": error.row,
                    "column": error.column or "-",
                    "message": error.message,
                }
            )
        if report.errors:
            raise CommandError(
                ngettext(
                    "The archive has %(count)d error, so nothing was imported.",
                    "The archive has %(count)d errors, so nothing was imported.",
                    report.errors.total,
                )
                % {"count": report.errors.total}
            )
        summary = _("%(created)d new, %(updated)d changed.") % {
            "created": report.created,
            "updated": report.updated,
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
