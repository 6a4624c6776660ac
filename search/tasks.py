import datetime

from django.utils import timezone

from django_tasks import task

from .index import drain
from .models import OutboxEntry

# While changes wait (Elasticsearch down), try again this often.
RETRY_AFTER = datetime.timedelta(seconds=60)


@task()
def drain_search_outbox():
    """Apply waiting index changes; book a retry while some remain."""
    applied = drain()
    backend = drain_search_outbox.get_backend()
    if OutboxEntry.objects.exists() and backend.supports_defer:
        drain_search_outbox.using(run_after=timezone.now() + RETRY_AFTER).enqueue()
    return applied
