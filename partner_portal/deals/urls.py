"""The portal's deal registration pages, under /deals/."""

from django.urls import path

from .views import portal

urlpatterns = [
    path("", portal.deals_home, name="deals-home"),
    path("new/", portal.deal_new, name="deal-new"),
    path("<int:pk>/", portal.deal_detail, name="deal-detail"),
    path("<int:pk>/edit/", portal.deal_edit, name="deal-edit"),
    path("<int:pk>/submit/", portal.deal_submit_view, name="deal-submit"),
    path("<int:pk>/won/", portal.deal_won, name="deal-won"),
    path("<int:pk>/lost/", portal.deal_lost, name="deal-lost"),
]
