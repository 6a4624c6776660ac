"""Every save, delete, publish, unpublish or move of an indexed item writes an outbox
entry in the same transaction; the worker drains the outbox to Elasticsearch.

A page's documents also copy what the pages above it decide (every page its URL, a
lesson its course's access level and product), so publishing or moving a page
re-queues the indexed live pages below it as well; a translation's document copies
its source page, so any change to one version re-queues the others
(`IndexableKind.versions`); and a kind's documents copy related
rows (a product's name), so saving or deleting one re-queues the rows that copy it
(`IndexableKind.copies`). Either way one query finds the rows and one insert queues
them, however many there are.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete

from wagtail.models import Page, get_page_models
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from .models import OutboxEntry
from .registry import dependents_of, kind_for, kind_for_model, kind_named


def outbox_record(instance) -> OutboxEntry | None:
    kind = kind_for(instance)
    if kind is None:
        return None
    entry = OutboxEntry.objects.create(kind=kind.name, object_id=str(instance.pk))
    transaction.on_commit(_schedule_drain)
    return entry


def outbox_record_rows(rows) -> int:
    """Queue every (kind name, primary key) pair `rows` yields in one insert."""
    entries = OutboxEntry.objects.bulk_create(
        OutboxEntry(kind=kind_name, object_id=str(pk)) for kind_name, pk in rows
    )
    if entries:
        transaction.on_commit(_schedule_drain)
    return len(entries)


def _indexed_page_types() -> dict[int, str]:
    """Content type id -> kind name, for every page model a kind holds."""
    indexed = {
        model: kind
        for model in get_page_models()
        if (kind := kind_for_model(model)) is not None
    }
    content_types = ContentType.objects.get_for_models(*indexed)
    return {content_types[model].pk: kind.name for model, kind in indexed.items()}


def outbox_record_descendants(page) -> None:
    """Queue the indexed live pages below `page`, with their other versions."""
    kinds_by_type = _indexed_page_types()
    below = {}
    for pk, type_id in (
        Page.objects.descendant_of(page)
        .live()
        .filter(content_type_id__in=kinds_by_type)
        .values_list("pk", "content_type_id")
    ):
        below.setdefault(kinds_by_type[type_id], []).append(pk)
    for kind_name, pks in below.items():
        kind = kind_named(kind_name)
        rows = kind.with_versions(kind.model._default_manager.filter(pk__in=pks))
        outbox_record_rows((kind_name, pk) for pk in rows.values_list("pk", flat=True))


def outbox_record_dependents(instance) -> None:
    """Queue the rows of every kind that copies `instance` into its documents: its
    own other versions (a page's translations) and the rows that copy its text,
    with theirs."""
    kind = kind_for(instance)
    if kind is not None and kind.versions is not None:
        own = kind.model._default_manager.filter(pk=instance.pk)
        others = kind.versions(own).exclude(pk=instance.pk)
        outbox_record_rows(
            (kind.name, pk) for pk in others.values_list("pk", flat=True)
        )
    for kind, rows in dependents_of(instance):
        outbox_record_rows(
            (kind.name, pk)
            for pk in kind.with_versions(rows).values_list("pk", flat=True)
        )


def _schedule_drain():
    from .tasks import drain_soon

    drain_soon()


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        outbox_record(instance)
        outbox_record_dependents(instance)


def _deleted(sender, instance, **kwargs):
    outbox_record(instance)


def _deleting(sender, instance, **kwargs):
    # Before the delete: afterwards the rows no longer point at what they copied.
    outbox_record_dependents(instance)


def _page_unpublished(sender, instance, **kwargs):
    outbox_record(instance.specific)
    outbox_record_dependents(instance.specific)


def _page_published(sender, instance, **kwargs):
    # The page itself was queued when publishing saved it.
    outbox_record_descendants(instance)


def _page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    outbox_record(instance.specific)
    outbox_record_dependents(instance.specific)
    # Reordering among siblings changes nothing below; a new parent may change the
    # URLs and the access level of the pages below.
    if parent_page_before.pk != parent_page_after.pk:
        outbox_record_descendants(instance)


def _slug_changed(sender, instance, **kwargs):
    """A slug saved without publishing moves the URLs below it too. Wagtail sends
    this after the commit, so after a publish it queues the pages below again,
    which the drain applies harmlessly a second time."""
    outbox_record_descendants(instance)


def connect():
    post_save.connect(_saved, dispatch_uid="search_outbox_save")
    post_delete.connect(_deleted, dispatch_uid="search_outbox_delete")
    pre_delete.connect(_deleting, dispatch_uid="search_outbox_dependents_delete")
    page_unpublished.connect(_page_unpublished, dispatch_uid="search_outbox_unpublish")
    page_published.connect(_page_published, dispatch_uid="search_outbox_publish")
    post_page_move.connect(_page_moved, dispatch_uid="search_outbox_move")
    page_slug_changed.connect(_slug_changed, dispatch_uid="search_outbox_slug")
