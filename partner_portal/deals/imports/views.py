"""The deal-registration import in the admin's Deals menu."""

from django.utils.translation import gettext_lazy

from partner_portal.imports.views import ImportViewSet

from .kinds import DEALS


class DealImportViewSet(ImportViewSet):
    name = "deals_import"
    url_prefix = "deals/import"
    kind = DEALS
    # The Deals menu (wagtail_hooks.DealsGroup), after its own items.
    menu_hook = "register_deals_menu_item"
    menu_label = gettext_lazy("Import deal registrations")
    menu_order = 900
    listing_url_name = "deals_admin:index"
    listing_label = gettext_lazy("Deal registrations")
