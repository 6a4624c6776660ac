from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

import django_filters

from partner_portal.admin_menu import PermissionMenuItem
from partner_portal.partners.models import Partner
from partner_portal.partners.ownership.admin import (
    PartnerScopedViewSet,
    ScopedIndexView,
    ScopedInspectView,
)
from partner_portal.partners.permissions import partners_visible_to
from partner_portal.request_limits import upload_limit

from .currencies import currency_choices
from .models import SalesRecord, SalesSource
from .permissions import SalesRecordPermissionPolicy, SalesSourcePermissionPolicy
from .selectors import sources_visible_to
from .statement_viewsets import DisputeViewSet, ProgramViewSet, StatementViewSet
from .views.admin import (
    SalesByMonthView,
    SalesImportJobProgressView,
    SalesImportJobView,
    SalesImportView,
)
from .views.payouts_admin import PayoutView
from .views.statements_admin import (
    StatementRunStartView,
    StatementRunView,
)

sales_record_permission_policy = SalesRecordPermissionPolicy(SalesRecord)
sales_source_permission_policy = SalesSourcePermissionPolicy(SalesSource)
register_permission_policy(SalesRecord, sales_record_permission_policy)
register_permission_policy(SalesSource, sales_source_permission_policy)


def _visible_partners(request):
    return partners_visible_to(request.user) if request else Partner.objects.none()


def _visible_sources(request):
    return sources_visible_to(request.user) if request else SalesSource.objects.none()


class SalesRecordFilterSet(WagtailFilterSet):
    """The admin's sales filters; partner and source choices are the user's own."""

    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"), queryset=_visible_partners
    )
    date = django_filters.DateFromToRangeFilter(
        label=_("Date"), widget=DateRangePickerWidget
    )
    sku = django_filters.CharFilter(label=_("SKU"))
    currency = django_filters.ChoiceFilter(
        label=_("Currency"), choices=currency_choices
    )
    source = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=_visible_sources
    )

    class Meta:
        model = SalesRecord
        fields = ["partner", "date", "sku", "currency", "source"]


class SalesRecordIndexView(ScopedIndexView):
    list_select_related = ("partner", "source")

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.permission_policy.user_may_import(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Import sales"),
                    url=reverse("incentives_salesrecord:import"),
                    icon_name="upload",
                )
            )
        return buttons


class SalesRecordInspectView(ScopedInspectView):
    template_name = "incentives/admin/salesrecord_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["changes"] = self.object.changes.select_related(
            "partner", "source", "replaced_by"
        )
        return context


class ReadOnlyViewSet(PartnerScopedViewSet):
    """Listing, filters, export and inspection; objects outside one's scope 404.

    The permission policies refuse adding, changing and deleting, so those views
    answer 403 to everyone, and 404 for an object the user may not see.
    """

    inspect_view_enabled = True
    copy_view_enabled = False
    # A form is only built for the add and edit views, which nobody may open.
    exclude_form_fields = []
    search_backend_name = None


class SalesSourceIndexView(ScopedIndexView):
    list_select_related = ("created_by",)


class SalesRecordViewSet(ReadOnlyViewSet):
    model = SalesRecord
    url_namespace = "incentives_salesrecord"
    url_prefix = "incentives/sales"
    icon = "table"
    menu_label = _("Sales records")
    index_view_class = SalesRecordIndexView
    inspect_view_class = SalesRecordInspectView
    list_display = [
        "date",
        "invoice_number",
        "line_number",
        "partner",
        "sku",
        "quantity",
        "amount",
        "currency",
        "source",
    ]
    filterset_class = SalesRecordFilterSet
    list_export = [
        "invoice_number",
        "line_number",
        "partner",
        "date",
        "sku",
        "quantity",
        "amount",
        "currency",
        "source",
    ]
    export_filename = "sales"
    search_fields = ["invoice_number", "sku"]
    inspect_view_fields = [
        "invoice_number",
        "line_number",
        "partner",
        "date",
        "sku",
        "quantity",
        "amount",
        "currency",
        "source",
        "created_at",
        "updated_at",
    ]

    def get_urlpatterns(self):
        job_views = {
            "permission_policy": self.permission_policy,
            "index_url_name": self.get_url_name("index"),
            "import_url_name": self.get_url_name("import"),
            "progress_url_name": self.get_url_name("import_job_progress"),
        }
        return [
            *super().get_urlpatterns(),
            path(
                "import/",
                upload_limit("SALES_IMPORT_MAX_BYTES")(
                    SalesImportView.as_view(
                        listing_url_name=self.get_url_name("index"),
                        job_url_name=self.get_url_name("import_job"),
                        permission_policy=self.permission_policy,
                    )
                ),
                name="import",
            ),
            path(
                "import/<int:pk>/",
                SalesImportJobView.as_view(**job_views),
                name="import_job",
            ),
            path(
                "import/<int:pk>/progress/",
                SalesImportJobProgressView.as_view(**job_views),
                name="import_job_progress",
            ),
        ]


class SalesSourceViewSet(ReadOnlyViewSet):
    model = SalesSource
    url_namespace = "incentives_salessource"
    url_prefix = "incentives/imports"
    icon = "upload"
    menu_label = _("Sales imports")
    index_view_class = SalesSourceIndexView
    list_display = [
        "name",
        "kind",
        "created_by",
        "created_at",
        "row_count",
        "created_count",
        "updated_count",
        "unchanged_count",
    ]
    list_filter = ["kind"]
    search_fields = ["name", "sha256"]


class SalesGroup(ViewSetGroup):
    menu_label = _("Sales")
    menu_icon = "table"
    menu_order = 210
    items = (SalesRecordViewSet, SalesSourceViewSet)


@hooks.register("register_admin_viewset")
def register_sales_viewsets():
    return SalesGroup()


class IncentivesGroup(ViewSetGroup):
    menu_label = _("Incentives")
    menu_icon = "decimal"
    menu_order = 215
    items = (ProgramViewSet, StatementViewSet, DisputeViewSet)
    submenu_hook = "register_incentives_menu_item"


@hooks.register("register_admin_viewset")
def register_incentive_viewsets():
    return IncentivesGroup()


@hooks.register("register_incentives_menu_item")
def register_payouts_menu_item():
    return PermissionMenuItem(
        _("Payouts"),
        reverse("incentives_payouts"),
        icon_name="doc-full-inverse",
        order=4,
        permission="incentives.view_statement",
    )


@hooks.register("register_admin_urls")
def register_statement_urls():
    return [
        path(
            "incentives/runs/new/",
            StatementRunStartView.as_view(),
            name="incentives_statement_run_start",
        ),
        path(
            "incentives/runs/<int:pk>/",
            StatementRunView.as_view(),
            name="incentives_statement_run",
        ),
        path("incentives/payouts/", PayoutView.as_view(), name="incentives_payouts"),
    ]


@hooks.register("register_admin_urls")
def register_sales_report_urls():
    return [
        path(
            "reports/sales-by-month/",
            SalesByMonthView.as_view(),
            name="sales_by_month_report",
        )
    ]


@hooks.register("register_reports_menu_item")
def register_sales_report_menu_item():
    return PermissionMenuItem(
        _("Sales by month"),
        reverse("sales_by_month_report"),
        icon_name="table",
        order=900,
        permission="incentives.view_salesrecord",
    )
