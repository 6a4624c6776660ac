"""The access rule applied to files: documents and images."""

from django.http import HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import timezone

from partner_portal.partners.access import audience_for


def document_visible_to(document, user) -> bool:
    """May `user` download `document`?

    The document's own access level decides. A document that belongs to asset
    pages is also withdrawn once none of them is live and current, so an expired
    asset's file disappears with it.
    """
    audience = audience_for(user)
    if not audience.may_see(document):
        return False
    if audience.is_staff:
        return True
    assets = document.asset_pages.all()
    if not assets.exists():
        return True
    return assets.live().available(timezone.now()).exists()


def image_visible_to(image, user) -> bool:
    return audience_for(user).may_see(image)


def not_found():
    """The site's 404 page, rendered without the request so that it never echoes
    the requested path (which holds a file name)."""
    return HttpResponseNotFound(render_to_string("404.html"))
