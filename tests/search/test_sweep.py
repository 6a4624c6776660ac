"""Time-based visibility converges: the worker's sweep queues an asset when its
publish time comes and when its expiry passes, though nothing saved it."""

import datetime

from django.test import override_settings
from django.utils import timezone

import pytest

from partner_portal.partners.access import audience_for
from partner_portal.resources.models import AssetPage
from partner_portal.scheduling import waiting_runs
from search.index import drain
from search.models import VisibilitySweep
from search.query import search
from search.sweep import sweep
from search.tasks import book_sweep, sweep_search_visibility
from tests.factories import StaffFactory
from tests.search.conftest import indexed, library_with_assets

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HOUR = datetime.timedelta(hours=1)


def found(query):
    result = search(audience=audience_for(StaffFactory()), query=query)
    assert not result.degraded
    return {hit["title"] for hit in result.hits}


def as_if_time_passed(asset, **times):
    """Move an asset's times into the past without saving it (no outbox entry), as
    the clock would; the last sweep ran before them."""
    AssetPage.objects.filter(pk=asset.pk).update(**times)
    VisibilitySweep.objects.update_or_create(
        pk=1, defaults={"swept_until": timezone.now() - 2 * HOUR}
    )


@pytest.fixture
def coming_and_going(db, prefix):
    library = library_with_assets(0)
    now = timezone.now()
    coming = AssetPage(
        title="Wombat launch kit",
        slug="coming",
        asset_type="brochure",
        publish_at=now + HOUR,
    )
    going = AssetPage(
        title="Wombat old kit",
        slug="going",
        asset_type="brochure",
        expires_at=now + HOUR,
    )
    library.add_child(instance=coming)
    library.add_child(instance=going)
    drain()
    assert found("wombat") == {"Wombat old kit"}
    return coming, going


def test_an_asset_enters_search_when_its_publish_time_comes(coming_and_going):
    coming, _ = coming_and_going
    as_if_time_passed(coming, publish_at=timezone.now() - HOUR)
    drain()
    assert "Wombat launch kit" not in found("wombat")

    assert sweep_search_visibility.call() == 1
    drain()

    assert "Wombat launch kit" in found("wombat")


def test_an_expired_asset_leaves_the_index_when_the_sweep_runs(coming_and_going):
    _, going = coming_and_going
    as_if_time_passed(going, expires_at=timezone.now() - HOUR)
    assert str(going.pk) in indexed("asset")

    sweep_search_visibility.call()
    drain()

    assert str(going.pk) not in indexed("asset")


def test_a_sweep_queues_only_what_came_since_the_last(coming_and_going):
    coming, _ = coming_and_going
    as_if_time_passed(coming, publish_at=timezone.now() - HOUR)
    assert sweep(timezone.now()) == 1
    assert sweep(timezone.now()) == 0


@override_settings(TASKS=DATABASE_QUEUE)
def test_the_sweep_is_booked_for_the_next_publish_or_expiry_time(coming_and_going):
    coming, going = coming_and_going
    waiting_runs(sweep_search_visibility).delete()
    book_sweep()
    book_sweep()
    [run] = waiting_runs(sweep_search_visibility)
    assert run.run_after == min(coming.publish_at, going.expires_at)

    # A sooner time moves the waiting sweep to it; there is still only one.
    sooner = timezone.now() + datetime.timedelta(minutes=5)
    AssetPage.objects.filter(pk=coming.pk).update(publish_at=sooner)
    book_sweep()
    [run] = waiting_runs(sweep_search_visibility)
    assert run.run_after == sooner
