from django.contrib.auth.models import Permission
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import models as generic
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import register_setting
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from partner_portal.admin_columns import WordColumn
from partner_portal.admin_home import WorkWaitingPanel
from partner_portal.admin_menu import PermissionMenuItem

from .filters import RegionTreeFilter
from .forms import PartnerAdminForm
from .lockout import LOCKOUT_PERMISSION
from .models import (
    Agreement,
    Application,
    OnboardingStep,
    Partner,
    PartnerMembership,
    Product,
    Region,
    ScoringRule,
    Specialisation,
    Tier,
    TierProgramSettings,
)
from .ownership.admin import PartnerScopedViewSet, ScopedIndexView
from .permissions import partner_permission_policy
from .views.admin import ApplicationReviewView, LockoutIndexView
from .views.partner_360 import Partner360View

register_permission_policy(Partner, partner_permission_policy)
register_setting(TierProgramSettings, icon="pick")


class PartnerIndexView(ScopedIndexView):
    list_select_related = ("tier",)

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        # A partner's name opens their 360 view (Wagtail links it to the edit form);
        # editing stays one of the row's buttons and one of the 360's actions.
        return self._get_custom_column(
            field_name,
            self._get_title_column_class(column_class),
            get_url=self.get_inspect_url,
            **kwargs,
        )


class PartnerFilterSet(WagtailFilterSet):
    region = RegionTreeFilter()

    class Meta:
        model = Partner
        fields = ["tier", "stage", "region", "partner_type", "account_manager"]


class ApplicationFilterSet(WagtailFilterSet):
    region = RegionTreeFilter()

    class Meta:
        model = Application
        fields = ["status", "region", "partner_type", "revenue_band", "submitted_at"]


class PartnerViewSet(PartnerScopedViewSet):
    model = Partner
    icon = "group"
    menu_label = _("Partners")
    index_view_class = PartnerIndexView
    inspect_view_class = Partner360View
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = [
        "name",
        "external_id",
        "tier",
        "stage",
        "region",
        Column("country_name", label=_("country")),
    ]
    filterset_class = PartnerFilterSet
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
    edit_handler = ObjectList(
        [
            FieldPanel("external_id"),
            FieldPanel("name"),
            FieldPanel("legal_name"),
            FieldPanel("country"),
            FieldPanel("region"),
            FieldPanel("partner_type"),
            FieldPanel("tier"),
            FieldPanel("stage"),
            FieldPanel("change_reason"),
            FieldPanel("joined_on"),
            FieldPanel("email_domain"),
            FieldPanel("account_manager"),
        ],
        base_form_class=PartnerAdminForm,
    )


class TierViewSet(ModelViewSet):
    model = Tier
    icon = "pick"
    menu_label = _("Tiers")
    list_display = [
        "name",
        "name_zh",
        "code",
        "rank",
        "min_trailing_revenue",
        "min_certified_users",
    ]
    search_fields = ["name", "name_zh", "code"]
    search_backend_name = None
    form_fields = [
        "code",
        "name",
        "name_zh",
        "rank",
        "description",
        "min_trailing_revenue",
        "min_certified_users",
        "required_certification",
        "required_agreements",
    ]


class AgreementViewSet(ModelViewSet):
    model = Agreement
    icon = "doc-full"
    menu_label = _("Agreements")
    list_display = ["title", "code", "version", "created_at"]
    search_fields = ["title", "code"]
    search_backend_name = None
    form_fields = ["code", "version", "title", "body"]


class PartnerMembershipViewSet(ModelViewSet):
    model = PartnerMembership
    icon = "user"
    menu_label = _("Partner users")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(page_title=self.menu_label, **kwargs)

    list_display = ["user", "partner", "role", "created_at"]
    list_filter = ["role", "partner__tier"]
    search_fields = ["user__username", "user__email", "partner__name"]
    search_backend_name = None
    form_fields = ["user", "partner", "role"]


class ApplicationIndexView(generic.IndexView):
    def get_edit_url(self, instance):
        return reverse("application:review", args=[instance.pk])


class ApplicationViewSet(ModelViewSet):
    """The review queue: open applications first, flagged ones marked."""

    model = Application
    icon = "form"
    menu_label = _("Applications")
    index_view_class = ApplicationIndexView
    list_display = [
        "company_name",
        "status",
        "score",
        WordColumn("is_flagged", label=_("Flagged"), yes=_("Flagged"), icon="warning"),
        Column("country_name", label=_("country")),
        "partner_type",
        "submitted_at",
    ]
    filterset_class = ApplicationFilterSet
    search_fields = ["company_name", "legal_name", "email_domain", "contact_email"]
    search_backend_name = None
    ordering = ["status", "-score", "-submitted_at"]
    add_to_admin_menu = False
    copy_view_enabled = False
    # Staff may correct contact details; decisions go through the review view.
    form_fields = ["website", "contact_phone"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/review/", ApplicationReviewView.as_view(), name="review"),
        ]


class ScoringRuleViewSet(ModelViewSet):
    model = ScoringRule
    icon = "order"
    menu_label = _("Scoring rules")
    list_display = ["criterion", "value", "points"]
    list_filter = ["criterion"]
    form_fields = ["criterion", "value", "points"]


