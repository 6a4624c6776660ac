from django.urls import path

from .feeds import PublicAnnouncementsFeed
from .views import portal as views

urlpatterns = [
    path(
        "images/<int:image_id>/<str:filter_spec>/",
        views.serve_image,
        name="resources-image",
    ),
    path("announcements/", views.announcement_list, name="announcements"),
    path(
        "announcements/feed/",
        PublicAnnouncementsFeed(),
        name="resources-announcements-feed",
    ),
    path("policies/pending/", views.policies_pending, name="policies-pending"),
    path(
        "policies/<int:policy_id>/acknowledge/",
        views.acknowledge_policy,
        name="policy-acknowledge",
    ),
]
