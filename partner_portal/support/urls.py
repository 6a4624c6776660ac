"""The portal's support pages, under /support/: tickets and surveys."""

from django.urls import path

from .views import portal, surveys

urlpatterns = [
    path("", portal.support_home, name="support-home"),
    path("new/", portal.ticket_new, name="ticket-new"),
    path("suggestions/", portal.suggestions, name="ticket-suggestions"),
    path("answers/<str:token>/", portal.deflect, name="ticket-deflect"),
    path("rate/<str:token>/", portal.rate_by_link, name="ticket-rate-link"),
    path("surveys/", surveys.survey_list, name="survey-list"),
    path("surveys/<int:pk>/", surveys.survey_answer_view, name="survey-answer"),
    path("<int:pk>/", portal.ticket_detail, name="ticket-detail"),
    path("<int:pk>/reply/", portal.ticket_reply_view, name="ticket-reply"),
    path("<int:pk>/resolve/", portal.ticket_resolve, name="ticket-resolve"),
    path("<int:pk>/rate/", portal.ticket_rate_view, name="ticket-rate"),
]
