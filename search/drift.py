"""How far the index is from what the database would index now, kind by kind."""

from dataclasses import dataclass, field

from elasticsearch import helpers

from .client import get_client
from .index import BATCH, alias_name
from .registry import kinds

# How many document ids of each sort of drift a report names.
EXAMPLES = 5


@dataclass
class KindDrift:
    kind: str
    in_database: int
    in_index: int
    # Rows the index lacks, documents it holds that it should not, and documents it
    # holds as they were before a change (their digest differs from the row's now).
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def sorts(self) -> tuple[list[str], list[str], list[str]]:
        """The ids missing, stale and extra, in the order reports show them."""
        return self.missing, self.stale, self.extra

    @property
    def drift(self) -> int:
        return sum(len(ids) for ids in self.sorts)


def _held(client, kind_name: str) -> dict[str, str | None]:
    hits = helpers.scan(
        client,
        index=alias_name(),
        query={"query": {"term": {"kind": kind_name}}},
        _source=["object_id", "digest"],
        size=BATCH,
    )
    return {hit["_source"]["object_id"]: hit["_source"].get("digest") for hit in hits}


def index_drift() -> list[KindDrift]:
    """Per kind, the rows missing from the index, the documents it should not hold,
    and the stale ones, found by comparing each document's stored digest with the
    row's digest now (IndexableKind.digest). Reads every indexable row and every
    document's id and digest; raises Elasticsearch's errors when it cannot answer."""
    client = get_client()
    report = []
    for kind in kinds():
        wanted = {str(row.pk): kind.digest(row) for row in kind.indexable_rows(BATCH)}
        held = _held(client, kind.name)
        report.append(
            KindDrift(
                kind=kind.name,
                in_database=len(wanted),
                in_index=len(held),
                missing=sorted(wanted.keys() - held.keys()),
                extra=sorted(held.keys() - wanted.keys()),
                stale=sorted(
                    key
                    for key in wanted.keys() & held.keys()
                    if wanted[key] != held[key]
                ),
            )
        )
    return report
