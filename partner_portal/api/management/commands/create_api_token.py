import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partner_portal.api.services import api_token_create
from partner_portal.partners.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument("--expires-days", type=int, default=None)
        parser.add_argument("--name", default="")

    def handle(self, *args, username, read_only, expires_days, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(
                _("There is no user named “%(username)s”.") % {"username": username}
            ) from None
        if expires_days is not None and expires_days <= 0:
            raise CommandError(_("The number of days must be positive."))
        _token, key = api_token_create(
            user=user,
            name=name,
            read_only=read_only,
            expires_in=(
                datetime.timedelta(days=expires_days) if expires_days else None
            ),
        )
        self.stderr.write(_("Token created; it is shown only this once. Store it now."))
        self.stdout.write(key)
