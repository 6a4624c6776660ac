"""What happened to partners over time: stages, tiers, agreements, evaluations."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.contrib.settings.models import BaseGenericSetting

from .core import Partner, Stage, Tier


class StageChange(models.Model):
    """One move of a partner through the lifecycle: who, when and why."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
    )
    from_stage = models.CharField(
        _("from stage"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        "partners.User",
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self):
        return f"{self.partner}: {self.from_stage or '-'} → {self.to_stage}"


class TierChange(models.Model):
    """Tier history: a partner holds `tier` from `effective_from` to the next change."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="tier_changes",
    )
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.PROTECT, related_name="+"
    )
    effective_from = models.DateField(_("effective from"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        "partners.User",
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        indexes = [models.Index(fields=["partner", "effective_from"])]

    def __str__(self):
        return f"{self.partner}: {self.tier} from {self.effective_from}"


class Agreement(models.Model):
    """A version of a program agreement partners accept (partner agreement, NDA...)."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="agreement_code_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"


class AgreementAcceptance(models.Model):
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="acceptances",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        related_name="acceptances",
    )
    accepted_by = models.ForeignKey(
        "partners.User",
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement acceptance")
        verbose_name_plural = _("agreement acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "agreement"], name="acceptance_once_per_partner"
            )
        ]

    def __str__(self):
        return f"{self.partner} accepted {self.agreement}"


class TierProgramSettings(BaseGenericSetting):
    """Program-wide tier rules that program managers edit in the admin."""

    revenue_currency = models.CharField(
        _("program currency"),
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Enter an ISO 4217 code."))],
        help_text=_("Tier revenue requirements are in this currency."),
    )
    demotion_grace_days = models.PositiveIntegerField(
        _("demotion grace period (days)"),
        default=90,
        help_text=_(
            "A partner that falls short of its tier is flagged at risk and keeps "
            "the tier this many days before it is demoted."
        ),
    )

    class Meta:
        verbose_name = _("tier program settings")


class TierEvaluation(models.Model):
    """One explainable tier evaluation: each requirement, required vs actual."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Kept")
        PROMOTED = "promoted", _("Promoted")
        GRACE = "grace", _("Short of tier, in grace period")
        DEMOTED = "demoted", _("Demoted")
        RECOVERED = "recovered", _("Back within tier requirements")

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="tier_evaluations",
    )
    as_of = models.DateField(_("as of"))
    tier_before = models.ForeignKey(
        Tier, verbose_name=_("tier before"), on_delete=models.PROTECT, related_name="+"
    )
    qualified_tier = models.ForeignKey(
        Tier,
        verbose_name=_("qualifies for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # [{"tier": code, "requirement": name, "required": str, "actual": str, "met": bool}]
    details = models.JSONField(_("details"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("tier evaluation")
        verbose_name_plural = _("tier evaluations")

    def __str__(self):
        return f"{self.partner} {self.as_of}: {self.get_outcome_display()}"
