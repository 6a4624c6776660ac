"""Data sets for tests: built for real once, copied back in afterwards.

`manage.py seed_demo` takes seconds, and dozens of tests start from it (others from
a few seconds' worth of pages and files). The first test that asks builds the set
for real and records what that did: the contents of every table it changed
(PostgreSQL's COPY), the sequences and the media files it wrote. A later test whose
database is in the same state before building gets the same tables back with COPY
inside its own transaction, which rolls back at the end as ever.

A transactional test (the browser tests', against the live server) gets back what a
build did in a transactional test before it: its rows committed, emptied by the
flush at its end like any others. What the build did outside the database is not
done again: the search documents its on-commit drains sent (a test that searches
builds its own index) and the mail it sent. A database that differs before
building, such as one where a fixture made rows first, builds for real.
"""

import graphlib
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction


@dataclass(frozen=True)
class Snapshot:
    result: Any  # what the builder returned: plain data, such as primary keys
    tables: dict[str, bytes]  # table -> COPY text after building, parents first
    sequences: dict[str, int]  # sequence -> its value after building
    files: dict[str, bytes]  # path under MEDIA_ROOT -> what building wrote there


# What each build did, by its name and the digest of every table before it.
_snapshots: dict[tuple[str, str], Snapshot] = {}


def demo_seed() -> None:
    """Bring the test database (and MEDIA_ROOT) to what `seed_demo` makes of it."""
    replayed("seed_demo", lambda: call_command("seed_demo", stdout=io.StringIO()))


def replayed(name: str, build: Callable[[], Any]) -> Any:
    """Run `build` (named `name`), or put back what it did the last time it ran
    on a database in this state; return what it returned then."""
    before = _table_digests()
    files_before = _media_files()
    # A build inside a test's transaction leaves its on-commit work undone (the
    # search outbox still full); a transactional test's build has done it. Each
    # kind of test gets back what a build does there. The files already in
    # MEDIA_ROOT are part of the state: a build that finds its files there writes
    # none, so its snapshot holds none.
    key = (
        name,
        connection.in_atomic_block,
        _digest(before),
        tuple(sorted((path, size) for path, (_mtime, size) in files_before.items())),
    )
    if key in _snapshots:
        _restore(_snapshots[key])
        return _snapshots[key].result
    result = build()
    after = _table_digests()
    changed = {table for table in after if after[table] != before.get(table)}
    _snapshots[key] = Snapshot(
        result=result,
        tables={table: _copy_out(table) for table in _parents_first(changed)},
        sequences=_sequences(),
        files={
            path: (_media_root() / path).read_bytes()
            for path, stamp in _media_files().items()
            if files_before.get(path) != stamp
        },
    )
    return result


def _restore(snapshot: Snapshot) -> None:
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        # DELETE, not TRUNCATE: foreign keys from unchanged tables stay, and are
        # checked (deferred) against the rows COPY puts back. Children go first and
        # come back last, for the few constraints that are checked at once.
        for table in reversed(snapshot.tables):
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608
        for table, rows in snapshot.tables.items():
            with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                copy.write(rows)
        for sequence, value in snapshot.sequences.items():
            # Never backwards: ids stay unique across tests, as after a real build.
            cursor.execute(
                "SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM "  # noqa: S608
                f"{quote(sequence)})))",
                [sequence, value],
            )
    # A real build's saves empty Wagtail's cache of site roots, and its rows have new
    # ids nothing has cached; COPY sends no signals, and its rows have the ids of the
    # first build, which earlier tests cached (image renditions, for one).
    for cache in caches.all():
        cache.clear()
    root = _media_root()
    for path, content in snapshot.files.items():
        target = root / path
        if not target.exists() or target.read_bytes() != content:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def _parents_first(tables: set[str]) -> list[str]:
    """The tables in an order where each comes after those named by its foreign
    keys that are checked at once (Django's are deferred, so order-free)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text "
            "FROM pg_constraint WHERE contype = 'f' AND NOT condeferrable "
            "AND conrelid <> confrelid"
        )
        references = cursor.fetchall()
    graph = {table: set() for table in tables}
    for child, parent in references:
        child, parent = child.strip('"'), parent.strip('"')
        if child in tables and parent in tables:
            graph[child].add(parent)
    return list(graphlib.TopologicalSorter(graph).static_order())


def _through_tables() -> set[str]:
    """The tables of many-to-many links Django makes itself, whose ids say nothing:
    the serialized rollback of a transactional test puts the links back with new
    ones."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.auto_created
    }


def _table_digests() -> dict[str, str]:
    """Each table's contents as one md5 (row order aside, and a link table's ids),
    in one query."""
    quote = connection.ops.quote_name
    tables = sorted(connection.introspection.table_names())
    links = _through_tables()

    def rows(table):
        row = "(to_jsonb(t) - 'id')::text" if table in links else "t::text"
        return f"md5(coalesce(string_agg({row}, E'\\n' ORDER BY {row}), ''))"

    # Table names come from the database itself, quoted.
    query = " UNION ALL ".join(
        f"SELECT %s, {rows(table)} FROM {quote(table)} t"  # noqa: S608
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return dict(cursor.fetchall())


def _digest(digests: dict[str, str]) -> str:
    return hashlib.md5(repr(sorted(digests.items())).encode()).hexdigest()  # noqa: S324


def _copy_out(table: str) -> bytes:
    out = bytearray()
    with connection.cursor() as cursor:
        quote = connection.ops.quote_name
        with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
            for block in copy:
                out += block
    return bytes(out)


def _sequences() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
        return dict(cursor.fetchall())


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> dict[str, tuple[int, int]]:
    root = _media_root()
    if not root.exists():
        return {}
    return {
        str(path.relative_to(root)): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in root.rglob("*")
        if path.is_file()
    }
