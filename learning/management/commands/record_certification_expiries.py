from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from learning.services import award_expiries_record


class Command(BaseCommand):
    help = "Record certification awards that have expired, once each. Run daily."

    def handle(self, *args, **options):
        recorded = award_expiries_record()
        self.stdout.write(_("Expiries recorded: %(count)d.") % {"count": recorded})
