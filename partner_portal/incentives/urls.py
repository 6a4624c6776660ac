from django.urls import path

from .views import portal

urlpatterns = [
    path("", portal.sales_list, name="sales-list"),
    path("<int:pk>/", portal.sales_detail, name="sales-detail"),
]
