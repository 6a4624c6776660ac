"""/api/: the versioned endpoints, the OpenAPI schema and its local documentation."""

from django.urls import include, path

from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework.routers import DefaultRouter

from .views.records import (
    CertificationAwardViewSet,
    PartnerViewSet,
    SalesRecordViewSet,
)
from .views.search import SearchView

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partners", PartnerViewSet, basename="partner")
router.register("sales-records", SalesRecordViewSet, basename="sales-record")
router.register(
    "certifications", CertificationAwardViewSet, basename="certification-award"
)

urlpatterns = [
    path("v1/search/", SearchView.as_view(), name="api-search"),
    path("v1/", include((router.urls, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path(
        "redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"
    ),
]
