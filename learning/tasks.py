import datetime

from django.db.models.signals import post_migrate

from django_tasks import task

from partner_portal.scheduling import book_daily

from .reminders import send_expiry_reminders
from .services import award_expiries_record

# Expiry reminders go out every morning at this local time.
REMINDER_TIME = datetime.time(7, 0)
# Expiries are recorded (and announced) just after midnight, when they fall due.
EXPIRY_TIME = datetime.time(0, 5)


@task()
def send_expiry_reminders_task() -> int:
    """The daily reminder run, for the task worker; books tomorrow's run."""
    sent = send_expiry_reminders()
    book_daily(send_expiry_reminders_task, REMINDER_TIME)
    return sent


@task()
def record_award_expiries_task() -> int:
    """The daily expiry run, for the task worker; books tomorrow's run."""
    recorded = award_expiries_record()
    book_daily(record_award_expiries_task, EXPIRY_TIME)
    return recorded


def _schedule_after_migrate(sender, **kwargs):
    book_daily(send_expiry_reminders_task, REMINDER_TIME)
    book_daily(record_award_expiries_task, EXPIRY_TIME)


def connect(app_config):
    post_migrate.connect(
        _schedule_after_migrate, sender=app_config, dispatch_uid="schedule_reminders"
    )
