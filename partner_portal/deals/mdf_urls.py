"""The portal's market development funds pages, under /mdf/."""

from django.urls import path

from .views import mdf_portal

urlpatterns = [
    path("", mdf_portal.mdf_home, name="mdf-home"),
    path("requests/new/", mdf_portal.mdf_request_new, name="mdf-request-new"),
    path("requests/<int:pk>/", mdf_portal.mdf_request_detail, name="mdf-request"),
    path("requests/<int:pk>/claim/", mdf_portal.mdf_claim_new, name="mdf-claim-new"),
]
