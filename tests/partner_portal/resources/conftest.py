"""A library with one asset, document, image and announcement per access level.

Every item carries a unique marker word in its title, file name and tag, so a
test can check that no page, file, listing, count or feed shows an item above
the user's level.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile

from wagtail.models import Site

import pytest

from partner_portal.partners.models import AccessLevel, Product, Stage
from partner_portal.resources.demo import demo_pdf, demo_png
from partner_portal.resources.models import (
    AnnouncementPage,
    AssetPage,
    PortalDocument,
    PortalImage,
    ResourceLibraryPage,
)
from tests.factories import StaffFactory, tier
from tests.snapshots import replayed

# marker -> (access level, minimum tier code)
LEVELS = {
    "aardvarkpublic": (AccessLevel.PUBLIC, None),
    "bisonpartner": (AccessLevel.PARTNER, None),
    "cougarsilver": (AccessLevel.TIER, "silver"),
    "dingogold": (AccessLevel.TIER, "gold"),
    "emuplatinum": (AccessLevel.TIER, "platinum"),
    "falconstaff": (AccessLevel.STAFF, None),
}
MARKERS = list(LEVELS)
PUBLIC = ["aardvarkpublic"]
PARTNER = [*PUBLIC, "bisonpartner"]
# Who sees which markers.
VISIBLE = {
    "anonymous": PUBLIC,
    "registered": PARTNER,
    "silver": [*PARTNER, "cougarsilver"],
    "gold": [*PARTNER, "cougarsilver", "dingogold"],
    "platinum": [*PARTNER, "cougarsilver", "dingogold", "emuplatinum"],
    "suspended": PUBLIC,
    "staff": MARKERS,
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def site_root(db):
    return Site.objects.get(is_default_site=True).root_page


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_library(parent, **fields):
    library = ResourceLibraryPage(
        title=fields.pop("title", "Library"),
        slug=fields.pop("slug", "library"),
        access_level=AccessLevel.PUBLIC,
        **fields,
    )
    parent.add_child(instance=library)
    return publish(library)


def make_document(title, filename, access, content=None):
    document = PortalDocument(title=title, **access)
    document.file = ContentFile(content or demo_pdf(title), name=filename)
    document.save()
    return document


def make_image(title, filename, access):
    image = PortalImage(title=title, **access)
    image.file = ContentFile(demo_png(), name=filename)
    image.save()
    return image


def make_asset(library, marker, access, **fields):
    product = fields.pop("product", None)
    asset = AssetPage(
        title=fields.pop("title", f"Asset {marker}"),
        slug=fields.pop("slug", f"asset-{MARKERS.index(marker)}"),
        asset_type=fields.pop("asset_type", "brochure"),
        summary=f"About {marker}.",
        document=make_document(f"Document {marker}", f"{marker}-file.pdf", access),
        thumbnail=make_image(f"Image {marker}", f"{marker}-image.png", access),
        **access,
        **fields,
    )
    library.add_child(instance=asset)
    if product is not None:
        asset.products.set([product])
    asset.tags.set([marker])
    return publish(asset)


def access_for(marker):
    level, tier_code = LEVELS[marker]
    return {
        "access_level": level,
        "min_tier": tier(tier_code) if tier_code else None,
    }


@dataclass
class Hub:
    library: ResourceLibraryPage
    assets: dict
    announcements: dict


def _make_hub(site_root):
    """The hub's pages and files; their primary keys."""
    library = make_library(site_root)
    product = Product.objects.create(name="Edge Gateway")
    assets = {
        marker: make_asset(library, marker, access_for(marker), product=product).pk
        for marker in MARKERS
    }
    announcements = {}
    for marker in MARKERS:
        announcement = AnnouncementPage(
            title=f"News {marker}",
            slug=f"news-{MARKERS.index(marker)}",
            **access_for(marker),
        )
        library.add_child(instance=announcement)
        announcements[marker] = publish(announcement).pk
    return {"library": library.pk, "assets": assets, "announcements": announcements}


@pytest.fixture
def hub(site_root):
    """Made for real once, then put back by COPY (tests/snapshots.py)."""
    made = replayed("resources-hub", lambda: _make_hub(site_root))
    return Hub(
        library=ResourceLibraryPage.objects.get(pk=made["library"]),
        assets={
            marker: AssetPage.objects.get(pk=pk)
            for marker, pk in made["assets"].items()
        },
        announcements={
            marker: AnnouncementPage.objects.get(pk=pk)
            for marker, pk in made["announcements"].items()
        },
    )


@pytest.fixture
def user_as(partner_user_at):
    """The user of one row of the access matrix (None for anonymous)."""

    def make(name):
        if name == "anonymous":
            return None
        if name == "staff":
            return StaffFactory()
        if name == "suspended":
            return partner_user_at("gold", Stage.SUSPENDED)
        return partner_user_at(name, Stage.ACTIVE)

    return make


@pytest.fixture
def client_as(client, user_as):
    def make(name):
        user = user_as(name)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def library(site_root):
    """An empty public library and the products the import manifests name."""
    Product.objects.create(name="Edge Gateway")
    Product.objects.create(name="Cloud Backup")
    return make_library(site_root)
