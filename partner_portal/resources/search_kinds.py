"""The content hub's kinds in the portal search index (see search/registry.py)."""

from django.utils.html import strip_tags

from search.registry import IndexableKind, register_kind

from .models import AnnouncementPage, AssetPage, PolicyPage


def _page_fields(page):
    return {
        "url": page.url,
        "published_at": page.first_published_at,
        "access_level": page.access_level,
        "min_tier_id": page.min_tier_id,
    }


def _asset(page):
    return {
        **_page_fields(page),
        "title": page.title,
        "body": page.summary,
        "asset_type": page.asset_type,
        "language": page.language,
        "expires_at": page.expires_at,
        "products": [product.name for product in page.products.all()],
        "tags": [tag.name for tag in page.tags.all()],
    }


def _policy(page):
    return {**_page_fields(page), "title": page.title, "body": strip_tags(page.body)}


def _announcement(page):
    return {
        **_page_fields(page),
        "title": page.title,
        "body": f"{page.summary}\n{strip_tags(page.body)}",
    }


def register():
    register_kind(
        IndexableKind(
            name="asset",
            model=AssetPage,
            indexable=lambda: (
                AssetPage.objects.live()
                .available()
                .prefetch_related("products", "tags")
            ),
            to_document=_asset,
            search_fields=("title", "summary"),
        )
    )
    register_kind(
        IndexableKind(
            name="policy",
            model=PolicyPage,
            indexable=lambda: PolicyPage.objects.live(),
            to_document=_policy,
            search_fields=("title", "body"),
        )
    )
    register_kind(
        IndexableKind(
            name="announcement",
            model=AnnouncementPage,
            indexable=lambda: AnnouncementPage.objects.live(),
            to_document=_announcement,
            search_fields=("title", "summary", "body"),
        )
    )
