from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.contrib.settings.registry import register_setting

from partner_portal.admin_menu import PermissionMenuItem

# The Marketing funds menu and its histories register themselves on import.
from . import mdf_wagtail_hooks  # noqa: F401
from .deal_viewsets import DealViewSet, LegalSuffixViewSet, LostReasonViewSet
from .imports.views import DealImportViewSet
from .models import DealSettings

register_setting(DealSettings, icon="thumbtack")

# Menu items and viewsets that name this hook join the Deals menu.
DEALS_MENU_HOOK = "register_deals_menu_item"


class DealsGroup(ViewSetGroup):
    menu_label = _("Deals")
    menu_icon = "thumbtack"
    menu_order = 220
    submenu_hook = DEALS_MENU_HOOK
    items = (DealViewSet, LegalSuffixViewSet, LostReasonViewSet)


@hooks.register("register_admin_viewset")
def register_deal_viewsets():
    return [DealsGroup(), DealImportViewSet()]


@hooks.register(DEALS_MENU_HOOK)
def register_decision_sla_menu_item():
    # After "Deal registrations" (the group's first item, also order 1).
    return PermissionMenuItem(
        _("Decision SLA"),
        reverse("deals_admin:sla"),
        icon_name="time",
        order=1,
        permission="deals.view_deal",
    )
