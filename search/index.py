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

from .client import get_client
from .documents import ContentDocument, content_index, document_id, index_action
from .models import OutboxEntry
from .registry import kind_named, kinds

logger = logging.getLogger(__name__)
# Rows read, and documents sent to Elasticsearch, at a time.
BATCH = 500


def alias_name() -> str:
    return f"{settings.ELASTICSEARCH_INDEX_PREFIX}-content"


def _documents(kind):
    for instance in kind.indexable_rows(BATCH):
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
    """Create the index behind the alias if there is none yet, and build it anew
    from the database if its mapping lacks a field documents now carry (one an
    upgrade added): Elasticsearch would refuse every change until then."""
    client = get_client()
    alias = alias_name()
    if not client.indices.exists_alias(name=alias):
        rebuild()
        return
    mappings = client.indices.get_mapping(index=alias).body.values()
    held = {name for mapping in mappings for name in mapping["mappings"]["properties"]}
    if set(ContentDocument._doc_type.mapping.to_dict()["properties"]) - held:
        logger.warning("The search index lacks fields documents now carry; rebuilding.")
        rebuild()


def _actions(entries) -> list[dict]:
    """One bulk action per item the entries name: each row is re-read, present and
    indexable means index it, anything else means delete it, so applying an entry
    twice does no harm."""
    by_kind = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, set()).add(entry.object_id)
    actions = []
    for kind_name, ids in by_kind.items():
        kind = kind_named(kind_name)
        present = {
            str(instance.pk): instance
            for instance in kind.prepared(kind.indexable().filter(pk__in=ids))
        }
        for object_id in ids:
            if object_id in present:
                fields = kind.indexed_fields(present[object_id])
                actions.append(index_action(kind_name, object_id, fields))
            else:
                actions.append(
                    {"_op_type": "delete", "_id": document_id(kind_name, object_id)}
                )
    return actions


def _failures(client, actions) -> dict[str, str]:
    """Send the actions; the error of every item Elasticsearch did not confirm, by
    document id. Deleting a document the index does not hold is confirmed: the
    index is as the database wants it."""
    failures = {}
    for ok, result in helpers.streaming_bulk(
        client,
        actions,
        index=alias_name(),
        chunk_size=BATCH,
        raise_on_error=False,
        refresh="wait_for",
    ):
        [(op_type, item)] = result.items()
        if ok or (op_type == "delete" and item.get("result") == "not_found"):
            continue
        error = item.get("error") or {}
        failures[item["_id"]] = (
            f"{item.get('status')} {error.get('type')}: {error.get('reason')}"
        )
    return failures


def _keep(entries, error: str) -> None:
    OutboxEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(
        attempts=F("attempts") + 1, last_error=error[:500]
    )


def drain(batch_size: int = BATCH) -> int:
    """Send waiting changes to Elasticsearch; returns how many entries were applied.

    An entry leaves the outbox only when Elasticsearch confirmed its item. An item
    it refused (a write-blocked index, a full disk) keeps its entry with the error
    and one more attempt; when Elasticsearch cannot be reached at all, every entry
    stays. Each entry is tried once per drain, so refused ones wait for the next.
    """
    client = get_client()
    if client is None:
        return 0
    applied, after = 0, 0
    while True:
        with transaction.atomic():
            entries = list(
                OutboxEntry.objects.select_for_update(skip_locked=True).filter(
                    pk__gt=after
                )[:batch_size]
            )
            if not entries:
                return applied
            after = entries[-1].pk
            try:
                ensure_index()
                failures = _failures(client, _actions(entries))
            except (TransportError, ApiError) as error:
                _keep(entries, str(error))
                logger.warning(
                    "Search index unreachable; %d changes wait.", len(entries)
                )
                return applied
            refused, confirmed = {}, []
            for entry in entries:
                error = failures.get(document_id(entry.kind, entry.object_id))
                if error is None:
                    confirmed.append(entry.pk)
                else:
                    refused.setdefault(error, []).append(entry)
            for error, kept in refused.items():
                _keep(kept, error)
            OutboxEntry.objects.filter(pk__in=confirmed).delete()
            applied += len(confirmed)
            if failures:
                logger.warning(
                    "Elasticsearch refused %d items; their changes wait.",
                    len(failures),
                )
