"""The portal's support pages, under /support/."""

from django.urls import path

from .views import portal

urlpatterns = [
    path("", portal.support_home, name="support-home"),
    path("new/", portal.ticket_new, name="ticket-new"),
    path("suggestions/", portal.suggestions, name="ticket-suggestions"),
    path("answers/<str:token>/", portal.deflect, name="ticket-deflect"),
    path("rate/<str:token>/", portal.rate_by_link, name="ticket-rate-link"),
    path("<int:pk>/", portal.ticket_detail, name="ticket-detail"),
    path("<int:pk>/reply/", portal.ticket_reply_view, name="ticket-reply"),
    path("<int:pk>/resolve/", portal.ticket_resolve, name="ticket-resolve"),
    path("<int:pk>/rate/", portal.ticket_rate_view, name="ticket-rate"),
]
