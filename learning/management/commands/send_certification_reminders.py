from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from learning.reminders import send_expiry_reminders


class Command(BaseCommand):
    help = "Email holders whose certifications expire in 30 or 7 days. Run daily."

    def handle(self, *args, **options):
        sent = send_expiry_reminders()
        self.stdout.write(_("Reminders sent: %(count)d.") % {"count": sent})
