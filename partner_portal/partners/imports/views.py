"""The partner and partner-user imports in the admin's Channel menu."""

from django.utils.translation import gettext_lazy

from partner_portal.imports.views import ImportViewSet

from .kinds import PARTNER_USERS, PARTNERS

# Viewsets whose menu hook is this join the Channel menu (PartnersGroup).
CHANNEL_MENU_HOOK = "register_channel_menu_item"


class PartnerImportViewSet(ImportViewSet):
    name = "partner_import"
    url_prefix = "import/partners"
    kind = PARTNERS
    menu_hook = CHANNEL_MENU_HOOK
    menu_label = gettext_lazy("Import partners")
    menu_order = 900
    listing_url_name = "partner:index"
    listing_label = gettext_lazy("Partners")


class PartnerUserImportViewSet(ImportViewSet):
    name = "partner_user_import"
    url_prefix = "import/partner-users"
    kind = PARTNER_USERS
    menu_hook = CHANNEL_MENU_HOOK
    menu_label = gettext_lazy("Import partner users")
    menu_order = 901
    listing_url_name = "partnermembership:index"
    listing_label = gettext_lazy("Partner users")


def import_viewsets():
    """The viewsets to register with the admin (see wagtail_hooks.py)."""
    return [PartnerImportViewSet(), PartnerUserImportViewSet()]
