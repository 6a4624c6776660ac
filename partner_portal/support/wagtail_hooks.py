from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup

from partner_portal.admin_menu import PermissionMenuItem

from .viewsets import CategoryViewSet, SlaTargetViewSet, SurveyViewSet, TicketViewSet

# Menu items and viewsets that name this hook join the Support menu.
SUPPORT_MENU_HOOK = "register_support_menu_item"


class SupportGroup(ViewSetGroup):
    menu_label = _("Support")
    menu_icon = "help"
    menu_order = 230
    submenu_hook = SUPPORT_MENU_HOOK
    items = (TicketViewSet, SurveyViewSet, CategoryViewSet, SlaTargetViewSet)


@hooks.register("register_admin_viewset")
def register_support_viewsets():
    return SupportGroup()


@hooks.register(SUPPORT_MENU_HOOK)
def register_reports_menu_item():
    return PermissionMenuItem(
        _("Support report"),
        reverse("support_admin:reports"),
        icon_name="table",
        order=900,
        permission="support.view_ticket",
    )
