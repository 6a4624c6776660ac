import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tqdm import tqdm

from partner_portal.partners.tier_evaluation import tier_evaluate_all


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--as-of takes a date as YYYY-MM-DD, not {value!r}."
        ) from None


class Command(BaseCommand):
    help = (
        "Evaluate every active and at-risk partner against the tier requirements: "
        "promote at once, flag at risk and demote after the grace period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, help="evaluate on this date")
        parser.add_argument(
            "--dry-run", action="store_true", help="report, but change nothing"
        )

    def handle(self, *args, as_of=None, dry_run=False, **options):
        as_of = as_of or timezone.localdate()
        evaluations = tier_evaluate_all(
            as_of=as_of,
            dry_run=dry_run,
            progress=lambda items: tqdm(
                items, desc="Evaluating tiers", unit="partner", file=sys.stderr
            ),
        )
        for evaluation in evaluations:
            if evaluation.outcome != evaluation.Outcome.KEPT:
                self.stdout.write(
                    f"{evaluation.partner.external_id} {evaluation.partner}: "
                    f"{evaluation.get_outcome_display()} "
                    f"({evaluation.tier_before} → {evaluation.qualified_tier})"
                )
        summary = {}
        for evaluation in evaluations:
            summary[evaluation.outcome] = summary.get(evaluation.outcome, 0) + 1
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(summary.items())) or "none"
        prefix = "Dry run, nothing changed. " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}Evaluated {len(evaluations)} partners on {as_of}: {counts}."
            )
        )
