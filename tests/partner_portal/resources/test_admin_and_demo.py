"""The admin asset import (dry run, then confirm) and the demo data."""

from io import StringIO

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

import pytest

from partner_portal.imports.uploads import SESSION_KEY
from partner_portal.resources import demo
from partner_portal.resources.models import (
    AnnouncementPage,
    AssetPage,
    PolicyPage,
    PortalDocument,
    ResourceLibraryPage,
)
from tests.chinese_files import NAMES
from tests.factories import StaffFactory, staff_with_permissions
from tests.snapshots import demo_seed

from .conftest import MARKERS
from .test_asset_import import (
    BROCHURE,
    archive,
    manifest_csv,
    nothing_written,
    stored_files,
)


def upload(client, data, name="assets.zip"):
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("asset_import:upload"), {"file": file})


def may_import_assets(user):
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="resources", codename="import_assets"
        ),
    )
    return user


@pytest.fixture
def importer(db):
    """A content editor who may import assets and publish pages (Wagtail's
    Moderators group)."""
    user = may_import_assets(staff_with_permissions(username="asset.importer"))
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def test_admin_import_checks_then_imports(library, client, importer, media_root):
    client.force_login(importer)
    response = upload(client, archive().getvalue())
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert "Edge Gateway brochure" in preview.text
    assert 'name="confirm"' in preview.text
    assert not AssetPage.objects.exists()
    done = client.post(response["Location"], {"confirm": "1"})
    assert done.status_code == 302
    assert AssetPage.objects.count() == 2
    assert PortalDocument.objects.count() == 2
    # The held archive is gone; the two documents' files are stored.
    assert [name.split("/")[0] for name in stored_files(media_root)] == [
        "documents",
        "documents",
    ]
    assert client.session[SESSION_KEY] == {}


def test_the_admin_preview_lists_every_row_before_anything_is_written(
    library, client, importer, media_root
):
    """Five Chinese titles in a GB18030 manifest, as Excel saves it in China."""
    rows = [
        {**BROCHURE, "key": f"cn-{n}", "title": name} for n, name in enumerate(NAMES)
    ]
    manifest = manifest_csv(rows, encoding="gb18030")
    client.force_login(importer)

    response = upload(client, archive(manifest=manifest).getvalue())
    token = next(iter(client.session[SESSION_KEY]))
    preview = client.get(response["Location"])

    assert preview.status_code == 200
    report = preview.context["report"]
    assert [(row.row, row.key, row.label, row.outcome) for row in report.rows] == [
        (n + 2, f"cn-{n}", name, "created") for n, name in enumerate(NAMES)
    ]
    for n, name in enumerate(NAMES):
        assert f'data-row="{n + 2}" data-outcome="created"' in preview.text
        assert name in preview.text
    assert "The manifest was read as GB18030 text." in preview.text
    assert 'name="confirm"' in preview.text
    # The dry run created every page and document and rolled them back; only the
    # held upload is stored.
    assert nothing_written()
    assert stored_files(media_root) == [f"imports/{token}.zip"]


def test_admin_import_shows_row_errors_and_writes_nothing(
    library, client, importer, media_root
):
    client.force_login(importer)
    response = upload(client, archive(files={}).getvalue())
    preview = client.get(response["Location"])
    assert "The archive has 2 errors, so nothing will be imported." in preview.text
    assert "is not in the archive" in preview.text
    assert 'name="confirm"' not in preview.text
    client.post(response["Location"], {"confirm": "1"})
    assert nothing_written()
    assert not any(name.startswith("documents/") for name in stored_files(media_root))


def test_admin_import_refuses_what_is_not_a_zip(library, client, importer):
    client.force_login(importer)
    refused = upload(client, b"key,file\n", name="manifest.csv")
    assert refused.status_code == 200
    assert "Only .zip archives can be imported." in refused.text
    not_a_zip = client.get(upload(client, b"not a zip")["Location"])
    assert (
        "assets.zip cannot be imported. The file is not a valid ZIP archive."
        in not_a_zip.text
    )


def test_an_importer_who_may_not_publish_in_the_library_is_refused(
    library, client, media_root
):
    client.force_login(may_import_assets(staff_with_permissions(username="writer")))

    preview = client.get(upload(client, archive().getvalue())["Location"])

    assert (
        "assets.zip cannot be imported. You may not add and publish pages in the "
        "library “Library”, so you cannot import assets into it."
    ) in preview.text
    assert nothing_written()
    assert stored_files(media_root) == []


def test_admin_import_needs_the_permission(library, client):
    client.force_login(staff_with_permissions(username="no.importer"))
    assert client.get(reverse("asset_import:upload")).status_code in (302, 403)
    home = client.get(reverse("wagtailadmin_home")).text
    assert reverse("asset_import:upload") not in home


def test_the_menu_offers_the_import_to_those_who_may_use_it(client, importer):
    client.force_login(importer)
    home = client.get(reverse("wagtailadmin_home")).text
    assert reverse("asset_import:upload") in home
    assert reverse("asset_import:upload") == "/admin/resources/import/"


def test_seed_demo_builds_the_hub_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo_seed()
    call_command("seed_demo", stdout=StringIO())
    english = {"locale__language_code": "en"}
    assert ResourceLibraryPage.objects.filter(**english).count() == 1
    levels = set(
        AssetPage.objects.live()
        .filter(**english)
        .values_list("access_level", flat=True)
    )
    assert levels == {"public", "partner", "tier", "staff"}
    assert AssetPage.objects.filter(**english).count() == len(demo.ASSETS)
    assert PolicyPage.objects.get(**english).requires_acknowledgement
    assert AnnouncementPage.objects.filter(**english).count() == 1
    # And once each in Chinese: the library, the assets written in English, the
    # policy and the announcement.
    chinese = {"locale__language_code": "zh-hans"}
    assert ResourceLibraryPage.objects.filter(**chinese).count() == 1
    assert AssetPage.objects.filter(**chinese).count() == len(demo.ASSETS_ZH)
    assert PolicyPage.objects.filter(**chinese).count() == 1
    assert AnnouncementPage.objects.filter(**chinese).count() == 1


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
