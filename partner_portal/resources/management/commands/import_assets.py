from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from partner_portal.imports.command import ImportCommand
from partner_portal.resources.asset_kind import ASSETS
from partner_portal.resources.models import ResourceLibraryPage


class Command(ImportCommand):
    help = (
        "Create and update assets from a ZIP of files with manifest.csv or "
        "manifest.xlsx, matched on key. An archive with any error imports nothing."
    )
    kind = ASSETS
    file_help = "a .zip archive holding the files and the manifest"
    user_help = (
        "the username recorded on the revisions; the user needs the permission "
        "the admin import needs"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--library",
            type=int,
            metavar="PAGE_ID",
            help="the page ID of the resource library new assets go under "
            "(default: the first)",
        )

    def import_options(self, options):
        page_id = options.get("library")
        if page_id is None:
            return {}
        library = ResourceLibraryPage.objects.filter(pk=page_id).first()
        if library is None:
            raise CommandError(
                _("No resource library has the page ID %(id)d.") % {"id": page_id}
            )
        return {"library": library}
