from django import template
from django.utils.html import format_html

from partner_portal.page_languages import in_user_language

from ..images import checked_image_url
from ..permissions import image_visible_to
from ..selectors import pending_policies

register = template.Library()


@register.simple_tag
def portal_image_url(image, filter_spec="fill-400x300"):
    """The permission-checked URL of an image rendition (never a media URL)."""
    if image is None:
        return ""
    return checked_image_url(image.pk, filter_spec)


@register.simple_tag(takes_context=True)
def portal_image(context, image, filter_spec, alt=""):
    """An <img> through the checked view, or nothing for a user who may not see
    the image, so that neither the picture nor its title reaches the page."""
    request = context.get("request")
    if image is None or not image_visible_to(image, getattr(request, "user", None)):
        return ""
    return format_html(
        '<img src="{}" alt="{}">',
        checked_image_url(image.pk, filter_spec),
        alt or image.title,
    )


@register.inclusion_tag("resources/policy_banner.html", takes_context=True)
def policy_banner(context):
    """The banner asking a partner user to acknowledge policies; one query, of the
    title and address only (every page shows the banner)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return {"policies": []}
    from partner_portal.partners.access import audience_for

    policies = in_user_language(
        pending_policies(user).only("title", "url_path", "translation_key"),
        audience_for(user),
    )
    return {"request": request, "policies": policies}


@register.simple_tag(takes_context=True)
def resource_library_url(context):
    """The URL of the first live resource library, for the site navigation; one
    query, of the page's address only (every page shows the navigation)."""
    from partner_portal.partners.access import audience_for

    from ..models import ResourceLibraryPage

    request = context.get("request")
    audience = audience_for(getattr(request, "user", None))
    library = (
        ResourceLibraryPage.objects.live()
        .filter(audience.q())
        .order_by("path")
        .only("url_path")
        .first()
    )
    if library is None:
        return ""
    return library.get_url(request=request) or ""
