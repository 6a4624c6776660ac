"""Incentive statements, their lines and sources, and programs."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from partner_portal.incentives import rules
from partner_portal.incentives.models import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    PeriodKind,
    Program,
    ProgramKind,
    Statement,
    StatementLine,
)
from partner_portal.incentives.program_files import program_to_file
from partner_portal.incentives.statements.calculation import CENT

from .fields import (
    _iso,
)


def money_text(amount: Decimal) -> str:
    """An amount as the API writes money: a string with two decimals."""
    return str(amount.quantize(CENT))


def _money(**kwargs):
    """An amount as a string with two decimals, as the ledger holds it."""
    return serializers.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, read_only=True, **kwargs
    )


class StatementWarningSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text=_("ISO 4217 currency code."))
    lines = serializers.IntegerField(help_text=_("How many sales lines."))
    amount = _money(help_text=_("The sum of their amounts, in that currency."))


LINE_RULES = [
    *((rule, rule) for rule in rules.RULE_TYPES),
    (StatementLine.CAP, StatementLine.CAP),
    (StatementLine.CORRECTION, StatementLine.CORRECTION),
]


class StatementLineSerializer(serializers.ModelSerializer):
    rule = serializers.ChoiceField(
        source="rule_type",
        read_only=True,
        choices=LINE_RULES,
        help_text=_(
            "The program's rule type; `cap` brings the total down to the program's "
            "cap, `correction` is a correction agreed in a dispute."
        ),
    )
    rule_position = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Where the rule stands in the program, from 1; null for a cap."),
    )
    sku = serializers.SerializerMethodField(
        help_text=_("The SKU of a per-unit line; null for other lines.")
    )
    basis = serializers.DecimalField(
        read_only=True,
        max_digits=18,
        decimal_places=2,
        help_text=_(
            "What the line counted: revenue, units, certified users, the lines "
            "before the cap, or the agreed correction (see `basis_kind`)."
        ),
    )
    rate = serializers.DecimalField(
        read_only=True,
        max_digits=7,
        decimal_places=4,
        allow_null=True,
        help_text=_("The percent a revenue line earns; null for other lines."),
    )
    unit_amount = serializers.DecimalField(
        read_only=True,
        max_digits=18,
        decimal_places=4,
        allow_null=True,
        help_text=_("The amount per unit of a per-unit line; null for other lines."),
    )
    amount = _money(help_text=_("What the line earns, rounded half-up to the cent."))
    source_count = serializers.IntegerField(
        read_only=True,
        help_text=_("How many sales lines the line counted (see its `sources`)."),
    )

    class Meta:
        model = StatementLine
        fields = [
            "number",
            "rule",
            "rule_position",
            "sku",
            "basis_kind",
            "basis",
            "rate",
            "unit_amount",
            "amount",
            "source_count",
        ]
        read_only_fields = fields

    def get_sku(self, line) -> str | None:
        return line.sku or None


class StatementSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(
        source="partner.external_id",
        read_only=True,
        help_text=_("The partner's external id."),
    )
    program = serializers.CharField(
        source="program.code", read_only=True, help_text=_("The program's code.")
    )
    tier = serializers.CharField(
        source="tier.code",
        read_only=True,
        help_text=_("The partner's tier on the period's last day."),
    )
    sequence = serializers.IntegerField(
        read_only=True,
        help_text=_("0 for the statement, 1, 2 ... for its adjustments in turn."),
    )
    total = _money(help_text=_("The sum of the lines."))
    warnings = StatementWarningSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Sales of the period in other currencies than the program's, which "
            "were not counted."
        ),
    )
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "partner",
            "program",
            "period",
            "period_start",
            "period_end",
            "kind",
            "sequence",
            "currency",
            "tier",
            "status",
            "total",
            "warnings",
            "lines",
            "computed_at",
            "updated_at",
        ]
        read_only_fields = fields


class LineSourceSerializer(serializers.Serializer):
    """A sales line a statement line counted, as the ledger held it then; for an
    adjustment, a sales line that changed, by how much."""

    invoice_number = serializers.CharField()
    line_number = serializers.IntegerField()
    date = serializers.DateField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    amount = _money()


_DECIMAL_TEXT = _("A decimal number written as a string, read exactly.")


class VolumeBandSerializer(serializers.Serializer):
    rate = serializers.CharField(help_text=_("The band's percent."))

    def get_fields(self):
        # "from" is a Python keyword: the field is added by name.
        return {
            "from": serializers.CharField(
                help_text=_("The revenue from which the band's rate applies.")
            ),
            **super().get_fields(),
        }


def _rule_type(name):
    return serializers.ChoiceField(choices=[(name, name)])


def _skus():
    return serializers.ListField(
        child=serializers.CharField(),
        help_text=_("The SKUs the rule counts; empty: every SKU."),
    )


class PercentOfRevenueRuleSerializer(serializers.Serializer):
    type = _rule_type(rules.PERCENT_OF_REVENUE)
    rates = serializers.DictField(
        child=serializers.CharField(help_text=_DECIMAL_TEXT),
        help_text=_("Tier code → percent of revenue."),
    )
    skus = _skus()


class VolumeBandsRuleSerializer(serializers.Serializer):
    type = _rule_type(rules.VOLUME_BANDS)
    mode = serializers.ChoiceField(choices=[rules.MARGINAL, rules.RETROACTIVE])
    bands = VolumeBandSerializer(many=True)
    skus = _skus()


class PerUnitRuleSerializer(serializers.Serializer):
    type = _rule_type(rules.PER_UNIT)
    amounts = serializers.DictField(
        child=serializers.CharField(help_text=_DECIMAL_TEXT),
        help_text=_("SKU → amount per unit."),
    )


class CertificationBonusRuleSerializer(serializers.Serializer):
    type = _rule_type(rules.CERTIFICATION_BONUS)
    certification = serializers.CharField(help_text=_("The certification's code."))
    min_certified_users = serializers.IntegerField()
    amount = serializers.CharField(help_text=_DECIMAL_TEXT)


class ProgramSerializer(serializers.Serializer):
    """A program as its file holds it (`load_programs` reads it back unchanged),
    and when it last changed. The fields document `program_to_file()`, which
    builds the output."""

    code = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ProgramKind.choices)
    currency = serializers.CharField(help_text=_("ISO 4217 currency code."))
    start = serializers.DateField()
    end = serializers.DateField()
    period = serializers.ChoiceField(choices=PeriodKind.choices)
    eligible_tiers = serializers.ListField(
        child=serializers.CharField(), help_text=_("Tier codes.")
    )
    rules = PolymorphicProxySerializer(
        component_name="ProgramRule",
        serializers={
            rules.PERCENT_OF_REVENUE: PercentOfRevenueRuleSerializer,
            rules.VOLUME_BANDS: VolumeBandsRuleSerializer,
            rules.PER_UNIT: PerUnitRuleSerializer,
            rules.CERTIFICATION_BONUS: CertificationBonusRuleSerializer,
        },
        resource_type_field_name="type",
        many=True,
    )
    cap_per_period = serializers.CharField(
        allow_null=True,
        help_text=_("The most a partner earns in one period; null for no cap."),
    )
    updated_at = serializers.DateTimeField()

    def to_representation(self, program: Program):
        return {
            **program_to_file(program),
            "updated_at": _iso(program.updated_at, timezone.get_current_timezone()),
        }
