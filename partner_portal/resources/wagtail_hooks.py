from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from partner_portal.admin_menu import PermissionMenuItem

from .images import CheckedImageEmbedHandler
from .permissions import document_visible_to, not_found


@hooks.register("before_serve_document")
def check_document_access(document, request):
    """A document the user may not see answers 404, naming neither title nor file."""
    if not document_visible_to(document, request.user):
        return not_found()
    return None


@hooks.register("register_rich_text_features", order=100)
def register_checked_image_embeds(features):
    """Replace Wagtail's image embed handler (registered at order 0), whose
    rendition URLs under /media/ would bypass the access rule."""
    features.register_embed_type(CheckedImageEmbedHandler)


@hooks.register("register_admin_urls")
def register_policy_admin_urls():
    from django.urls import path

    from . import views, views_import

    return [
        path(
            "resources/import/",
            views_import.import_upload,
            name="resources_import_upload",
        ),
        path(
            "resources/import/<str:token>/",
            views_import.import_preview,
            name="resources_import_preview",
        ),
        path(
            "resources/policies/",
            views.policy_coverage_index,
            name="resources_policy_coverage_index",
        ),
        path(
            "resources/policies/<int:policy_id>/coverage/",
            views.policy_coverage_view,
            name="resources_policy_coverage",
        ),
        path(
            "resources/policies/<int:policy_id>/not-acknowledged.csv",
            views.policy_missing_csv,
            name="resources_policy_missing_csv",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_policy_coverage_menu_item():
    return PermissionMenuItem(
        _("Policy acknowledgements"),
        reverse("resources_policy_coverage_index"),
        icon_name="tick-inverse",
        order=900,
        permission="resources.view_policyacknowledgement",
    )


@hooks.register("register_admin_menu_item")
def register_asset_import_menu_item():
    return PermissionMenuItem(
        _("Import assets"),
        reverse("resources_import_upload"),
        icon_name="upload",
        order=850,
        permission="resources.import_assets",
    )
