"""Writes of the content hub: downloads, acknowledgements, announcement reads."""

from django.db import transaction

from .models import (
    AssetPage,
    DownloadEvent,
    PolicyAcknowledgement,
    PolicyPage,
    PortalDocument,
)


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
