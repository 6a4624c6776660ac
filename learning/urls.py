from django.urls import path

from .views import portal as views

urlpatterns = [
    path("", views.learning_home, name="learning-home"),
    path(
        "certificates/<str:credential_id>.pdf",
        views.certificate_download,
        name="learning-certificate",
    ),
]
