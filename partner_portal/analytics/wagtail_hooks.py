from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy

from .health.views import AtRiskView, PartnerHealthView, may_see_health
from .health.viewsets import FactorPermissionPolicy, HealthFactorViewSet
from .models import HealthFactor
from .scorecards.views import ScorecardListView, ScorecardView
from .views import DashboardView, may_see_dashboard

register_permission_policy(HealthFactor, FactorPermissionPolicy(HealthFactor))

# Menu items that name this hook join the Analytics menu (health, scorecards).
ANALYTICS_MENU_HOOK = "register_analytics_menu_item"


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_dashboard(request.user)


@hooks.register("register_admin_urls")
def register_analytics_urls():
    return [
        path(
            "analytics/",
            DashboardView.as_view(),
            name="analytics_dashboard",
        )
    ]


@hooks.register(ANALYTICS_MENU_HOOK)
def register_dashboard_menu_item():
    return DashboardMenuItem(
        _("Channel dashboard"),
        reverse("analytics_dashboard"),
        icon_name="view",
        order=100,
    )


@hooks.register("register_admin_menu_item")
def register_analytics_menu():
    return SubmenuMenuItem(
        _("Analytics"),
        Menu(register_hook_name=ANALYTICS_MENU_HOOK),
        icon_name="view",
        order=240,
    )


class HealthMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_health(request.user)


@hooks.register("register_admin_urls")
def register_health_urls():
    return [
        path("analytics/health/", AtRiskView.as_view(), name="analytics_health"),
        path(
            "analytics/health/<int:pk>/",
            PartnerHealthView.as_view(),
            name="analytics_partner_health",
        ),
    ]


@hooks.register(ANALYTICS_MENU_HOOK)
def register_health_menu_item():
    return HealthMenuItem(
        _("Partners at risk"),
        reverse("analytics_health"),
        icon_name="warning",
        order=200,
    )


@hooks.register("register_admin_viewset")
def register_health_factors():
    return HealthFactorViewSet(
        "health_factors",
        url_prefix="analytics/health-factors",
        menu_hook=ANALYTICS_MENU_HOOK,
    )


@hooks.register("register_admin_urls")
def register_scorecard_urls():
    return [
        path(
            "analytics/scorecards/",
            ScorecardListView.as_view(),
            name="analytics_scorecards",
        ),
        path(
            "analytics/scorecards/<int:pk>/",
            ScorecardView.as_view(),
            name="analytics_scorecard",
        ),
    ]


@hooks.register(ANALYTICS_MENU_HOOK)
def register_scorecards_menu_item():
    return DashboardMenuItem(
        _("Partner scorecards"),
        reverse("analytics_scorecards"),
        icon_name="list-ul",
        order=300,
    )
