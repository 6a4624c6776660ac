from django.core.management.base import BaseCommand
from django.utils import timezone

from elasticsearch.exceptions import ApiError, TransportError

from search.client import get_client
from search.index import alias_name
from search.models import OutboxEntry
from search.registry import kinds


class Command(BaseCommand):
    help = (
        "Outbox depth, the oldest waiting change, and drift between database and index."
    )

    def handle(self, *args, **options):
        waiting = OutboxEntry.objects.count()
        oldest = OutboxEntry.objects.order_by("created_at").first()
        age = (
            f"{(timezone.now() - oldest.created_at).total_seconds():.0f} s"
            if oldest
            else "-"
        )
        self.stdout.write(f"Outbox: {waiting} waiting, oldest {age}.")
        client = get_client()
        if client is None:
            self.stdout.write("Search runs on the database (ELASTICSEARCH_URL unset).")
            return
        for kind in kinds():
            in_database = kind.indexable().count()
            try:
                in_index = client.count(
                    index=alias_name(), query={"term": {"kind": kind.name}}
                )["count"]
            except (TransportError, ApiError) as error:
                self.stdout.write(f"Elasticsearch unreachable: {error}")
                return
            drift = in_index - in_database
            self.stdout.write(
                f"{kind.name}: {in_database} in the database, {in_index} in the "
                f"index, drift {drift:+d}."
            )
