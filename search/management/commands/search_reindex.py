import sys

from django.core.management.base import BaseCommand, CommandError

from elasticsearch.exceptions import ApiError, TransportError
from tqdm import tqdm

from search.client import get_client
from search.index import alias_name, rebuild


class Command(BaseCommand):
    help = (
        "Build a new search index from the database and swap the alias to it "
        "atomically; searches keep answering from the old index meanwhile."
    )

    def handle(self, *args, **options):
        if get_client() is None:
            raise CommandError(
                "ELASTICSEARCH_URL is not set: search uses the database."
            )
        try:
            name = rebuild(
                progress=lambda docs, total: tqdm(
                    docs, total=total, desc="Indexing", unit="doc", file=sys.stderr
                )
            )
        except (TransportError, ApiError) as error:
            raise CommandError(
                "Elasticsearch failed during the rebuild; the old index keeps "
                f"serving. ({error})"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"{alias_name()} now points at {name}."))
