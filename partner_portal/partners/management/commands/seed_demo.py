from django.apps import apps
from django.core.management.base import BaseCommand

from .demo_logins import write_demo_logins


class Command(BaseCommand):
    help = (
        "Load the demo data set. Idempotent: records that exist are left as they are, "
        "so a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Do not print the demo logins at the end (make run prints them last).",
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
        if not options["no_logins"]:
            write_demo_logins(self)
