"""Recruitment: public applications, the scoring rules that rank them, their review."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..wording import person_name
from .core import (
    InCountry,
    Partner,
    PartnerType,
    TranslatedName,
    company_name_key,
    country_code_validator,
    normalise_domain,
)
from .region_field import RegionField


class RevenueBand(models.TextChoices):
    UNDER_1M = "under_1m", _("Under 1 million USD")
    FROM_1M_TO_10M = "1m_10m", _("1 to 10 million USD")
    FROM_10M_TO_100M = "10m_100m", _("10 to 100 million USD")
    OVER_100M = "over_100m", _("Over 100 million USD")


class Specialisation(TranslatedName):
    """An area of expertise an applicant can claim (security, cloud, networking...)."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("specialisation")
        verbose_name_plural = _("specialisations")


class Product(TranslatedName):
    """A product line of the vendor that applicants and partners are interested in."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Application.Status.SUBMITTED)


class Application(InCountry):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    company_name = models.CharField(_("company name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    email_domain = models.CharField(_("email domain"), max_length=253)
    name_key = models.CharField(
        max_length=200, editable=False, db_index=True, default=""
    )
    legal_name_key = models.CharField(
        max_length=200, editable=False, db_index=True, default=""
    )
    country = models.CharField(
        _("country"), max_length=2, validators=[country_code_validator]
    )
    region = RegionField()
    partner_type = models.CharField(
        _("partner type"), max_length=20, choices=PartnerType.choices
    )
    revenue_band = models.CharField(
        _("annual revenue"), max_length=20, choices=RevenueBand.choices
    )
    employee_count = models.PositiveIntegerField(
        _("number of employees"), validators=[MinValueValidator(1)]
    )
    specialisations = models.ManyToManyField(
        Specialisation, verbose_name=_("specialisations"), blank=True
    )
    products = models.ManyToManyField(
        Product, verbose_name=_("products of interest"), blank=True
    )
    contact_first_name = models.CharField(_("first name"), max_length=150)
    contact_last_name = models.CharField(_("last name"), max_length=150)
    contact_email = models.EmailField(_("work email"))
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    terms = models.ForeignKey(
        "partners.Agreement",
        verbose_name=_("program terms accepted"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    # A keyed hash of the submitting address: enough to rate-limit, not to identify.
    client_key = models.CharField(max_length=64, editable=False, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    score = models.IntegerField(_("score"), default=0)
    # [{"criterion": label, "value": label, "points": int}]
    score_breakdown = models.JSONField(_("score breakdown"), default=list, blank=True)
    # Plain sentences for the reviewer: which partner or application this may duplicate.
    duplicate_flags = models.JSONField(
        _("possible duplicates"), default=list, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "partners.User",
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    partner = models.OneToOneField(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return self.company_name

    def save(self, *args, **kwargs):
        self.email_domain = normalise_domain(self.email_domain)
        self.name_key = company_name_key(self.company_name)
        self.legal_name_key = company_name_key(self.legal_name)
        super().save(*args, **kwargs)

    @property
    def contact_name(self) -> str:
        """The contact's full name in its culture's order, as a user's is."""
        return person_name(self.contact_first_name, self.contact_last_name)

    @property
    def is_flagged(self):
        return bool(self.duplicate_flags)


class ScoringRule(models.Model):
    """Points an application earns when one of its answers matches a value."""

    class Criterion(models.TextChoices):
        REVENUE_BAND = "revenue_band", _("Annual revenue")
        REGION = "region", _("Region")
        PARTNER_TYPE = "partner_type", _("Partner type")
        SPECIALISATION = "specialisation", _("Specialisation")
        PRODUCT = "product", _("Product of interest")
        MIN_EMPLOYEES = "min_employees", _("At least this many employees")

    criterion = models.CharField(_("criterion"), max_length=20, choices=Criterion)
    value = models.CharField(
        _("value"),
        max_length=100,
        help_text=_(
            "The answer that earns the points: a revenue band, region or partner type "
            "code, a specialisation or product name, or a number of employees."
        ),
    )
    points = models.IntegerField(_("points"))

    class Meta:
        ordering = ["criterion", "value"]
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "value"], name="scoring_rule_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_criterion_display()} = {self.value}: {self.points}"
