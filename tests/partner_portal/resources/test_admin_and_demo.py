"""The admin asset import (dry run, then confirm) and the demo data."""

from io import StringIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

import pytest

from partner_portal.resources.models import (
    AnnouncementPage,
    AssetPage,
    PolicyPage,
    ResourceLibraryPage,
)
from tests.factories import StaffFactory

from .conftest import MARKERS
from .test_asset_import import archive


def test_admin_import_checks_then_imports(library, client):
    client.force_login(StaffFactory(is_superuser=True))
    upload = SimpleUploadedFile("assets.zip", archive().getvalue())
    response = client.post(reverse("resources_import_upload"), {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "Edge Gateway brochure" in preview.text
    assert "Import these assets" in preview.text
    assert not AssetPage.objects.exists()
    done = client.post(response["Location"], {"confirm": "1"})
    assert done.status_code == 302
    assert AssetPage.objects.count() == 2


def test_admin_import_shows_row_errors_and_writes_nothing(library, client):
    client.force_login(StaffFactory(is_superuser=True))
    upload = SimpleUploadedFile("assets.zip", archive(files={}).getvalue())
    response = client.post(reverse("resources_import_upload"), {"file": upload})
    preview = client.get(response["Location"])
    assert "is not in the archive" in preview.text
    assert "Import these assets" not in preview.text
    client.post(response["Location"], {"confirm": "1"})
    assert not AssetPage.objects.exists()


def test_admin_import_needs_the_permission(library, client):
    client.force_login(StaffFactory())
    assert client.get(reverse("resources_import_upload")).status_code in (302, 403)


def test_seed_demo_builds_the_hub_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert ResourceLibraryPage.objects.count() == 1
    levels = set(AssetPage.objects.live().values_list("access_level", flat=True))
    assert levels == {"public", "partner", "tier", "staff"}
    assert AssetPage.objects.count() == 7
    assert PolicyPage.objects.get().requires_acknowledgement
    assert AnnouncementPage.objects.count() == 1


@pytest.mark.parametrize(
    "item",
    ["library", "asset", "announcement", "document", "image"],
)
def test_every_content_item_has_its_access_level_in_the_editor(hub, client, item):
    """One access-level field, with the minimum tier it needs, on every editor."""
    client.force_login(StaffFactory(is_superuser=True))
    asset = hub.assets[MARKERS[0]]
    url = {
        "library": reverse("wagtailadmin_pages:edit", args=(hub.library.pk,)),
        "asset": reverse("wagtailadmin_pages:edit", args=(asset.pk,)),
        "announcement": reverse(
            "wagtailadmin_pages:edit",
            args=(hub.announcements[MARKERS[0]].pk,),
        ),
        "document": reverse("wagtaildocs:edit", args=(asset.document.pk,)),
        "image": reverse("wagtailimages:edit", args=(asset.thumbnail.pk,)),
    }[item]
    response = client.get(url)
    assert response.status_code == 200
    assert response.text.count('name="access_level"') == 1
    assert 'name="min_tier"' in response.text


def test_the_policy_editor_has_its_access_level(site_root, client):
    policy = PolicyPage(
        title="Code of conduct",
        slug="coc",
        policy_type="code_of_conduct",
        body="<p>x</p>",
    )
    site_root.add_child(instance=policy)
    client.force_login(StaffFactory(is_superuser=True))
    response = client.get(reverse("wagtailadmin_pages:edit", args=(policy.pk,)))
    assert response.text.count('name="access_level"') == 1
