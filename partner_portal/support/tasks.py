"""Work of support run by the task worker: the nightly close of resolved tickets,
and a sent survey's emails."""

import datetime

from django.db.models.signals import post_migrate
from django.utils import timezone

from django_tasks import task

from partner_portal.scheduling import book_daily

from . import notifications
from .models import Survey
from .services.tickets import tickets_autoclose

# After midnight, so a ticket resolved a week ago today closes before work starts.
NIGHTLY_TIME = datetime.time(2, 30)


@task()
def support_nightly():
    """Close tickets resolved more than seven days ago, book tomorrow's run."""
    closed = tickets_autoclose()
    schedule_support_nightly()
    return {"closed": closed}


@task()
def survey_invitations_email(*, survey_id: int):
    """Email the users a survey was sent to; returns how many emails went out.
    A survey that closed before the worker came to it asks nobody."""
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None or survey.is_closed(timezone.localdate()):
        return 0
    return notifications.survey_invited_notify(survey)


def schedule_support_nightly():
    return book_daily(support_nightly, NIGHTLY_TIME)


def _schedule_after_migrate(sender, **kwargs):
    schedule_support_nightly()


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_support"
    )
