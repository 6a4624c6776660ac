"""The content hub's kinds in the portal search index (see search/registry.py)."""

from django.utils.translation import pgettext_lazy

from wagtail.rich_text import get_text_for_indexing

from taggit.models import Tag

from partner_portal.partners.access import is_as_open_as
from partner_portal.partners.models import Product
from search.extract import stored_file_text
from search.page_kinds import page_kind
from search.registry import Copied, register_kind

from .models import (
    AnnouncementPage,
    AssetLanguage,
    AssetPage,
    AssetType,
    PolicyPage,
    PortalDocument,
)


def _page_fields(page):
    return {
        "url": page.url,
        "published_at": page.first_published_at,
        "access_level": page.access_level,
        "min_tier_id": page.min_tier_id,
    }


def _asset_file_text(page):
    document = page.document
    # The file's text goes into the asset's entry only if everyone who may see the
    # asset may download the file: snippets and matches must not reveal it.
    if document is None or not is_as_open_as(document, page):
        return ""
    return stored_file_text(document.file)


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
    return {
        **_page_fields(page),
        "title": page.title,
        "body": get_text_for_indexing(page.body),
    }


def _announcement(page):
    return {
        **_page_fields(page),
        "title": page.title,
        "body": f"{page.summary}\n{get_text_for_indexing(page.body)}",
    }


# What an asset's entry copies from other rows: the names of its products and tags,
# and its document's file text (which depends on the document's file and access).
_ASSET_COPIES = (
    Copied(Product, lambda product: AssetPage.objects.filter(products=product)),
    Copied(Tag, lambda tag: AssetPage.objects.filter(tags=tag)),
    Copied(PortalDocument, lambda document: document.asset_pages.all()),
)


def register():
    register_kind(
        page_kind(
            name="asset",
            model=AssetPage,
            pages=lambda: AssetPage.objects.live().available(),
            load=lambda rows: rows.select_related(
                "min_tier", "document__min_tier"
            ).prefetch_related("products", "tags"),
            to_document=_asset,
            attachment_text=_asset_file_text,
            search_fields=("title", "summary"),
            copies=_ASSET_COPIES,
            timed_fields=("publish_at", "expires_at"),
            label=pgettext_lazy("search result kind", "Asset"),
            facet_labels={
                "asset_type": dict(AssetType.choices),
                "language": dict(AssetLanguage.choices),
            },
        )
    )
    register_kind(
        page_kind(
            name="policy",
            model=PolicyPage,
            pages=lambda: PolicyPage.objects.live(),
            load=lambda rows: rows.select_related("min_tier"),
            to_document=_policy,
            search_fields=("title", "body"),
            label=pgettext_lazy("search result kind", "Policy"),
        )
    )
    register_kind(
        page_kind(
            name="announcement",
            model=AnnouncementPage,
            pages=lambda: AnnouncementPage.objects.live(),
            load=lambda rows: rows.select_related("min_tier"),
            to_document=_announcement,
            search_fields=("title", "summary", "body"),
            label=pgettext_lazy("search result kind", "Announcement"),
        )
    )
