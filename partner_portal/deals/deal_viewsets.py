"""The admin's deal registrations, legal suffixes and lost reasons (registered in
wagtail_hooks.py).

Registrations change only through the services (decide, extend), on the decision
page (`views.admin.DealDecideView`): the generic add, edit and delete views are
refused to everyone. A draft is the partner's until submitted: staff see
registrations from their submission on. The listing shows the overdue submissions
first, then the others awaiting a decision by due time, then the decided ones,
newest first; a channel account manager sees, filters and exports only their
partners' deals.
"""

from django import forms
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.coreutils import multigetattr
from wagtail.permissions import register_permission_policy

import django_filters

from partner_portal.admin_columns import WordColumn
from partner_portal.incentives.statements.wording import money
from partner_portal.partners.models import Partner
from partner_portal.partners.ownership.admin import (
    PartnerOwnedPermissionPolicy,
    PartnerScopedViewSet,
    ScopedIndexView,
)
from partner_portal.partners.permissions import partners_visible_to
from partner_portal.partners.wording import name_in_language

from .models import Deal, LegalSuffix, LostReason
from .sla import SLA_ORDER, with_sla
from .views.admin import (
    DealDecideView,
    DecisionSlaView,
    local_time,
    products_first_by_name,
    yes_no,
)

deal_permission_policy = PartnerOwnedPermissionPolicy(
    Deal, refused_actions={"add", "change", "delete"}
)
register_permission_policy(Deal, deal_permission_policy)

LISTING_TEMPLATE = "deals/admin/listing.html"


def deal_products(deal: Deal) -> str:
    return ", ".join(name_in_language(product) for product in deal.products.all())


def deal_value(deal: Deal) -> str:
    return money(deal.estimated_value, deal.currency)


def local_day(moment) -> str:
    """The day of a moment, in local time: "2026-12-04"."""
    return timezone.localdate(moment).isoformat() if moment else ""


def _visible_partners(request):
    if request is None:
        return Partner.objects.none()
    return partners_visible_to(request.user).order_by("name")


