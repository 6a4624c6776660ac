"""A partner's latest downloads in the partner's 360 view in the admin (registered
in AppConfig.ready(); see `partners.profile_sections`)."""

from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.profile_sections import RECENT, may_view

from .models import DownloadEvent


def downloads_activity(user, partner) -> dict | None:
    """The partner's latest downloads with who downloaded which asset, in one
    query; None without the view permission on downloads."""
    if not may_view(user, DownloadEvent):
        return None
    downloads = (
        partner_owned.policy_for(DownloadEvent)
        .rows_of(user, partner)
        .select_related("user", "asset", "document")
        .order_by("-downloaded_at", "-pk")
    )
    return {"downloads": list(downloads[:RECENT])}
