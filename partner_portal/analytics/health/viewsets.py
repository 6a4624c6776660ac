"""The health factors in the admin (Analytics → Health factors): a program manager
edits their names, weights, bounds and whether they count; the five are seeded by
the migration and are neither added nor deleted, since each has its own measure."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from partner_portal.admin_columns import WordColumn

from ..models import HealthFactor


class FactorPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


class HealthFactorViewSet(ModelViewSet):
    model = HealthFactor
    icon = "cogs"
    menu_label = _("Health factors")
    menu_order = 300
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = [
        Column("display_name", label=_("Name")),
        "weight",
        "zero_at",
        "full_at",
        WordColumn("enabled", label=_("Enabled"), yes=_("Enabled"), no=_("Off")),
    ]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            HelpPanel(
                content=_(
                    "Points grow in a straight line from the raw value scoring "
                    "nothing to the one scoring full marks. A factor's share of the "
                    "score is its weight over the total weight of the enabled "
                    "factors. Changes count from the next computation."
                )
            ),
            FieldPanel("name"),
            FieldPanel("name_zh"),
            FieldPanel("weight"),
            FieldPanel("zero_at"),
            FieldPanel("full_at"),
            FieldPanel("enabled"),
        ]
    )
