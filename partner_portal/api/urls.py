"""/api/: the versioned endpoints, the OpenAPI schema and its local documentation."""

from django.urls import include, path, re_path

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from .views.deals import DealViewSet, FundClaimViewSet, FundRequestViewSet
from .views.incentives import ProgramViewSet, StatementViewSet
from .views.records import (
    CertificationAwardViewSet,
    PartnerViewSet,
    SalesRecordViewSet,
)
from .views.search import SearchView
from .views.support import TicketViewSet
from .views.unknown import UnknownAddressView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partners", PartnerViewSet, basename="partner")
router.register("sales-records", SalesRecordViewSet, basename="sales-record")
router.register(
    "certifications", CertificationAwardViewSet, basename="certification-award"
)
router.register(
    "incentive-statements", StatementViewSet, basename="incentive-statement"
)
router.register("incentive-programs", ProgramViewSet, basename="incentive-program")
router.register("deals", DealViewSet, basename="deal")
router.register("mdf-requests", FundRequestViewSet, basename="mdf-request")
router.register("mdf-claims", FundClaimViewSet, basename="mdf-claim")
router.register("tickets", TicketViewSet, basename="ticket")

urlpatterns = [
    path("v1/search/", SearchView.as_view(), name="api-search"),
    path("v1/", include((router.urls, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's settings come as a script file of their own, not an inline one:
    # the API's Content-Security-Policy allows scripts from the site's files only.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api-schema", template_name="api/redoc.html"
        ),
        name="api-redoc",
    ),
    # Last: any other address ending in "/" (without one, Django first redirects
    # to the address with it, as everywhere).
    re_path(r"^.*/$", UnknownAddressView.as_view()),
]
