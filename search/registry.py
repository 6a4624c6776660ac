"""The kinds of content the portal index holds. Each owning app registers its kinds in
AppConfig.ready(); `search` imports none of them.

A kind says which rows belong in the index right now (live, not expired) and how one row
becomes an index document. Every document carries the fields the access rule filters on:
`access_level` and `min_tier_id` (the rank is resolved at query time, so re-ranking
tiers needs no reindex).

A kind also says what makes its documents go stale without its own rows changing: the
related rows whose text it copies (`copies`: a product's name in an asset) and the
times at which a row appears or disappears by the clock alone (`timed_fields`: an
asset's publish and expiry times). The outbox and the worker's sweep read these.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice

from django.db import models


@dataclass(frozen=True)
class Copied:
    """A related model whose text or settings a kind copies into its documents."""

    model: type[models.Model]
    # The kind's rows that copy one row of `model`, as a queryset (one query), e.g.
    # `lambda product: AssetPage.objects.filter(products=product)`.
    dependents: Callable[[models.Model], models.QuerySet]


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
    # Related rows copied into the documents: saving or deleting one re-queues them.
    copies: tuple[Copied, ...] = ()
    # Date-time fields at which a row enters or leaves `indexable` by the clock alone.
    timed_fields: tuple[str, ...] = ()
    # Every row whose document reads one of `rows` (a queryset of this kind), the
    # rows themselves included: a page's translations read their source
    # (search.page_kinds). Queued with them whenever they change.
    versions: Callable[[models.QuerySet], models.QuerySet] | None = None
    # What the portal calls this kind ("Course"), translatable; facets and results
    # show it instead of `name`.
    label: str = ""
    # The labels of coded facet values its documents carry, by facet:
    # {"asset_type": {"case_study": _("Case study"), ...}}.
    facet_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def prepared(self, instances: Iterable) -> list:
        """The rows as a list, with what to_document reads of other rows loaded."""
        instances = list(instances)
        if self.prepare is not None and instances:
            self.prepare(instances)
        return instances

    def with_versions(self, rows: models.QuerySet) -> models.QuerySet:
        """`rows` and every row whose document reads one of them."""
        return rows if self.versions is None else self.versions(rows)

    def indexable_rows(self, batch_size: int = 500) -> Iterator:
        """Every row of `indexable`, read and prepared `batch_size` at a time."""
        rows = self.indexable().iterator(chunk_size=batch_size)
        while batch := self.prepared(islice(rows, batch_size)):
            yield from batch

    def digest(self, instance) -> str:
        """A short hash of the row's document as the database would index it now.

        Stored in every document, it lets drift count the documents that are present
        but stale (a title changed, a product renamed, a parent's slug changed) by
        comparing hashes rather than contents: cheap, since it needs only what
        `to_document` reads. Attachment text is left out: reading files is the slow
        part, and a changed file re-queues its assets through `copies`.
        """
        return _digest(self.to_document(instance))

    def indexed_fields(self, instance) -> dict:
        """What the index stores for one row: its document, its digest and
        attachment text."""
        fields = self.to_document(instance)
        fields["digest"] = _digest(fields)
        if self.attachment_text is not None:
            text = self.attachment_text(instance)
            if text:
                fields["body"] = f"{fields.get('body', '')}\n{text}"
        return fields


def _digest(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(canonical.encode(), digest_size=12).hexdigest()


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


def dependents_of(instance) -> list[tuple[IndexableKind, models.QuerySet]]:
    """For a related row, each kind that copies it and the rows of that kind that do."""
    return [
        (kind, copied.dependents(instance))
        for kind in _kinds.values()
        for copied in kind.copies
        if isinstance(instance, copied.model)
    ]
