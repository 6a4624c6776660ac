from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partner_portal.incentives.program_files import (
    ProgramFileError,
    programs_load,
    read_program_file,
)


class Command(BaseCommand):
    help = (
        "Create or update incentive programs from a JSON or YAML file, by code. A "
        "file with any error is refused whole, every error named with its place."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .json, .yaml or .yml file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and say what would change, writing nothing",
        )

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(
                _("%(file)s cannot be read: %(error)s") % {"file": path, "error": error}
            ) from None
        try:
            report = programs_load(
                data=read_program_file(text, path.name), dry_run=dry_run
            )
        except ProgramFileError as error:
            raise CommandError(
                _("%(file)s was refused; nothing was written:\n%(errors)s")
                % {"file": path.name, "errors": "\n".join(error.errors)}
            ) from None
        for label, codes in (
            (_("created"), report.created),
            (_("updated"), report.updated),
            (_("unchanged"), report.unchanged),
        ):
            if codes:
                self.stdout.write(f"{label}: {', '.join(codes)}")
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
