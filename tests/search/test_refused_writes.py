"""Elasticsearch up but refusing writes (a write-blocked index, as a full disk makes
it): no change is lost, the refusals are visible, and the index converges."""

from io import StringIO

from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

import pytest

from partner_portal.resources.models import AssetPage
from search.client import get_client
from search.drift import index_drift
from search.index import alias_name, drain
from search.models import OutboxEntry
from tests.factories import StaffFactory, staff_with_permissions
from tests.search.conftest import indexed, library_with_assets


def block_writes(blocked: bool):
    get_client().indices.put_settings(
        index=alias_name(), settings={"index.blocks.write": True if blocked else None}
    )


def drift_of(kind):
    [report] = [report for report in index_drift() if report.kind == kind]
    return report


@pytest.fixture
def two_assets_renamed_while_blocked(db, prefix):
    library_with_assets(2)
    drain()
    block_writes(True)
    assets = list(AssetPage.objects.order_by("title"))
    for asset in assets:
        asset.title = f"Wombat kit {asset.slug}"
        asset.save_revision().publish()
    yield assets
    block_writes(False)


def test_refused_items_keep_their_entries_and_converge_once_writes_return(
    two_assets_renamed_while_blocked,
):
    assets = two_assets_renamed_while_blocked
    ids = {str(asset.pk) for asset in assets}

    assert drain() == 0
    waiting = OutboxEntry.objects.filter(kind="asset", object_id__in=ids)
    assert {entry.object_id for entry in waiting} == ids
    for entry in waiting:
        assert entry.attempts == 1
        assert "cluster_block_exception" in entry.last_error
    assert {doc["title"] for doc in indexed("asset").values()} == {"Asset 0", "Asset 1"}

    block_writes(False)
    assert drain() == waiting.count()

    assert {doc["title"] for doc in indexed("asset").values()} == {
        "Wombat kit asset-0",
        "Wombat kit asset-1",
    }
    assert not OutboxEntry.objects.exists()
    assert drift_of("asset").drift == 0


def test_drift_counts_the_stale_documents_while_writes_are_refused(
    two_assets_renamed_while_blocked,
):
    assets = two_assets_renamed_while_blocked
    drain()

    report = drift_of("asset")

    assert report.stale == sorted(str(asset.pk) for asset in assets)
    assert (report.missing, report.extra) == ([], [])
    assert (report.in_database, report.in_index) == (2, 2)


def test_search_status_shows_the_refused_changes_and_the_stale_documents(
    two_assets_renamed_while_blocked,
):
    [first, _] = two_assets_renamed_while_blocked
    drain()
    out = StringIO()

    call_command("search_status", stdout=out)

    text = out.getvalue()
    assert f"asset:{first.pk}: 1 attempts, last error: 403 cluster_block_exception" in (
        text
    )
    assert "asset: 2 in the database, 2 in the index, drift 2 (0 missing, 2 stale" in (
        text
    )


def test_the_admin_status_page_shows_the_refused_changes_and_the_drift(
    two_assets_renamed_while_blocked, client
):
    [first, second] = two_assets_renamed_while_blocked
    drain()
    client.force_login(StaffFactory(is_superuser=True))
    url = reverse("search_status")

    page = client.get(url).text
    assert f"asset:{first.pk}" in page
    assert "cluster_block_exception" in page

    compared = client.get(url, {"drift": "1"}).text
    assert f"2 ({first.pk}, {second.pk})" in compared


def test_the_status_page_is_for_those_who_may_see_the_outbox(db, client):
    editor = staff_with_permissions()
    client.force_login(editor)
    refused = client.get(reverse("search_status"))
    # Wagtail answers a refused admin page by sending the user back home.
    assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))
    assert reverse("search_status") not in client.get(refused.url).text

    editor.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="search", codename="view_outboxentry"
        )
    )
    editor = type(editor).objects.get(pk=editor.pk)  # permissions are cached
    client.force_login(editor)
    assert reverse("search_status") in client.get(reverse("wagtailadmin_home")).text
    page = client.get(reverse("search_status"))
    assert "No change waits for the index." in page.text
