"""Content hub: documents, images, asset pages, policies and announcements.

Every content item carries an access level (partners' `AccessControlled`); the
access rule in `partners.access` decides who may see it, for pages, files,
listings, counts and the sitemap alike.
"""

from .announcements import AnnouncementPage, AnnouncementRead
from .assets import (
    AssetLanguage,
    AssetPage,
    AssetQuerySet,
    AssetTag,
    AssetType,
    DownloadEvent,
    ResourceLibraryPage,
)
from .files import PortalDocument, PortalImage, PortalRendition
from .policies import PolicyAcknowledgement, PolicyPage, PolicyType

__all__ = [
    "AnnouncementPage",
    "AnnouncementRead",
    "AssetLanguage",
    "AssetPage",
    "AssetQuerySet",
    "AssetTag",
    "AssetType",
    "DownloadEvent",
    "PolicyAcknowledgement",
    "PolicyPage",
    "PolicyType",
    "PortalDocument",
    "PortalImage",
    "PortalRendition",
    "ResourceLibraryPage",
]
