"""The kinds of content the portal index holds. Each owning app registers its kinds in
AppConfig.ready(); `search` imports none of them.

A kind says which rows belong in the index right now (live, not expired) and how one row
becomes an index document. Every document carries the fields the access rule filters on:
`access_level` and `min_tier_id` (the rank is resolved at query time, so re-ranking
tiers needs no reindex).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class IndexableKind:
    name: str
    model: type[models.Model]
    # The rows that should be in the index now (published, not expired...).
    indexable: Callable[[], models.QuerySet]
    # {"title", "body", "tags", "products", "asset_type", "language", "url",
    #  "published_at", "expires_at", "access_level", "min_tier_id"} for one row.
    to_document: Callable[[models.Model], dict]
    # Text fields the database fallback searches while Elasticsearch is down.
    search_fields: tuple[str, ...] = ("title",)
    # The rows an audience may see, for the database fallback; by default the access
    # rule on the row's own level (a kind whose rows also depend on a parent overrides).
    visible: Callable[[models.QuerySet, object], models.QuerySet] = (
        lambda rows, audience: rows.filter(audience.q())
    )
    # The text of a row's attached files, indexed with its body. Reading files is
    # slow, so the database fallback, which needs no body, never calls it.
    attachment_text: Callable[[models.Model], str] | None = None
    # Loads, for a batch of rows, what to_document reads beyond what `indexable`
    # selects (a lesson's course, say), so that a batch costs a query or two rather
    # than some per row.
    prepare: Callable[[list], None] | None = None

    def prepared(self, instances: Iterable) -> list:
        """The rows as a list, with what to_document reads of other rows loaded."""
        instances = list(instances)
        if self.prepare is not None and instances:
            self.prepare(instances)
        return instances

    def indexed_fields(self, instance) -> dict:
        """What the index stores for one row: its document plus attachment text."""
        fields = self.to_document(instance)
        if self.attachment_text is not None:
            text = self.attachment_text(instance)
            if text:
                fields["body"] = f"{fields.get('body', '')}\n{text}"
        return fields


_kinds: dict[str, IndexableKind] = {}


def register_kind(kind: IndexableKind) -> None:
    _kinds[kind.name] = kind


def kinds() -> list[IndexableKind]:
    return list(_kinds.values())


def kind_named(name: str) -> IndexableKind:
    return _kinds[name]


def kind_for(instance) -> IndexableKind | None:
    return kind_for_model(type(instance))


def kind_for_model(model: type[models.Model]) -> IndexableKind | None:
    for kind in _kinds.values():
        if issubclass(model, kind.model):
            return kind
    return None
