from django.core.management.base import BaseCommand
from django.utils import timezone

from elasticsearch.exceptions import ApiError, TransportError

from search.client import breaker, get_client
from search.drift import EXAMPLES, index_drift
from search.selectors import outbox_summary


class Command(BaseCommand):
    help = (
        "Outbox depth, the oldest waiting change, the changes that failed with their "
        "last error, and per kind the drift between database and index: rows "
        "missing, documents extra, and documents stale."
    )

    def handle(self, *args, **options):
        outbox = outbox_summary()
        age = (
            f"{(timezone.now() - outbox.oldest).total_seconds():.0f} s"
            if outbox.oldest
            else "-"
        )
        self.stdout.write(f"Outbox: {outbox.waiting} waiting, oldest {age}.")
        for entry in outbox.failing:
            self.stdout.write(
                f"  {entry}: {entry.attempts} attempts, last error: {entry.last_error}"
            )
        client = get_client()
        if client is None:
            self.stdout.write("Search runs on the database (ELASTICSEARCH_URL unset).")
            return
        self.stdout.write(f"Circuit breaker: {breaker.state()}.")
        try:
            report = index_drift()
        except (TransportError, ApiError) as error:
            self.stdout.write(f"Elasticsearch unreachable: {error}")
            return
        for kind in report:
            line = (
                f"{kind.kind}: {kind.in_database} in the database, {kind.in_index} in "
                f"the index, drift {kind.drift} ({len(kind.missing)} missing, "
                f"{len(kind.stale)} stale, {len(kind.extra)} extra)."
            )
            for sort in ("missing", "stale", "extra"):
                if ids := getattr(kind, sort)[:EXAMPLES]:
                    line += f" {sort.capitalize()}: {', '.join(ids)}."
            self.stdout.write(line)
