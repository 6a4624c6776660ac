"""Portal views: permission-checked images, policy acknowledgement, the list of
announcements."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.images.exceptions import InvalidFilterSpecError
from wagtail.images.models import Filter

from partner_portal.page_languages import in_user_language
from partner_portal.partners.access import audience_for

from ..images import allowed_filter_specs
from ..models import PolicyPage
from ..permissions import image_visible_to, not_found
from ..selectors import announcements_read, pending_policies
from ..services import policy_acknowledge


def serve_image(request, image_id, filter_spec):
    """An image rendition, after the access rule; a hidden image answers 404.

    Anyone may ask for the portal's sizes. Users with admin access may also have
    the renditions Wagtail's admin made for its previews (and `original`) while
    rendering its pages; a size nobody has rendered is never made on request.
    """
    portal_size = filter_spec in allowed_filter_specs()
    if not portal_size and not request.user.has_perm("wagtailadmin.access_admin"):
        raise Http404
    image = get_object_or_404(get_image_model(), pk=image_id)
    if not image_visible_to(image, request.user):
        return not_found()
    # Apps that use images add their own rule (a lesson's image is no more visible
    # than its course), as Wagtail's before_serve_document does for documents.
    for hook in hooks.get_hooks("before_serve_portal_image"):
        if not hook(image, request):
            return not_found()
    try:
        if portal_size:
            rendition = image.get_rendition(filter_spec)
        else:
            rendition = image.find_existing_rendition(Filter(spec=filter_spec))
        rendition.file.open("rb")
    except (InvalidFilterSpecError, ObjectDoesNotExist, OSError):
        raise Http404 from None
    response = FileResponse(rendition.file, content_type=_content_type(rendition))
    # Restricted images must not sit in shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(rendition):
    extension = rendition.file.name.rsplit(".", 1)[-1].lower()
    return {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
        "webp": "image/webp",
        "avif": "image/avif",
    }.get(extension, "application/octet-stream")


@login_required
@require_POST
def acknowledge_policy(request, policy_id):
    policy = get_object_or_404(PolicyPage.objects.live(), pk=policy_id)
    if not policy.visible_to(audience_for(request.user)):
        raise Http404
    policy_acknowledge(policy=policy, user=request.user)
    return redirect(policy.url or "portal-home")


@login_required
def policies_pending(request):
    return TemplateResponse(
        request,
        "resources/policies_pending.html",
        {
            "policies": in_user_language(
                pending_policies(request.user), audience_for(request.user)
            )
        },
    )


ANNOUNCEMENTS_PER_PAGE = 20


@login_required
def announcement_list(request):
    """Every announcement the user may see, the latest first, the unread marked."""
    page = Paginator(announcements_read(request.user), ANNOUNCEMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.object_list = in_user_language(page.object_list, audience_for(request.user))
    return TemplateResponse(request, "resources/announcements.html", {"page": page})
