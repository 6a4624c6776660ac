"""The portal index: an alias over a concrete index, rebuilt and swapped atomically, and
kept current by draining the outbox."""

import logging
from collections.abc import Callable, Iterable
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from elasticsearch import helpers
from elasticsearch.exceptions import ApiError, TransportError

from .client import get_client
from .documents import content_index, document_id, index_action
from .models import OutboxEntry
from .registry import kind_named, kinds

logger = logging.getLogger(__name__)
# Rows read, and documents sent to Elasticsearch, at a time.
BATCH = 500


def alias_name() -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-content"


def _documents(kind):
    rows = kind.indexable().iterator(chunk_size=BATCH)
    while batch := kind.prepared(islice(rows, BATCH)):
        for instance in batch:
            yield index_action(kind.name, instance.pk, kind.indexed_fields(instance))


def _count_indexable():
    return sum(kind.indexable().count() for kind in kinds())


def rebuild(progress: Callable[[Iterable, int], Iterable] | None = None) -> str:
    """Build a new concrete index from the database, then point the alias at it.

    Searches keep answering from the old index until the swap, which is atomic; if the
    build fails, the new index is dropped and the old one keeps serving.
    """
    client = get_client()
    alias = alias_name()
    name = f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"
    content_index(name, refresh_interval="-1").create(using=client)
    try:
        actions = (doc for kind in kinds() for doc in _documents(kind))
        if progress is not None:
            actions = progress(actions, _count_indexable())
        helpers.bulk(client, actions, index=name, chunk_size=BATCH, refresh=False)
        client.indices.put_settings(index=name, settings={"refresh_interval": "1s"})
        client.indices.refresh(index=name)
        old = (
            list(client.indices.get_alias(name=alias))
            if client.indices.exists_alias(name=alias)
            else []
        )
        client.indices.update_aliases(
            actions=[
                *({"remove": {"index": index, "alias": alias}} for index in old),
                {"add": {"index": name, "alias": alias}},
            ]
        )
    except Exception:
        client.indices.delete(index=name, ignore_unavailable=True)
        raise
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    return name


def ensure_index() -> None:
    """Create the index behind the alias if there is none yet."""
    client = get_client()
    if not client.indices.exists_alias(name=alias_name()):
        rebuild()


def drain(batch_size: int = 500) -> int:
    """Send waiting changes to Elasticsearch; returns how many entries were applied.

    Each entry is re-read from the database: present and indexable means index it,
    anything else means delete it, so applying an entry twice does no harm. When
    Elasticsearch cannot be reached, the entries stay for the next drain.
    """
    client = get_client()
    if client is None:
        return 0
    applied = 0
    while True:
        with transaction.atomic():
            entries = list(
                OutboxEntry.objects.select_for_update(skip_locked=True)[:batch_size]
            )
            if not entries:
                return applied
            actions = []
            by_kind = {}
            for entry in entries:
                by_kind.setdefault(entry.kind, set()).add(entry.object_id)
            for kind_name, ids in by_kind.items():
                kind = kind_named(kind_name)
                present = {
                    str(instance.pk): instance
                    for instance in kind.prepared(kind.indexable().filter(pk__in=ids))
                }
                for object_id in ids:
                    if object_id in present:
                        actions.append(
                            index_action(
                                kind_name,
                                object_id,
                                kind.indexed_fields(present[object_id]),
                            )
                        )
                    else:
                        actions.append(
                            {
                                "_op_type": "delete",
                                "_id": document_id(kind_name, object_id),
                            }
                        )
            try:
                ensure_index()
                helpers.bulk(
                    client,
                    actions,
                    index=alias_name(),
                    raise_on_error=False,
                    refresh="wait_for",
                )
            except (TransportError, ApiError) as error:
                OutboxEntry.objects.filter(pk__in=[e.pk for e in entries]).update(
                    attempts=F("attempts") + 1, last_error=str(error)[:500]
                )
                logger.warning(
                    "Search index unreachable; %d changes wait.", len(entries)
                )
                return applied
            OutboxEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()
            applied += len(entries)
