"""The index never loses an update: outbox, drain, atomic rebuild, and an outage."""

import threading

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.client import get_client
from search.index import alias_name, drain, rebuild
from search.models import OutboxEntry
from tests.search.conftest import indexed, library_with_assets
from tests.testapp.models import GatedItem


def indexed_ids():
    return set(indexed("gated-item"))


def database_ids():
    return {str(pk) for pk in GatedItem.objects.values_list("pk", flat=True)}


def test_saves_and_deletes_reach_the_index_through_the_outbox(db, prefix):
    kept = GatedItem.objects.create(title="alpha kept", access_level="public")
    gone = GatedItem.objects.create(title="beta gone", access_level="partner")
    assert OutboxEntry.objects.count() == 2
    assert drain() == 2
    assert indexed_ids() == {str(kept.pk), str(gone.pk)}

    gone.delete()
    kept.title = "alpha renamed"
    kept.save()
    drain()
    assert indexed_ids() == {str(kept.pk)}
    [hit] = get_client().search(
        index=alias_name(), query={"match": {"title": "renamed"}}
    )["hits"]["hits"]
    assert hit["_source"]["object_id"] == str(kept.pk)
    assert not OutboxEntry.objects.exists()


def test_an_outage_keeps_every_change_and_the_index_converges(db, prefix, settings):
    first = GatedItem.objects.create(title="before the outage", access_level="public")
    drain()
    live_url, live_timeout = settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    settings.ELASTICSEARCH_TIMEOUT = 1.0

    made = [GatedItem.objects.create(title=f"during {n}") for n in range(5)]
    first.delete()
    assert drain() == 0
    assert OutboxEntry.objects.count() == 6
    assert OutboxEntry.objects.filter(attempts=1).count() == 6

    settings.ELASTICSEARCH_URL = live_url
    settings.ELASTICSEARCH_TIMEOUT = live_timeout
    assert drain() == 6
    assert indexed_ids() == database_ids() == {str(item.pk) for item in made}


def test_a_rebuild_while_searches_run_never_answers_empty(db, prefix):
    GatedItem.objects.bulk_create(
        GatedItem(title=f"rebuild item {n}", access_level="public") for n in range(300)
    )
    rebuild()
    counts, stop = [], threading.Event()

    def search_continuously():
        client = get_client()
        while not stop.is_set():
            counts.append(
                client.count(index=alias_name(), query={"match": {"title": "rebuild"}})[
                    "count"
                ]
            )

    searcher = threading.Thread(target=search_continuously)
    searcher.start()
    try:
        for _ in range(3):
            rebuild()
    finally:
        stop.set()
        searcher.join()
    assert counts
    assert min(counts) == 300
    assert len(get_client().indices.get_alias(name=alias_name())) == 1


def test_a_failed_rebuild_leaves_the_old_index_serving(db, prefix, monkeypatch):
    GatedItem.objects.create(title="still served", access_level="public")
    drain()
    serving = set(get_client().indices.get_alias(name=alias_name()))

    from search import index as index_module

    def broken(kind):
        raise RuntimeError("the database went away mid-build")
        yield

    monkeypatch.setattr(index_module, "_documents", broken)
    with pytest.raises(RuntimeError):
        rebuild()
    assert set(get_client().indices.get_alias(name=alias_name())) == serving
    assert indexed_ids() == database_ids()


def _indexed_urls(kind):
    return {document["url"] for document in indexed(kind).values()}


def test_renaming_a_page_re_indexes_the_pages_below_it(db, prefix):
    library = library_with_assets(2)
    drain()
    assert _indexed_urls("asset") == {"/library/asset-0/", "/library/asset-1/"}

    library.slug = "resources"
    library.save_revision().publish()
    drain()

    assert _indexed_urls("asset") == {"/resources/asset-0/", "/resources/asset-1/"}


def test_a_page_queues_its_descendants_in_a_fixed_number_of_queries(db):
    counts = []
    for count in (1, 6):
        library = library_with_assets(count)
        OutboxEntry.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            library.save_revision().publish()
        assert OutboxEntry.objects.filter(kind="asset").count() == count
        counts.append(len(queries))
        library.delete()
    assert counts[0] == counts[1]


def test_an_index_from_before_an_upgrade_is_rebuilt_before_changes_are_sent(db, prefix):
    """An index made by a version whose documents lacked fields (here the
    translation key) would refuse every change; the drain builds it anew first."""
    from search.documents import content_index

    client = get_client()
    body = content_index(f"{alias_name()}-old").to_dict()
    for field in ("translation_key", "locale"):
        del body["mappings"]["properties"][field]
    client.indices.create(
        index=f"{alias_name()}-old", **body, aliases={alias_name(): {}}
    )
    kept = GatedItem.objects.create(title="gamma kept", access_level="public")
    assert drain() == 1
    assert OutboxEntry.objects.count() == 0
    assert indexed_ids() == {str(kept.pk)}
    assert list(client.indices.get_alias(name=alias_name())) != [f"{alias_name()}-old"]
