from django_tasks import task

from .reminders import send_expiry_reminders


@task()
def send_expiry_reminders_task() -> int:
    """The daily reminder run, for the task worker."""
    return send_expiry_reminders()
