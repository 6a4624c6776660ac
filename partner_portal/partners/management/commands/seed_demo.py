from django.apps import apps
from django.core.management.base import BaseCommand

from partner_portal.partners.demo import demo_logins


class Command(BaseCommand):
    help = (
        "Load the demo data set. Idempotent: records that exist are left as they are, "
        "so a second run changes nothing."
    )

    def handle(self, *args, **options):
        # Each app seeds its own part (AppConfig.seed_demo), in INSTALLED_APPS order.
        # Then what is computed from all of it (seed_demo_results): statements
        # read the sales, the tiers and the certifications other apps seeded.
        for hook in ("seed_demo", "seed_demo_results"):
            for config in apps.get_app_configs():
                seed = getattr(config, hook, None)
                if seed is not None:
                    seed(stdout=self.stdout)
        password, logins = demo_logins()
        self.stdout.write(
            self.style.SUCCESS(f"Demo logins (password for all: {password}):")
        )
        width = max(len(username) for username, _ in logins)
        for username, description in logins:
            self.stdout.write(f"  {username.ljust(width)}  {description}")
