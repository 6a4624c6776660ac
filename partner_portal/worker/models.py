import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeatQuerySet(models.QuerySet):
    def beating(self, *, within: float):
        """Workers that have beaten in the last `within` seconds."""
        since = timezone.now() - datetime.timedelta(seconds=within)
        return self.filter(beat_at__gte=since)


class WorkerHeartbeat(models.Model):
    """A running task worker's last sign of life, rewritten every few seconds.

    A worker that stops cleanly removes its row; one that dies leaves a row that stops
    beating, which is how health tells that no worker is running.
    """

    worker_id = models.CharField(_("worker ID"), max_length=64, unique=True)
    hostname = models.CharField(_("host name"), max_length=255)
    pid = models.PositiveIntegerField(_("process ID"))
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last beat at"))

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.hostname}:{self.pid}"
