from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """A change the index has not seen, written in the same transaction as the change.

    The worker drains entries to Elasticsearch and deletes each once Elasticsearch
    has confirmed its item; while Elasticsearch is down or refuses an item, the entry
    waits with its attempts and last error, so no change is lost.
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


class VisibilitySweep(models.Model):
    """How far the worker's sweep has come: items whose publish or expiry time falls
    after `swept_until` have not been queued for it yet. One row."""

    swept_until = models.DateTimeField(_("swept until"))

    class Meta:
        verbose_name = _("search visibility sweep")
        verbose_name_plural = _("search visibility sweeps")

    def __str__(self):
        return str(self.swept_until)


class SearchSource(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")


class SearchQuery(models.Model):
    """One search, recorded so editors learn what partners look for and miss.

    The text is kept normalised (trimmed, lower-case, single spaces) so the report can
    group it; editors only ever see it aggregated, never next to a user.
    """

    text = models.CharField(_("query"), max_length=200)
    results = models.PositiveIntegerField(_("results"))
    source = models.CharField(_("source"), max_length=10, choices=SearchSource.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    searched_at = models.DateTimeField(_("searched at"), default=timezone.now)

    class Meta:
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")
        indexes = [models.Index(fields=["searched_at", "text"])]

    def __str__(self):
        return self.text


class SearchClick(models.Model):
    """A result someone opened from the results page, under the query's text."""

    text = models.CharField(_("query"), max_length=200)
    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.CharField(_("object ID"), max_length=64)
    url = models.CharField(_("URL"), max_length=500)
    clicked_at = models.DateTimeField(_("clicked at"), default=timezone.now)

    class Meta:
        verbose_name = _("search result click")
        verbose_name_plural = _("search result clicks")
        indexes = [models.Index(fields=["clicked_at", "text"])]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"
