"""Images in rich text, StreamField blocks and thumbnails use the checked view;
the media folder itself never answers."""

import re

from django.urls import reverse

import pytest

from learning.models import CourseIndexPage, CoursePage, LessonPage
from partner_portal.partners.models import AccessLevel
from partner_portal.resources.models import AnnouncementPage, PolicyPage

from .conftest import access_for, make_image, publish

CHECKED_URL = re.compile(r'src="(/resources/images/\d+/[\w-]+/)"')


def embed(image, alt="", image_format="fullwidth"):
    return (
        f'<embed embedtype="image" id="{image.pk}" format="{image_format}" '
        f'alt="{alt}"/>'
    )


@pytest.fixture
def gold_image():
    return make_image(
        "Chart quokkagold", "quokkagold-chart.png", access_for("dingogold")
    )


@pytest.fixture
def policy(site_root, gold_image):
    """A policy every partner may read, with a gold-only image in its body."""
    policy = PolicyPage(
        title="Rebate policy",
        slug="rebates",
        policy_type="rebate_policy",
        body=f"<p>How rebates work.</p>{embed(gold_image, alt='Rebate chart')}",
        access_level=AccessLevel.PARTNER,
    )
    site_root.add_child(instance=policy)
    return publish(policy)


@pytest.fixture
def lesson(site_root, gold_image):
    """A partner lesson: a gold-only image in a rich text block and an image block."""
    academy = CourseIndexPage(
        title="Academy",
        slug="academy-images",
        intro=f"<p>Welcome.</p>{embed(gold_image, image_format='left')}",
    )
    site_root.add_child(instance=academy)
    course = CoursePage(
        title="Course",
        slug="img-101",
        code="img-101",
        summary="A course.",
        objectives=f"<p>Learn.</p>{embed(gold_image, image_format='right')}",
        access_level=AccessLevel.PARTNER,
    )
    academy.add_child(instance=course)
    lesson = LessonPage(
        title="Lesson with pictures",
        slug="img-101-lesson-1",
        body=[
            {"type": "text", "value": f"<p>Look.</p>{embed(gold_image)}"},
            {"type": "image", "value": {"image": gold_image.pk, "caption": ""}},
        ],
    )
    course.add_child(instance=lesson)
    return lesson


def test_a_rich_text_image_renders_with_its_checked_url(
    policy, gold_image, client, partner_user_at
):
    client.force_login(partner_user_at("silver"))
    page = client.get(policy.url)
    assert page.status_code == 200
    url = reverse("resources-image", args=(gold_image.pk, "width-800"))
    assert f'src="{url}"' in page.text
    assert 'alt="Rebate chart"' in page.text
    assert "/media/" not in page.text
    # The silver user sees the policy but not the gold picture, nor its name.
    assert "quokkagold" not in page.text
    assert client.get(url).status_code == 404

    client.logout()
    assert client.get(url).status_code == 404

    client.force_login(partner_user_at("gold"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_rich_text_image_above_the_users_level_reveals_nothing(
    policy, gold_image, client, partner_user_at
):
    client.force_login(partner_user_at("registered"))
    url = CHECKED_URL.search(client.get(policy.url).text).group(1)
    response = client.get(url)
    assert response.status_code == 404
    assert "quokkagold" not in response.content.decode()


@pytest.mark.parametrize(("tier_code", "shown"), [("silver", False), ("gold", True)])
def test_lesson_images_use_the_checked_view(
    lesson, gold_image, client, partner_user_at, tier_code, shown
):
    client.force_login(partner_user_at(tier_code))
    for page in (lesson, lesson.get_parent(), lesson.get_parent().get_parent()):
        response = client.get(page.url)
        assert response.status_code == 200, page.title
        assert "/media/" not in response.text, page.title
        urls = CHECKED_URL.findall(response.text)
        assert urls, page.title
        for url in urls:
            assert client.get(url).status_code == (200 if shown else 404), url
    # The image block is left out for a user below the image's level, title and
    # all; the rich text image is in the page but its URL answers 404 (above).
    text = client.get(lesson.url).text
    assert ("quokkagold" in text) is shown
    assert text.count("/resources/images/") == (2 if shown else 1)


@pytest.mark.parametrize("role", ["anonymous", "gold", "staff"])
def test_no_portal_page_links_to_the_media_folder(
    role, hub, policy, lesson, client_as, gold_image
):
    """Every page that shows images, for users who see the most and the least."""
    announcement = hub.announcements["aardvarkpublic"]
    announcement.body = f"<p>News.</p>{embed(gold_image)}"
    publish(announcement)
    hub.library.intro = f"<p>Our material.</p>{embed(gold_image)}"
    publish(hub.library)
    client = client_as(role)
    pages = [
        "/",
        hub.library.url,
        *(asset.url for asset in hub.assets.values()),
        *(news.url for news in AnnouncementPage.objects.live()),
        policy.url,
        lesson.url,
        lesson.get_parent().url,
        lesson.get_parent().get_parent().url,
    ]
    shown = 0
    for url in pages:
        response = client.get(url)
        assert "/media/" not in response.content.decode(), url
        shown += len(CHECKED_URL.findall(response.content.decode()))
    # Thumbnails and embedded images are there, through the checked view.
    assert shown >= (3 if role == "anonymous" else len(hub.assets))


@pytest.mark.parametrize("role", ["anonymous", "gold", "staff"])
def test_the_media_folder_is_never_served(role, hub, client_as):
    asset = hub.assets["dingogold"]
    # A rendition exists on disk once the checked view has made it.
    rendition = asset.thumbnail.get_rendition("fill-400x300")
    client = client_as(role)
    for path in (
        asset.document.file.name,
        asset.thumbnail.file.name,
        rendition.file.name,
        hub.assets["aardvarkpublic"].document.file.name,
    ):
        response = client.get(f"/media/{path}")
        assert response.status_code == 404, path
        assert b"%PDF" not in response.content
        assert b"PNG" not in response.content


def test_an_image_format_of_rich_text_is_an_allowed_size(hub, client):
    image = hub.assets["aardvarkpublic"].thumbnail
    for spec in ("width-800", "width-500", "max-800x600"):
        url = reverse("resources-image", args=(image.pk, spec))
        assert client.get(url).status_code == 200, spec
