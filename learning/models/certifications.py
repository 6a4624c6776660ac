"""Certifications and the awards users earn (or bring from a previous system)."""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.panels import FieldPanel

from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel

from partner_portal.partners.models import TranslatedName


def new_credential_id() -> str:
    """128 random bits, URL-safe: a credential id nobody can guess."""
    return secrets.token_urlsafe(16)


class Certification(TranslatedName, ClusterableModel):
    """A credential partners earn by completing its courses, named in English and
    in Chinese (`str()` is the name in the reader's language)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_courses = ParentalManyToManyField(
        "learning.CoursePage",
        verbose_name=_("required courses"),
        related_name="certifications",
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity in months"), default=24
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_zh"),
        FieldPanel("description"),
        FieldPanel("required_courses"),
        FieldPanel("validity_months"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")


class AwardStatus(models.TextChoices):
    # "Active" is 有效 for a certification, where the models' shared "Active"
    # reads 活跃 (a partner, a user).
    ACTIVE = "active", pgettext_lazy("certification award", "Active")
    EXPIRED = "expired", pgettext_lazy("certification award", "Expired")
    REVOKED = "revoked", pgettext_lazy("certification award", "Revoked")


class CertificationAwardQuerySet(models.QuerySet):
    @staticmethod
    def active_q(day: date) -> Q:
        """Awards active on `day`: issued_at ≤ day < expires_at, not revoked by then
        (a condition, for filtered counts over several days)."""
        return Q(issued_at__lte=day, expires_at__gt=day) & (
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=day)
        )

    def active_on(self, day: date):
        return self.filter(self.active_q(day))

    def expiring_between(self, start: date, end: date):
        return self.filter(
            revoked_on__isnull=True, expires_at__gt=start, expires_at__lte=end
        )

    def with_status_on(self, day: date):
        """Annotate `status` on `day`, as `CertificationAward.status_on()` says it."""
        return self.annotate(
            status=Case(
                When(revoked_on__lte=day, then=Value(AwardStatus.REVOKED)),
                When(expires_at__lte=day, then=Value(AwardStatus.EXPIRED)),
                default=Value(AwardStatus.ACTIVE),
                output_field=models.CharField(),
            )
        )

    def expired_unrecorded(self, day: date):
        """Awards whose expiry had come by `day`, not yet recorded as expired.

        An award revoked before it ran out never expired: it was revoked.
        """
        return self.filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=models.F("expires_at")),
            expires_at__lte=day,
            expiry_recorded_at__isnull=True,
        )


class AwardSource(models.TextChoices):
    EARNED = "earned", _("Earned in the portal")
    IMPORTED = "imported", _("Imported")


class CertificationAward(models.Model):
    credential_id = models.CharField(
        _("credential ID"),
        max_length=64,
        unique=True,
        default=new_credential_id,
        editable=False,
    )
    certification = models.ForeignKey(
        Certification,
        verbose_name=_("certification"),
        on_delete=models.PROTECT,
        related_name="awards",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.CASCADE,
        related_name="certification_awards",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="certification_awards",
    )
    issued_at = models.DateField(_("issued on"))
    expires_at = models.DateField(_("expires on"))
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=AwardSource.choices,
        default=AwardSource.EARNED,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Any change an outside system syncs: revocation, the recorded expiry.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_30_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_7_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set once by the daily run, so the expiry is announced exactly once.
    expiry_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CertificationAwardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certification award")
        verbose_name_plural = _("certification awards")
        indexes = [models.Index(fields=["partner", "issued_at", "expires_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("issued_at")),
                name="learning_award_expires_after_issue",
                violation_error_message=_(
                    "The expiry date must come after the issue date."
                ),
            )
        ]

    def __str__(self):
        return f"{self.certification}: {self.user}"

    def status_on(self, day: date) -> str:
        """The status on `day`; `with_status_on()` is the same rule in SQL."""
        if self.revoked_on is not None and self.revoked_on <= day:
            return AwardStatus.REVOKED
        if day >= self.expires_at:
            return AwardStatus.EXPIRED
        return AwardStatus.ACTIVE
