"""Incentive programs: what partners earn from the sales ledger, defined as data.

A program manager defines a program in the admin (its rules are StreamField blocks,
`incentives.blocks`) or loads it from a file (`manage.py load_programs`); both hold
the same fields, and `rules()` gives the calculation the same rule objects.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.fields import StreamField

from ..blocks import RuleStreamBlock
from ..currencies import currency_choices, validate_currency
from ..rules import rules_from_stream
from .ledger import AMOUNT_DIGITS, AMOUNT_PLACES


class ProgramKind(models.TextChoices):
    REBATE = "rebate", _("Rebate")
    SPIFF = "spiff", _("SPIFF")
    BONUS = "bonus", _("Bonus")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Program(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Names the program in files, commands and the API."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ProgramKind.choices)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=currency_choices,
        validators=[validate_currency],
        help_text=_(
            "Only sales in this currency count; others are listed as warnings."
        ),
    )
    start = models.DateField(_("starts on"))
    end = models.DateField(_("ends on"))
    period = models.CharField(
        _("statement period"), max_length=10, choices=PeriodKind.choices
    )
    eligible_tiers = models.ManyToManyField(
        "partners.Tier",
        verbose_name=_("eligible tiers"),
        related_name="+",
        help_text=_("Partners in these tiers on a period's last day take part."),
    )
    rules = StreamField(RuleStreamBlock(), verbose_name=_("rules"))
    cap_per_period = models.DecimalField(
        _("cap per period"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        null=True,
        blank=True,
        help_text=_("The most a partner earns in one period. Leave empty for no cap."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-start", "code"]
        verbose_name = _("incentive program")
        verbose_name_plural = _("incentive programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="incentives_program_ends_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": _("A program cannot end before it starts.")}, code="dates"
            )

    def rule_list(self):
        """The rules as the calculation reads them (`incentives.rules`)."""
        return rules_from_stream(self.rules)
