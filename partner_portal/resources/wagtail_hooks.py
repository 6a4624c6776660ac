from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import hooks

from partner_portal.admin_menu import PermissionMenuItem
from partner_portal.imports.views import ImportViewSet

from .asset_kind import ASSETS
from .images import CheckedImageEmbedHandler
from .permissions import document_visible_to, not_found


class AssetImportViewSet(ImportViewSet):
    """Import assets: upload an archive, check every row, confirm (`asset_import`)."""

    name = "asset_import"
    url_prefix = "resources/import"
    kind = ASSETS
    add_to_admin_menu = True
    menu_label = _("Import assets")
    menu_order = 850
    listing_url_name = "wagtailadmin_explore_root"
    listing_label = pgettext_lazy("page explorer", "Pages")


@hooks.register("register_admin_viewset")
def register_asset_import_viewset():
    return AssetImportViewSet()


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

    from .views import admin as views

    return [
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
