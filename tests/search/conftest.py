"""An index of the test's own, and the documents in it."""

import uuid

from wagtail.models import Site

import pytest

from partner_portal.resources.models import AssetPage, ResourceLibraryPage
from search.client import get_client
from search.index import alias_name


@pytest.fixture
def prefix(settings):
    """A random index prefix, so blocks and deletes touch only this test's index."""
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    client = get_client()  # the live node, even if the test points settings elsewhere
    yield settings.ELASTICSEARCH_INDEX_PREFIX
    client.indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


def indexed(kind) -> dict[str, dict]:
    """The documents of one kind in the index now, by object id."""
    client = get_client()
    client.indices.refresh(index=alias_name())
    hits = client.search(index=alias_name(), query={"term": {"kind": kind}}, size=1000)
    return {hit["_source"]["object_id"]: hit["_source"] for hit in hits["hits"]["hits"]}


def library_with_assets(count, **fields):
    library = ResourceLibraryPage(
        title="Library", slug="library", access_level="public"
    )
    Site.objects.get(is_default_site=True).root_page.add_child(instance=library)
    for number in range(count):
        library.add_child(
            instance=AssetPage(
                title=f"Asset {number}",
                slug=f"asset-{number}",
                asset_type="brochure",
                **fields,
            )
        )
    return library