class DealFilterSet(WagtailFilterSet):
    """The listing's filters; the partner choices are the user's own partners."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=[
            (value, label)
            for value, label in Deal.Status.choices
            if value != Deal.Status.DRAFT
        ],
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Partner"), queryset=_visible_partners
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Decision overdue"), widget=BooleanRadioSelect
    )
    conflict = django_filters.BooleanFilter(
        label=gettext_lazy("Conflict"), widget=BooleanRadioSelect
    )

    class Meta:
        model = Deal
        fields = ["status", "partner", "overdue", "conflict"]


class DecisionDueColumn(Column):
    """The due time, with an "Overdue" badge while a decision is late."""

    cell_template_name = "deals/admin/cells/decision_due.html"


class ConflictColumn(Column):
    cell_template_name = "deals/admin/cells/conflict.html"


# What the export's extra columns hold: {column: (heading, value of a row)}.
EXPORT_VALUES = {
    "partner_external_id": (
        gettext_lazy("Partner external ID"),
        lambda deal: deal.partner.external_id,
    ),
    "partner_name": (gettext_lazy("Partner"), lambda deal: deal.partner.name),
    "region": (gettext_lazy("Region"), lambda deal: str(deal.region)),
    "products": (
        gettext_lazy("Products"),
        lambda deal: "; ".join(name_in_language(p) for p in deal.products.all()),
    ),
    "status": (gettext_lazy("Status"), lambda deal: deal.get_status_display()),
    "conflict": (gettext_lazy("Conflict"), lambda deal: yes_no(deal.conflict)),
    "co_sell": (gettext_lazy("Co-sell"), lambda deal: yes_no(deal.co_sell)),
    "overdue": (gettext_lazy("Decision overdue"), lambda deal: yes_no(deal.overdue)),
    "submitted_at": (
        gettext_lazy("Submitted"),
        lambda deal: local_time(deal.submitted_at),
    ),
    "decision_due": (
        gettext_lazy("Decision due"),
        lambda deal: local_time(deal.decision_due),
    ),
    "decided_at": (gettext_lazy("Decided"), lambda deal: local_time(deal.decided_at)),
}


class DealIndexView(ScopedIndexView):
    list_select_related = ("partner",)
    default_ordering = SLA_ORDER

    def get_list_more_buttons(self, instance):
        # The registration's title opens its decision page, the only page it has.
        return []

    def get_base_queryset(self):
        rows = (
            super()
            .get_base_queryset()
            .exclude(status=Deal.Status.DRAFT)
            .prefetch_related(products_first_by_name())
        )
        return with_sla(rows)

    def to_row_dict(self, item):
        return {
            column: EXPORT_VALUES[column][1](item)
            if column in EXPORT_VALUES
            else multigetattr(item, column)
            for column in self.list_export
        }


class DealViewSet(PartnerScopedViewSet):
    """Deal registrations: the listing and export, the decision page, the SLA
    report; one URL namespace, `deals_admin`."""

    model = Deal
    icon = "thumbtack"
    menu_label = gettext_lazy("Deal registrations")
    url_prefix = "deals"
    url_namespace = "deals_admin"
    index_view_class = DealIndexView
    index_template_name = LISTING_TEMPLATE
    # The decision page is the registration's page; see get_common_view_kwargs.
    inspect_view_enabled = False
    copy_view_enabled = False
    exclude_form_fields = []
    search_backend_name = None
    search_fields = ["customer_name", "customer_domain", "partner__name"]
    filterset_class = DealFilterSet
    list_display = [
        "customer_name",
        Column(
            "partner",
            label=gettext_lazy("Partner"),
            accessor="partner.name",
            sort_key="partner__name",
            classname="deals-wrap",
        ),
        Column(
            "products",
            label=gettext_lazy("Products"),
            accessor=deal_products,
            classname="deals-wrap",
        ),
        Column(
            "estimated_value",
            label=gettext_lazy("Value"),
            accessor=deal_value,
            sort_key="estimated_value",
            classname="deals-number",
        ),
        "status",
        Column(
            "submitted_at",
            label=gettext_lazy("Submitted"),
            accessor=lambda deal: local_day(deal.submitted_at),
            sort_key="submitted_at",
        ),
        DecisionDueColumn(
            "decision_due", label=gettext_lazy("Decision due"), sort_key="decision_due"
        ),
        ConflictColumn("conflict", label=gettext_lazy("Conflict")),
    ]
    list_export = [
        "pk",
        "partner_external_id",
        "partner_name",
        "customer_name",
        "customer_domain",
        "country",
        "region",
        "products",
        "estimated_value",
        "currency",
        "expected_close_date",
        "status",
        "conflict",
        "co_sell",
        "submitted_at",
        "decision_due",
        "overdue",
        "decided_at",
        "protected_until",
        "final_value",
    ]
    export_headings = {
        column: heading for column, (heading, _value) in EXPORT_VALUES.items()
    }
    export_filename = "deal-registrations"

    def get_common_view_kwargs(self, **kwargs):
        # The listing's title links and "more" buttons open the decision page.
        return super().get_common_view_kwargs(
            inspect_url_name=self.get_url_name("decide"), **kwargs
        )

    @property
    def decide_view(self):
        return self.construct_view(
            DealDecideView,
            **self.get_inspect_view_kwargs(template_name=DealDecideView.template_name),
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", self.decide_view, name="decide"),
            path("sla/", DecisionSlaView.as_view(), name="sla"),
        ]


class LegalSuffixViewSet(ModelViewSet):
    model = LegalSuffix
    icon = "tag"
    menu_label = gettext_lazy("Legal suffixes")
    url_prefix = "deals/legal-suffixes"
    url_namespace = "deals_legal_suffix"
    index_template_name = LISTING_TEMPLATE
    list_display = ["suffix"]
    search_fields = ["suffix"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldPanel(
            "suffix",
            help_text=gettext_lazy(
                "A legal form dropped from customer names before registrations are "
                "compared, such as “Pte. Ltd.” or “有限公司”. Saving it keys the "
                "registrations awaiting a decision or approved again."
            ),
        )
    ]


class LostReasonViewSet(ModelViewSet):
    model = LostReason
    icon = "list-ul"
    menu_label = gettext_lazy("Reasons deals are lost")
    url_prefix = "deals/lost-reasons"
    url_namespace = "deals_lost_reason"
    index_template_name = LISTING_TEMPLATE
    list_display = [
        "name",
        "name_zh",
        "sort_order",
        WordColumn(
            "active",
            label=gettext_lazy("Offered"),
            yes=gettext_lazy("Offered"),
            no=gettext_lazy("Withdrawn"),
        ),
    ]
    list_filter = ["active"]
    search_fields = ["name", "name_zh"]
    search_backend_name = None
    form_fields = ["name", "name_zh", "sort_order", "active"]
