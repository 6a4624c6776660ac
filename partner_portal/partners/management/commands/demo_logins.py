from django.core.management.base import BaseCommand

from partner_portal.partners.demo import demo_logins


def write_demo_logins(command: BaseCommand) -> None:
    password, logins = demo_logins()
    command.stdout.write(
        command.style.SUCCESS(f"Demo logins (password for all: {password}):")
    )
    width = max(len(username) for username, _ in logins)
    for username, description in logins:
        command.stdout.write(f"  {username.ljust(width)}  {description}")


class Command(BaseCommand):
    help = "Print the demo's logins and what each one is (after seed_demo)."

    def handle(self, *args, **options):
        write_demo_logins(self)
