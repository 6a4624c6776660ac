"""API tokens (hashed by django-rest-knox), webhook subscriptions and deliveries."""

import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knox.models import AbstractAuthToken, AuthTokenManager


class APIToken(AbstractAuthToken):
    """A hashed API token: only its digest and first characters are stored.

    Unlike knox's own model, an expired or revoked token stays in the table (staff see
    it in the admin) and is refused by `partner_portal.api.authentication`.
    """

    id = models.BigAutoField(primary_key=True)
    # knox makes the digest the primary key; here it is unique instead, so the admin
    # addresses tokens by a short id and never by anything derived from the key.
    digest = models.CharField(max_length=128, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, blank=True)
    read_only = models.BooleanField(
        _("read only"),
        default=False,
        help_text=_("A read-only token may only read; writes answer 403."),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    # knox's manager makes the key and stores its digest; `create()` returns both.
    objects = AuthTokenManager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name or self.token_key} ({self.user})"

    @property
    def is_expired(self):
        return self.expiry is not None and self.expiry <= timezone.now()

    @property
    def is_usable(self):
        return self.revoked_at is None and not self.is_expired


def _new_secret():
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """An outside system's address that receives signed event notifications."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"),
        default=list,
        help_text=_("The names of the events this address receives."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        default=_new_secret,
        help_text=_("Shared with the receiver, which checks each payload's signature."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription, with every attempt's end."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveIntegerField(_("response code"), null=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event} → {self.subscription}"
