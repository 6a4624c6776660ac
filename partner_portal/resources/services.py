"""Writes of the content hub: asset revisions, downloads, policy acknowledgements."""

from django.db import transaction
from django.utils.text import slugify

from .models import (
    AssetPage,
    DownloadEvent,
    PolicyAcknowledgement,
    PolicyPage,
    PortalDocument,
    ResourceLibraryPage,
)


@transaction.atomic
def asset_save(
    *,
    page: AssetPage,
    library: ResourceLibraryPage,
    products: list,
    tags: list[str],
    publish: bool,
    user,
) -> AssetPage:
    """Save `page`'s fields as a new revision, adding it below `library` if it is
    new (its slug made from its import key), and publish it or take it offline.

    Wagtail's own save, revision and publish paths write the page's history and,
    through their signals, the search outbox, as an edit in the admin does.
    """
    if page.pk is None:
        page.slug = _free_slug(library, page.import_key or page.title)
        library.add_child(instance=page)
    page.products.set(products)
    page.tags.set(tags, clear=True)
    page.save()
    revision = page.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    elif page.live:
        page.unpublish(user=user)
    return page


def _free_slug(library, text):
    base = slugify(text, allow_unicode=True)[:240] or "asset"
    slug, n = base, 1
    while library.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def download_record(*, document: PortalDocument, request) -> DownloadEvent:
    """Record that the request's user downloaded `document`.

    The asset is the one the link came from (`?asset=`) when it holds this
    document, otherwise the first asset that holds it.
    """
    user = request.user if request.user.is_authenticated else None
    membership = getattr(user, "membership", None) if user is not None else None
    assets = AssetPage.objects.filter(document=document)
    asset = None
    asset_id = request.GET.get("asset", "")
    if asset_id.isdigit():
        asset = assets.filter(pk=int(asset_id)).first()
    if asset is None:
        asset = assets.order_by("pk").first()
    return DownloadEvent.objects.create(
        user=user,
        partner=membership.partner if membership is not None else None,
        document=document,
        asset=asset,
    )


@transaction.atomic
def policy_acknowledge(*, policy: PolicyPage, user) -> PolicyAcknowledgement:
    """Acknowledge the policy's current published version for `user`."""
    ack, _created = PolicyAcknowledgement.objects.get_or_create(
        user=user, policy=policy, revision_id=policy.live_revision_id
    )
    return ack
