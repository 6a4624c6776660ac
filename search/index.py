"""The portal index: an alias over a concrete index, rebuilt and swapped atomically, and
kept current by draining the outbox."""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from elasticsearch import helpers
from elasticsearch.exceptions import ApiError, TransportError

from .analysis import ANALYSIS, TEXT_FIELD
from .client import get_client
from .models import OutboxEntry
from .registry import kind_named, kinds

logger = logging.getLogger(__name__)

MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "kind": {"type": "keyword"},
        "object_id": {"type": "keyword"},
        "title": TEXT_FIELD,
        "body": {k: v for k, v in TEXT_FIELD.items() if k != "fields"},
        "tags": {"type": "keyword"},
        "products": {"type": "keyword"},
        "asset_type": {"type": "keyword"},
        "language": {"type": "keyword"},
        "url": {"type": "keyword", "index": False},
        "published_at": {"type": "date"},
        # Items that expire by themselves leave search results on time.
        "expires_at": {"type": "date"},
        "access_level": {"type": "keyword"},
        "min_tier_id": {"type": "integer"},
    },
}


def alias_name() -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-content"


def document_id(kind: str, object_id) -> str:
    return f"{kind}:{object_id}"


def _documents(kind):
    for instance in kind.indexable().iterator(chunk_size=500):
        yield {
            "_id": document_id(kind.name, instance.pk),
            "_source": {
                "kind": kind.name,
                "object_id": str(instance.pk),
                **kind.to_document(instance),
            },
        }


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
    client.indices.create(
        index=name,
        settings={"analysis": ANALYSIS, "refresh_interval": "-1"},
        mappings=MAPPINGS,
    )
    try:
        actions = (doc for kind in kinds() for doc in _documents(kind))
        if progress is not None:
            actions = progress(actions, _count_indexable())
        helpers.bulk(client, actions, index=name, chunk_size=500, refresh=False)
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
                    for instance in kind.indexable().filter(pk__in=ids)
                }
                for object_id in ids:
                    _id = document_id(kind_name, object_id)
                    if object_id in present:
                        actions.append(
                            {
                                "_op_type": "index",
                                "_id": _id,
                                "_source": {
                                    "kind": kind_name,
                                    "object_id": object_id,
                                    **kind.to_document(present[object_id]),
                                },
                            }
                        )
                    else:
                        actions.append({"_op_type": "delete", "_id": _id})
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
