"""The admin's market development funds: allocations, requests and claims
(registered in mdf_wagtail_hooks.py, in the "Marketing funds" menu).

Each list is filtered, exported (CSV, XLSX) and opened only within the user's
scope: a channel account manager sees their own partners' allocations, requests
and claims, a program manager every partner's. Allocations are made and changed
through `allocation_set()`, by hand or imported from a file; requests and claims
change only on their decision pages (the generic add, edit and delete views are
refused to everyone).
"""

from django import forms
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

import django_filters

from partner_portal.incentives.statements.wording import money
from partner_portal.partners.models import Partner
from partner_portal.partners.ownership.admin import (
    PartnerOwnedPermissionPolicy,
    PartnerScopedViewSet,
    ScopedHistoryView,
    ScopedIndexView,
)
from partner_portal.partners.permissions import partners_visible_to

from .mdf_imports import FUND_ALLOCATIONS
from .mdf_selectors import with_figures
from .models import ActivityType, FundAllocation, FundClaim, FundRequest
from .views.mdf_admin import (
    AllocationCreateView,
    AllocationEditView,
    AllocationForm,
    FundClaimDecideView,
    FundRequestDecideView,
)

NO_GENERIC_WRITES = {"add", "change", "delete"}
allocation_permission_policy = PartnerOwnedPermissionPolicy(
    FundAllocation, refused_actions={"delete"}
)
request_permission_policy = PartnerOwnedPermissionPolicy(
    FundRequest, refused_actions=NO_GENERIC_WRITES
)
claim_permission_policy = PartnerOwnedPermissionPolicy(
    FundClaim, refused_actions=NO_GENERIC_WRITES
)
register_permission_policy(FundAllocation, allocation_permission_policy)
register_permission_policy(FundRequest, request_permission_policy)
register_permission_policy(FundClaim, claim_permission_policy)

LISTING_TEMPLATE = "deals/mdf_admin/listing.html"


def _visible_partners(request):
    if request is None:
        return Partner.objects.none()
    return partners_visible_to(request.user).order_by("name")


def _amount(field):
    """A column's value: the row's `field` with the currency of its allocation."""

    def value(row):
        amount = getattr(row, field)
        if amount is None:
            return "—"
        currency = getattr(row, "currency", None) or row.allocation.currency
        return money(amount, currency)

    return value


def _periods():
    return [
        (period, period)
        for period in FundAllocation.objects.order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    ]


class AllocationFilterSet(WagtailFilterSet):
    partner = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Partner"), queryset=_visible_partners
    )
    period = django_filters.ChoiceFilter(label=gettext_lazy("Period"), choices=_periods)
    currency = django_filters.CharFilter(label=gettext_lazy("Currency"))

    class Meta:
        model = FundAllocation
        fields = ["partner", "period", "currency"]


class AllocationIndexView(ScopedIndexView):
    list_select_related = ("partner",)

    def get_base_queryset(self):
        return with_figures(super().get_base_queryset())

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if FUND_ALLOCATIONS.user_may_import(self.request.user):
            buttons.append(
                HeaderButton(
                    gettext_lazy("Import allocations"),
                    url=reverse("mdf_allocation_import:upload"),
                    icon_name="upload",
                )
            )
        return buttons


class FundAllocationViewSet(PartnerScopedViewSet):
    model = FundAllocation
    icon = "sliders"
    menu_label = gettext_lazy("Allocations")
    url_prefix = "mdf/allocations"
    url_namespace = "mdf_allocations"
    index_view_class = AllocationIndexView
    add_view_class = AllocationCreateView
    edit_view_class = AllocationEditView
    index_template_name = LISTING_TEMPLATE
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    search_fields = ["partner__name", "partner__external_id"]
    filterset_class = AllocationFilterSet
    # The first column opens the allocation (Wagtail links a named field only).
    list_display = [
        "partner",
        "period",
        Column(
            "amount",
            label=gettext_lazy("Allocated"),
            accessor=_amount("amount"),
            sort_key="amount",
        ),
        Column(
            "requested", label=gettext_lazy("Requested"), accessor=_amount("requested")
        ),
        Column(
            "approved", label=gettext_lazy("Approved"), accessor=_amount("approved")
        ),
        Column("claimed", label=gettext_lazy("Claimed"), accessor=_amount("claimed")),
        Column("paid", label=gettext_lazy("Paid"), accessor=_amount("paid")),
        Column(
            "remaining", label=gettext_lazy("Remaining"), accessor=_amount("remaining")
        ),
    ]
    list_export = [
        "partner.external_id",
        "partner.name",
        "period",
        "currency",
        "amount",
        "requested",
        "approved",
        "claimed",
        "paid",
        "expired",
        "note",
    ]
    export_headings = {
        "partner.external_id": gettext_lazy("Partner external ID"),
        "partner.name": gettext_lazy("Partner"),
        "amount": gettext_lazy("Allocated"),
        "requested": gettext_lazy("Requested"),
        "approved": gettext_lazy("Approved"),
        "claimed": gettext_lazy("Claimed"),
        "paid": gettext_lazy("Paid"),
        "expired": gettext_lazy("Expired"),
    }
    export_filename = "mdf-allocations"
    inspect_view_fields = [
        "partner",
        "period",
        "period_start",
        "period_end",
        "currency",
        "amount",
        "note",
        "created_at",
        "created_by",
    ]

    def get_form_class(self, for_update=False):
        return AllocationForm


class DecisionHistoryView(ScopedHistoryView):
    """A request's or claim's history (its submission, decision, payment, expiry)
    for whoever may see it: nobody edits them, so Wagtail's need of an edit
    permission would hide it from everyone."""

    any_permission_required = ["view"]


