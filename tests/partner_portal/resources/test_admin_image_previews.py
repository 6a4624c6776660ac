"""Wagtail's admin shows its image previews through the checked view: they work
for users with admin access and answer 404 to those who may not see the image."""

import re

from django.core.files.base import ContentFile
from django.urls import reverse

import pytest

from partner_portal.partners.models import AccessLevel
from partner_portal.resources.demo import demo_png
from partner_portal.resources.models import PolicyPage
from tests.factories import StaffFactory, staff_with_permissions

from .conftest import publish

PREVIEW_URL = re.compile(r"/resources/images/\d+/[\w%.-]+/\?v=[0-9a-f]+")
RESTRICTED = ("falconstaff", "dingogold")


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


@pytest.fixture
def policy(site_root, hub):
    """A partner policy whose body embeds the staff-only image."""
    image = hub.assets["falconstaff"].thumbnail
    policy = PolicyPage(
        title="Rebate policy",
        slug="rebates",
        policy_type="rebate_policy",
        body=(
            f'<p>Chart:</p><embed embedtype="image" id="{image.pk}" '
            'format="fullwidth" alt="Chart"/>'
        ),
        access_level=AccessLevel.PARTNER,
    )
    site_root.add_child(instance=policy)
    return publish(policy)


def admin_pages(hub, policy):
    """The admin pages that show image previews, by what they show."""
    asset = hub.assets["falconstaff"]
    return {
        "image listing": reverse("wagtailimages:index"),
        "image editor": reverse("wagtailimages:edit", args=(asset.thumbnail.pk,)),
        "image chooser": reverse("wagtailimages_chooser:choose"),
        "page editor image field": reverse("wagtailadmin_pages:edit", args=(asset.pk,)),
        "rich text editor": reverse("wagtailadmin_pages:edit", args=(policy.pk,)),
    }


def preview_urls(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    assert "/media/" not in text, url
    return set(PREVIEW_URL.findall(text))


def image_urls(urls, image):
    return {url for url in urls if url.startswith(f"/resources/images/{image.pk}/")}


def assert_png(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_every_admin_preview_is_shown_to_staff(hub, policy, admin_client):
    shown = {}
    for name, url in admin_pages(hub, policy).items():
        shown[name] = preview_urls(admin_client, url)
        assert shown[name], name
        for preview in shown[name]:
            assert_png(admin_client.get(preview))
    # The restricted images themselves, not only the public ones.
    for marker in RESTRICTED:
        image = hub.assets[marker].thumbnail
        assert image_urls(shown["image listing"], image), marker
    staff_image = hub.assets["falconstaff"].thumbnail
    for name in ("image editor", "page editor image field", "rich text editor"):
        assert image_urls(shown[name], staff_image), name
    # The editor's preview and its link to the original file.
    editor_urls = image_urls(shown["image editor"], staff_image)
    specs = {url.split("/")[4] for url in editor_urls}
    assert {"max-800x600", "original"} <= specs


def test_staff_with_admin_access_alone_see_the_previews(hub, client):
    """Admin access, not superuser rights, opens the admin's preview sizes."""
    image = hub.assets["falconstaff"].thumbnail
    preview = image.get_rendition("max-165x165").url
    client.force_login(StaffFactory())
    assert client.get(preview).status_code == 404
    client.force_login(staff_with_permissions())
    assert_png(client.get(preview))


@pytest.mark.parametrize("role", ["anonymous", "registered", "silver", "gold"])
def test_admin_previews_of_restricted_images_answer_404(
    role, hub, policy, admin_client, user_as
):
    previews = set()
    for url in admin_pages(hub, policy).values():
        previews |= preview_urls(admin_client, url)
    restricted = set()
    for marker in RESTRICTED:
        restricted |= image_urls(previews, hub.assets[marker].thumbnail)
    assert restricted
    admin_client.logout()
    user = user_as(role)
    if user is not None:
        admin_client.force_login(user)
    for preview in restricted:
        response = admin_client.get(preview)
        assert response.status_code == 404, preview
        assert b"PNG" not in response.content
        assert b"falconstaff" not in response.content


def test_a_size_the_admin_never_showed_is_not_made_even_for_staff(hub, admin_client):
    image = hub.assets["aardvarkpublic"].thumbnail
    url = reverse("resources-image", args=(image.pk, "width-123"))
    assert admin_client.get(url).status_code == 404
    assert not image.renditions.filter(filter_spec="width-123").exists()


def test_a_new_file_gets_a_new_preview_url(hub, admin_client):
    """Otherwise the editor would show the browser's cached copy of the old file."""
    image = hub.assets["falconstaff"].thumbnail
    edit_url = reverse("wagtailimages:edit", args=(image.pk,))
    before = image_urls(preview_urls(admin_client, edit_url), image)
    response = admin_client.post(
        edit_url,
        {
            "title": image.title,
            "file": ContentFile(demo_png(color=(200, 10, 10)), name="new.png"),
            "collection": image.collection_id,
            "tags": "",
            "access_level": image.access_level,
        },
    )
    assert response.status_code == 302
    after = image_urls(preview_urls(admin_client, edit_url), image)
    assert after
    assert not after & before
    for preview in after:
        assert_png(admin_client.get(preview))


def test_a_missing_file_leaves_the_admin_working(hub, admin_client):
    image = hub.assets["bisonpartner"].thumbnail
    image.file.storage.delete(image.file.name)
    response = admin_client.get(reverse("wagtailimages:index"))
    assert response.status_code == 200
    assert "bisonpartner" in response.text


@pytest.mark.parametrize("role", ["anonymous", "gold", "admin"])
def test_no_file_under_media_is_served(role, hub, policy, admin_client, user_as):
    """Documents only through /documents/<id>/<name>, images only through the
    checked view: not even the renditions the admin made are reachable there."""
    for url in admin_pages(hub, policy).values():
        preview_urls(admin_client, url)
    if role != "admin":
        admin_client.logout()
        user = user_as(role)
        if user is not None:
            admin_client.force_login(user)
    names = []
    for asset in hub.assets.values():
        names += [asset.document.file.name, asset.thumbnail.file.name]
        names += [rendition.file.name for rendition in asset.thumbnail.renditions.all()]
    assert any(name.startswith("documents/") for name in names)
    assert any(name.startswith("images/") for name in names)
    for name in names:
        response = admin_client.get(f"/media/{name}")
        assert response.status_code == 404, name
        assert b"%PDF" not in response.content
        assert b"PNG" not in response.content
