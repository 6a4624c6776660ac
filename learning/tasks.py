import datetime

from django.db.models.signals import post_migrate

from django_tasks import task

from partner_portal.partners.scheduling import book_daily

from .reminders import send_expiry_reminders

# Expiry reminders go out every morning at this local time.
REMINDER_TIME = datetime.time(7, 0)


@task()
def send_expiry_reminders_task() -> int:
    """The daily reminder run, for the task worker; books tomorrow's run."""
    sent = send_expiry_reminders()
    book_daily(send_expiry_reminders_task, REMINDER_TIME)
    return sent


def _schedule_after_migrate(sender, **kwargs):
    book_daily(send_expiry_reminders_task, REMINDER_TIME)


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_reminders"
    )
