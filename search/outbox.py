"""Every save, delete, publish, unpublish or move of an indexed item writes an outbox
entry in the same transaction; the worker drains the outbox to Elasticsearch."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from wagtail.signals import page_unpublished, post_page_move

from .models import OutboxEntry
from .registry import kind_for


def outbox_record(instance) -> OutboxEntry | None:
    kind = kind_for(instance)
    if kind is None:
        return None
    entry = OutboxEntry.objects.create(kind=kind.name, object_id=str(instance.pk))
    transaction.on_commit(_schedule_drain)
    return entry


def _schedule_drain():
    from .tasks import drain_search_outbox

    drain_search_outbox.enqueue()


def _changed(sender, instance, raw=False, **kwargs):
    if not raw:
        outbox_record(instance)


def _page_changed(sender, instance, **kwargs):
    outbox_record(instance.specific)


def connect():
    post_save.connect(_changed, dispatch_uid="search_outbox_save")
    post_delete.connect(_changed, dispatch_uid="search_outbox_delete")
    page_unpublished.connect(_page_changed, dispatch_uid="search_outbox_unpublish")
    post_page_move.connect(_page_changed, dispatch_uid="search_outbox_move")
