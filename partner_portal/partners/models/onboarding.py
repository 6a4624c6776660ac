"""The onboarding checklist staff configure and each partner's progress through it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .core import Partner
from .history import Agreement


class OnboardingStep(models.Model):
    class Kind(models.TextChoices):
        ACCEPT_AGREEMENT = "accept_agreement", _("Accept an agreement")
        COMPLETE_PROFILE = "complete_profile", _("Complete the company profile")
        COMPLETE_COURSE = "complete_course", _("Complete a course")
        REGISTER_DEAL = "register_deal", _("Register a first deal")
        MANUAL = "manual", _("Confirmed by staff")

    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For agreement steps: the version partners must accept."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("For course steps: the course code."),
    )
    required = models.BooleanField(_("required"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")

    def __str__(self):
        return self.title

    def clean(self):
        if self.kind == self.Kind.ACCEPT_AGREEMENT and self.agreement_id is None:
            raise ValidationError(
                {"agreement": _("Choose the agreement partners must accept.")}
            )

    @property
    def localised_title(self):
        if get_language() == "zh-hans" and self.title_zh:
            return self.title_zh
        return self.title


class OnboardingCompletion(models.Model):
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="onboarding_completions",
    )
    step = models.ForeignKey(
        OnboardingStep,
        verbose_name=_("step"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)
    completed_by = models.ForeignKey(
        "partners.User",
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("completed onboarding step")
        verbose_name_plural = _("completed onboarding steps")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "step"], name="onboarding_step_once"
            )
        ]

    def __str__(self):
        return f"{self.partner}: {self.step}"
