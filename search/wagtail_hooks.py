from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks

from partner_portal.admin_menu import PermissionMenuItem

from .views.admin import SearchTermsReportView
from .views.status import STATUS_PERMISSION, SearchStatusView


@hooks.register("register_admin_urls")
def register_search_report_urls():
    return [
        path(
            "reports/search-terms/",
            SearchTermsReportView.as_view(),
            name="search_terms_report",
        ),
        path(
            "reports/search-terms/results/",
            SearchTermsReportView.as_view(results_only=True),
            name="search_terms_report_results",
        ),
        path("search-status/", SearchStatusView.as_view(), name="search_status"),
    ]


@hooks.register("register_reports_menu_item")
def register_search_report_menu_item():
    return PermissionMenuItem(
        _("Search terms"),
        reverse("search_terms_report"),
        icon_name="search",
        order=950,
        permission="search.view_searchquery",
    )


@hooks.register("register_settings_menu_item")
def register_search_status_menu_item():
    return PermissionMenuItem(
        _("Search status"),
        reverse("search_status"),
        icon_name="search",
        permission=STATUS_PERMISSION,
    )