class DecisionPageViewSet(PartnerScopedViewSet):
    """A record whose page is its decision page, at /<pk>/ ("decide"): the
    listing's titles open it; there is no other inspect page."""

    decide_view_class = None
    history_view_class = DecisionHistoryView
    inspect_view_enabled = False
    copy_view_enabled = False
    exclude_form_fields = []
    search_backend_name = None
    index_template_name = LISTING_TEMPLATE

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            inspect_url_name=self.get_url_name("decide"), **kwargs
        )

    def get_urlpatterns(self):
        decide = self.construct_view(
            self.decide_view_class,
            **self.get_inspect_view_kwargs(
                template_name=self.decide_view_class.template_name
            ),
        )
        return [*super().get_urlpatterns(), path("<int:pk>/", decide, name="decide")]


class RequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=FundRequest.Status.choices,
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Partner"), queryset=_visible_partners
    )
    activity_type = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind of activity"), choices=ActivityType.choices
    )
    allocation__period = django_filters.ChoiceFilter(
        label=gettext_lazy("Period"), choices=_periods
    )

    class Meta:
        model = FundRequest
        fields = ["status", "partner", "activity_type", "allocation__period"]


class RequestIndexView(ScopedIndexView):
    list_select_related = ("partner", "allocation")

    def get_list_more_buttons(self, instance):
        # The title opens the decision page, the only page a request has.
        return []


class FundRequestViewSet(DecisionPageViewSet):
    model = FundRequest
    icon = "form"
    menu_label = gettext_lazy("Requests")
    url_prefix = "mdf/requests"
    url_namespace = "mdf_requests"
    index_view_class = RequestIndexView
    decide_view_class = FundRequestDecideView
    search_fields = ["title", "partner__name", "partner__external_id"]
    filterset_class = RequestFilterSet
    list_display = [
        "title",
        Column(
            "partner",
            label=gettext_lazy("Partner"),
            accessor="partner.name",
            sort_key="partner__name",
        ),
        Column(
            "allocation",
            label=gettext_lazy("Period"),
            accessor="allocation.period",
            sort_key="allocation__period_start",
        ),
        Column(
            "planned_cost",
            label=gettext_lazy("Planned cost"),
            accessor=_amount("planned_cost"),
            sort_key="planned_cost",
        ),
        Column(
            "approved_amount",
            label=gettext_lazy("Approved"),
            accessor=_amount("approved_amount"),
            sort_key="approved_amount",
        ),
        "status",
        "submitted_at",
    ]
    list_export = [
        "pk",
        "partner.external_id",
        "partner.name",
        "allocation.period",
        "allocation.currency",
        "activity_type",
        "title",
        "start_date",
        "end_date",
        "planned_cost",
        "expected_leads",
        "expected_attendees",
        "status",
        "approved_amount",
        "reason",
        "submitted_at",
        "decided_at",
    ]
    export_headings = {
        "pk": gettext_lazy("Request"),
        "partner.external_id": gettext_lazy("Partner external ID"),
        "partner.name": gettext_lazy("Partner"),
        "allocation.period": gettext_lazy("Period"),
        "allocation.currency": gettext_lazy("Currency"),
    }
    export_filename = "mdf-requests"


class ClaimFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=FundClaim.Status.choices,
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )
    partner = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Partner"), queryset=_visible_partners
    )
    request__allocation__period = django_filters.ChoiceFilter(
        label=gettext_lazy("Period"), choices=_periods
    )

    class Meta:
        model = FundClaim
        fields = ["status", "partner", "request__allocation__period"]


class ClaimIndexView(ScopedIndexView):
    list_select_related = ("partner", "request__allocation")

    def get_list_more_buttons(self, instance):
        return []


def _claim_amount(field):
    def value(claim):
        amount = getattr(claim, field)
        if amount is None:
            return "—"
        return money(amount, claim.request.allocation.currency)

    return value


class FundClaimViewSet(DecisionPageViewSet):
    model = FundClaim
    icon = "tick-inverse"
    menu_label = gettext_lazy("Claims")
    url_prefix = "mdf/claims"
    url_namespace = "mdf_claims"
    index_view_class = ClaimIndexView
    decide_view_class = FundClaimDecideView
    search_fields = ["request__title", "partner__name", "partner__external_id"]
    filterset_class = ClaimFilterSet
    list_display = [
        "request",
        Column(
            "partner",
            label=gettext_lazy("Partner"),
            accessor="partner.name",
            sort_key="partner__name",
        ),
        Column(
            "request_amount",
            label=gettext_lazy("Approved for the activity"),
            accessor=_claim_amount("request_amount"),
        ),
        Column(
            "actual_cost",
            label=gettext_lazy("Actual cost"),
            accessor=_claim_amount("actual_cost"),
            sort_key="actual_cost",
        ),
        Column(
            "approved_amount",
            label=gettext_lazy("Approved"),
            accessor=_claim_amount("approved_amount"),
            sort_key="approved_amount",
        ),
        "status",
        "submitted_at",
    ]
    list_export = [
        "pk",
        "request_id",
        "partner.external_id",
        "partner.name",
        "request.allocation.period",
        "request.allocation.currency",
        "request.title",
        "request_amount",
        "actual_cost",
        "leads",
        "attendees",
        "status",
        "approved_amount",
        "reason",
        "submitted_at",
        "decided_at",
        "paid_at",
        "payment_reference",
    ]
    export_headings = {
        "pk": gettext_lazy("Claim"),
        "request_id": gettext_lazy("Request"),
        "partner.external_id": gettext_lazy("Partner external ID"),
        "partner.name": gettext_lazy("Partner"),
        "request.allocation.period": gettext_lazy("Period"),
        "request.allocation.currency": gettext_lazy("Currency"),
        "request.title": gettext_lazy("Activity"),
    }
    export_filename = "mdf-claims"