class SpecialisationViewSet(ModelViewSet):
    model = Specialisation
    icon = "tag"
    menu_label = _("Specialisations")
    list_display = ["name", "name_zh"]
    form_fields = ["name", "name_zh"]


class ProductViewSet(ModelViewSet):
    model = Product
    icon = "tag"
    menu_label = _("Products")
    list_display = ["name", "name_zh"]
    form_fields = ["name", "name_zh"]


class OnboardingStepViewSet(ModelViewSet):
    model = OnboardingStep
    icon = "tasks"
    menu_label = _("Onboarding steps")
    list_display = [
        "title",
        "kind",
        WordColumn(
            "required",
            label=_("Required"),
            yes=pgettext_lazy("onboarding step", "Required"),
            no=pgettext_lazy("onboarding step", "Optional"),
        ),
        "sort_order",
    ]
    form_fields = [
        "title",
        "title_zh",
        "kind",
        "agreement",
        "reference",
        "required",
        "sort_order",
    ]


class RegionIndexView(IndexView):
    def get_base_queryset(self):
        return Region.objects.for_listing()


class RegionViewSet(ModelViewSet):
    """Regions under Settings: the tree, each region indented below its parent."""

    model = Region
    icon = "globe"
    menu_label = _("Regions")
    add_to_settings_menu = True
    index_view_class = RegionIndexView
    list_display = [
        Column("indented_name", label=_("Name")),
        "name_zh",
        "code",
        "sort_order",
    ]
    form_fields = ["name", "name_zh", "code", "parent", "sort_order"]


@hooks.register("register_admin_viewset")
def register_region_viewset():
    return RegionViewSet("regions")


class PartnersGroup(ViewSetGroup):
    menu_label = _("Channel")
    menu_icon = "group"
    menu_order = 200
    # The partner and user imports (imports/views.py) join this menu through the hook.
    submenu_hook = "register_channel_menu_item"
    items = (
        PartnerViewSet,
        ApplicationViewSet,
        TierViewSet,
        PartnerMembershipViewSet,
        AgreementViewSet,
        OnboardingStepViewSet,
        ScoringRuleViewSet,
        SpecialisationViewSet,
        ProductViewSet,
    )


@hooks.register("construct_homepage_panels")
def add_work_waiting(request, panels):
    """The work waiting for the user, every app's, first on the admin home."""
    panels.insert(0, WorkWaitingPanel(request))


@hooks.register("insert_global_admin_css")
def work_waiting_css():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("admin_home/work.css")
    )


@hooks.register("register_admin_viewset")
def register_partner_viewsets():
    return PartnersGroup()


@hooks.register("register_admin_viewset")
def register_import_viewsets():
    from .imports.views import import_viewsets

    return import_viewsets()


@hooks.register("register_admin_urls")
def register_lockout_admin_urls():
    return [
        path("lockouts/", LockoutIndexView.as_view(), name="partners_lockouts"),
    ]


@hooks.register("register_settings_menu_item")
def register_lockout_menu_item():
    return PermissionMenuItem(
        _("Sign-in lockouts"),
        reverse("partners_lockouts"),
        icon_name="lock",
        permission=LOCKOUT_PERMISSION,
    )


@hooks.register("register_permissions")
def register_lockout_permission():
    """Lets administrators give unlocking to a group in Settings → Groups."""
    app_label, codename = LOCKOUT_PERMISSION.split(".")
    return Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )


@hooks.register("register_log_actions")
def register_partner_log_actions(actions):
    """What partner admins do in the portal, shown in each partner's admin history."""

    @actions.register_action("cplms.partner.profile_updated")
    class ProfileUpdated(LogFormatter):
        label = _("Update company profile")

        def format_message(self, log_entry):
            return _("Company profile updated: %(fields)s") % {
                "fields": ", ".join(log_entry.data.get("fields", []))
            }

    @actions.register_action("cplms.partner.user_invited")
    class UserInvited(LogFormatter):
        label = _("Invite partner user")

        def format_message(self, log_entry):
            return _("Invited %(email)s as %(role)s") % log_entry.data

    @actions.register_action("cplms.partner.user_role_changed")
    class RoleChanged(LogFormatter):
        label = _("Change partner user role")

        def format_message(self, log_entry):
            return _("Changed the role of %(email)s from %(from)s to %(to)s") % (
                log_entry.data
            )

    @actions.register_action("cplms.partner.user_deactivated")
    class UserDeactivated(LogFormatter):
        label = _("Deactivate partner user")

        def format_message(self, log_entry):
            return _("Deactivated %(email)s") % log_entry.data

    @actions.register_action("cplms.partner.user_reactivated")
    class UserReactivated(LogFormatter):
        label = _("Reactivate partner user")

        def format_message(self, log_entry):
            return _("Reactivated %(email)s") % log_entry.data

    @actions.register_action("cplms.partner.agreement_accepted")
    class AgreementAccepted(LogFormatter):
        label = _("Accept agreement")

        def format_message(self, log_entry):
            return _("Accepted %(agreement)s") % log_entry.data
