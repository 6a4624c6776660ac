from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """A change the index has not seen, written in the same transaction as the change.

    The worker drains entries to Elasticsearch and deletes them; while Elasticsearch is
    down they wait, so no change is lost.
    """

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.CharField(_("object ID"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("search index change")
        verbose_name_plural = _("search index changes")

    def __str__(self):
        return f"{self.kind}:{self.object_id}"
