"""The content hub's kinds in the portal search index (see search/registry.py)."""

from django.db.models.signals import post_save, pre_delete
from django.utils.html import strip_tags

from partner_portal.partners.access import is_as_open_as
from search.extract import stored_file_text
from search.outbox import outbox_record
from search.registry import IndexableKind, register_kind

from .models import AnnouncementPage, AssetPage, PolicyPage, PortalDocument


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
    return {**_page_fields(page), "title": page.title, "body": strip_tags(page.body)}


def _announcement(page):
    return {
        **_page_fields(page),
        "title": page.title,
        "body": f"{page.summary}\n{strip_tags(page.body)}",
    }


def _document_changed(sender, instance, raw=False, **kwargs):
    """A new file or access level of a document changes the assets that show it."""
    if not raw:
        for page in instance.asset_pages.all():
            outbox_record(page)


def register():
    post_save.connect(
        _document_changed, sender=PortalDocument, dispatch_uid="search_asset_document"
    )
    # Before the delete: afterwards the assets no longer point at the document.
    pre_delete.connect(
        _document_changed,
        sender=PortalDocument,
        dispatch_uid="search_asset_document_delete",
    )
    register_kind(
        IndexableKind(
            name="asset",
            model=AssetPage,
            indexable=lambda: (
                AssetPage.objects.live()
                .available()
                .select_related("min_tier", "document__min_tier")
                .prefetch_related("products", "tags")
            ),
            to_document=_asset,
            attachment_text=_asset_file_text,
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
