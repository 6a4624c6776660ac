"""The partner health score: the factors a program manager edits, and each
partner's score per day with what every factor contributed to it.

A factor's raw measure is normalised to 0 to 1 by a straight line between two bounds:

    normalised = clamp((raw - zero_at) / (full_at - zero_at), 0, 1)

so `zero_at` is the raw value that earns nothing and `full_at` the one that earns
the factor's full weight (`full_at` below `zero_at` when less is better, as for
support trouble). A score is the sum of the enabled factors' points; a factor's
points are `100 * weight / total weight * normalised`, rounded to 0.1, so the
points add up to the score exactly. `partner_portal/analytics/health/measures.py`
computes the raw measures; README "Partner health" defines each one.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ONE = Decimal("1")
ZERO = Decimal("0")


class FactorCode(models.TextChoices):
    REVENUE_TREND = "revenue_trend", _("Revenue trend")
    ENGAGEMENT = "engagement", _("Engagement")
    CERTIFICATION = "certification", _("Certification coverage")
    DEAL_ACTIVITY = "deal_activity", _("Deal activity")
    SUPPORT = "support", _("Support experience")


# How each factor's raw measure is taken: shown as the factor's help in the admin.
MEASURES = {
    FactorCode.REVENUE_TREND: _(
        "Per cent change of the partner's revenue in the last three full calendar "
        "months against the three months before, in the currency with the most "
        "sales lines over those six months (returns deducted). No sales in the "
        "earlier three months: full marks if it sold since, nothing if not."
    ),
    FactorCode.ENGAGEMENT: _(
        "Activities in the last 90 days: one for each partner user who signed in, "
        "one for each download by the partner, one for each lesson its users "
        "completed."
    ),
    FactorCode.CERTIFICATION: _(
        "Per cent of the partner's users holding an active certification today. "
        "A partner without users earns nothing."
    ),
    FactorCode.DEAL_ACTIVITY: _(
        "Deal registrations the partner submitted in the last 90 days."
    ),
    FactorCode.SUPPORT: _(
        "Per cent of the partner's tickets opened in the last 90 days that missed "
        "an SLA target or were rated 1 or 2 out of 5. No ticket: full marks."
    ),
}


class HealthFactor(models.Model):
    """One factor of the health score; the five are seeded and cannot be added or
    removed (each has its own measure), only weighted, bounded or switched off."""

    code = models.CharField(
        _("code"), max_length=20, choices=FactorCode.choices, unique=True
    )
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
        help_text=_(
            "The factor's share of the score is its weight over the enabled "
            "factors' total weight."
        ),
    )
    zero_at = models.DecimalField(
        _("raw value scoring nothing"),
        max_digits=12,
        decimal_places=2,
        help_text=_("At or beyond this raw value the factor earns no points."),
    )
    full_at = models.DecimalField(
        _("raw value scoring full marks"),
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "At or beyond this raw value the factor earns its full weight; between "
            "the two bounds its points grow in a straight line."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("health factor")
        verbose_name_plural = _("health factors")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if get_language() == "zh-hans" and self.name_zh:
            return self.name_zh
        return self.name

    @property
    def measure(self) -> str:
        return str(MEASURES[FactorCode(self.code)])

    def clean(self):
        if self.zero_at is not None and self.zero_at == self.full_at:
            raise ValidationError(
                {"full_at": _("The two bounds must differ.")}, code="same_bounds"
            )

    def normalise(self, raw: Decimal) -> Decimal:
        """The raw value on the 0 to 1 scale between the factor's bounds."""
        share = (raw - self.zero_at) / (self.full_at - self.zero_at)
        return min(max(share, ZERO), ONE).quantize(Decimal("0.0001"))


class HealthScore(models.Model):
    """A partner's health on one day, from 0 to 100; its factors say why."""

    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="health_scores",
    )
    day = models.DateField(_("day"))
    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["partner", "-day"]
        verbose_name = _("health score")
        verbose_name_plural = _("health scores")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "day"], name="analytics_one_score_per_day"
            )
        ]

    def __str__(self):
        return f"{self.partner} · {self.day} · {self.score}"


class HealthScoreFactor(models.Model):
    """What one factor gave a score: its raw value (None: nothing to measure),
    normalised value, weight, points and the most points it could give; `detail`
    holds the numbers its sentence is worded from (`health/wording.py`)."""

    score = models.ForeignKey(
        HealthScore,
        verbose_name=_("score"),
        on_delete=models.CASCADE,
        related_name="factors",
    )
    factor = models.ForeignKey(
        HealthFactor,
        verbose_name=_("factor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raw = models.DecimalField(
        _("raw value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    normalised = models.DecimalField(
        _("normalised value"), max_digits=5, decimal_places=4
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1)
    max_points = models.DecimalField(_("most points"), max_digits=4, decimal_places=1)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["score", "factor__sort_order"]
        verbose_name = _("health score factor")
        verbose_name_plural = _("health score factors")
        constraints = [
            models.UniqueConstraint(
                fields=["score", "factor"], name="analytics_factor_once_per_score"
            )
        ]

    def __str__(self):
        return f"{self.score} · {self.factor.code} · {self.points}"

    @property
    def points_lost(self) -> Decimal:
        return self.max_points - self.points
