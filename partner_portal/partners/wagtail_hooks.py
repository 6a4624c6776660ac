from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Partner, PartnerMembership, Tier


class PartnerViewSet(ModelViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    list_display = ["name", "external_id", "tier", "stage", "region", "country"]
    list_filter = ["tier", "stage", "region", "partner_type", "account_manager"]
    list_export = [
        "external_id",
        "name",
        "legal_name",
        "country",
        "region",
        "partner_type",
        "tier",
        "stage",
        "joined_on",
        "account_manager",
        "email_domain",
    ]
    export_filename = "partners"
    search_fields = ["name", "legal_name", "external_id", "email_domain"]
    search_backend_name = None
    inspect_view_enabled = True
    form_fields = [
        "external_id",
        "name",
        "legal_name",
        "country",
        "region",
        "partner_type",
        "tier",
        "stage",
        "joined_on",
        "email_domain",
        "account_manager",
    ]


class TierViewSet(ModelViewSet):
    model = Tier
    icon = "pick"
    menu_label = _("Tiers")
    list_display = ["name", "code", "rank"]
    search_fields = ["name", "code"]
    search_backend_name = None
    form_fields = ["code", "name", "rank", "description"]


class PartnerMembershipViewSet(ModelViewSet):
    model = PartnerMembership
    icon = "user"
    menu_label = _("Partner users")
    list_display = ["user", "partner", "role", "created_at"]
    list_filter = ["role", "partner__tier"]
    search_fields = ["user__username", "user__email", "partner__name"]
    search_backend_name = None
    form_fields = ["user", "partner", "role"]


class PartnersGroup(ViewSetGroup):
    menu_label = _("Channel")
    menu_icon = "group"
    menu_order = 200
    items = (PartnerViewSet, TierViewSet, PartnerMembershipViewSet)


@hooks.register("register_admin_viewset")
def register_partner_viewsets():
    return PartnersGroup()
