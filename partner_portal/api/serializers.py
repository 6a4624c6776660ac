"""Input and output shapes; writable fields are declared explicitly per input."""

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from learning.models import CertificationAward
from learning.models.certifications import AwardStatus
from partner_portal.incentives import rules
from partner_portal.incentives.currencies import currency_names
from partner_portal.incentives.models import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    CODE_LENGTH,
    PeriodKind,
    Program,
    ProgramKind,
    SalesRecord,
    Statement,
    StatementLine,
)
from partner_portal.incentives.program_files import program_to_file
from partner_portal.incentives.statements.calculation import CENT
from partner_portal.partners.models import Partner, Tier, TierChange
from partner_portal.request_limits import validate_upload_size
from partner_portal.tabular.encodings import encoding_label

# Text the API takes holds something besides spaces unless it may be blank. Control
# characters never reach a field (the parser and the middleware remove them, see
# partner_portal.control_characters), so they count as nothing here either. The
# patterns are the schema's too (drf-spectacular reads RegexValidator), written so
# that Python, ECMAScript and Rust read them alike.
VISIBLE_TEXT_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f]"
# A partner's website: http or https and a host name; fewer than Django's URLField
# takes (no IP addresses, ports or user names), so every address this admits Django
# admits too.
WEBSITE_PATTERN = (
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"[A-Za-z]{2,63}(?:[/?#][!-~]*)?$"
)
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class TextField(serializers.CharField):
    """Text as the schema declares it: a JSON string of at most `max_length`
    characters as sent (before surrounding spaces are trimmed) that, unless blank
    is allowed, holds something besides spaces.

    DRF's CharField also takes numbers, and measures after trimming, so a client
    could send what the schema forbids and have it accepted.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        validator = self.pattern_validator()
        if validator is not None:
            self.validators.append(validator)

    def pattern_validator(self):
        if self.allow_blank:
            return None
        return RegexValidator(VISIBLE_TEXT_PATTERN, _("Enter some text."))

    def run_validation(self, data=serializers.empty):
        if data is not serializers.empty and data is not None:
            if not isinstance(data, str):
                self.fail("invalid")
            if self.max_length is not None and len(data) > self.max_length:
                self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class PatternField(TextField):
    """Text of one exact form, checked as sent, never trimmed."""

    def __init__(self, pattern, message, **kwargs):
        self.pattern = pattern
        self.message = message
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def pattern_validator(self):
        return RegexValidator(self.pattern, self.message)


class WholeNumberField(serializers.IntegerField):
    """An integer; as text (a query parameter), only its digits and a sign.

    DRF's IntegerField also reads " 5", "+5", "5.0" and other scripts' digits.
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and not _WHOLE_NUMBER.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


_REAL_DATE = _("Enter a real date as YYYY-MM-DD, such as 2025-01-31.")


@extend_schema_field({"type": "string", "format": "date"})
class IsoDateTextField(PatternField):
    """A calendar date as YYYY-MM-DD, kept as the text sent."""

    def __init__(self, **kwargs):
        super().__init__(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", _REAL_DATE, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise serializers.ValidationError(_REAL_DATE) from None
        return value


@extend_schema_field({"type": "string", "enum": list(currency_names())})
class CurrencyCodeField(PatternField):
    """An ISO 4217 code in capitals; the sales import says whether it is in use."""

    def __init__(self, **kwargs):
        super().__init__(
            r"^[A-Z]{3}$",
            _("Enter a three-letter ISO 4217 currency code in capitals, such as EUR."),
            **kwargs,
        )


class ApiErrorSerializer(serializers.Serializer):
    """Every error answer (`conventions.exception_handler`); not named "Error",
    which generated clients (Java, TypeScript) would have to rename."""

    code = serializers.CharField(
        help_text=_("What went wrong, for programs: invalid, not_found, throttled...")
    )
    message = serializers.CharField(
        help_text=_("What went wrong, for people, in the caller's language.")
    )
    errors = serializers.JSONField(
        required=False,
        help_text=_(
            "With invalid data: the messages for each field, under its name; for "
            "a list sent, those of each item under its position, from 0."
        ),
    )


class StrictInputSerializer(serializers.Serializer):
    """Refuses any key it does not declare, instead of silently ignoring it.

    A client that sends `tier`, `stage` or `partner` where it may not set them learns
    so (400), rather than believing the change was made (mass assignment).
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [_("This field cannot be set through the API.")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


def _iso(value, zone):
    """What DRF's DateTimeField renders: local time, ISO 8601, UTC as "Z"."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class TierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tier
        fields = ["code", "name", "rank"]
        read_only_fields = fields


class AccountManagerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)
    email = serializers.EmailField(read_only=True, allow_blank=True)


class PartnerSerializer(serializers.ModelSerializer):
    tier = TierSerializer(read_only=True)
    account_manager = AccountManagerSerializer(read_only=True, allow_null=True)
    # Blank while unknown: as a read-only model field, DRF would drop allow_blank
    # and the schema promise a URL.
    website = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = Partner
        fields = [
            "id",
            "external_id",
            "name",
            "legal_name",
            "tier",
            "stage",
            "region",
            "country",
            "partner_type",
            "account_manager",
            "joined_on",
            "website",
            "phone",
            "address",
            "email_domain",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, partner):
        """The same output as the declared fields give, built directly.

        DRF's generic path costs about 0.4 ms a row, most of a 100-row page; this
        one is checked against it in tests/partner_portal/api/test_partners.py.
        """
        zone = timezone.get_current_timezone()
        tier = partner.tier
        manager = partner.account_manager
        joined_on = partner.joined_on
        return {
            "id": partner.pk,
            "external_id": partner.external_id,
            "name": partner.name,
            "legal_name": partner.legal_name,
            "tier": {"code": tier.code, "name": tier.name, "rank": tier.rank},
            "stage": partner.stage,
            "region": partner.region,
            "country": partner.country,
            "partner_type": partner.partner_type,
            "account_manager": None
            if manager is None
            else {
                "id": manager.pk,
                "name": manager.get_full_name(),
                "email": manager.email,
            },
            "joined_on": None if joined_on is None else joined_on.isoformat(),
            "website": partner.website,
            "phone": partner.phone,
            "address": partner.address,
            "email_domain": partner.email_domain,
            "created_at": _iso(partner.created_at, zone),
            "updated_at": _iso(partner.updated_at, zone),
        }


# The columns a partner list reads with `.values()`: one query, no model instances.
PARTNER_VALUES = (
    "id",
    "external_id",
    "name",
    "legal_name",
    "tier__code",
    "tier__name",
    "tier__rank",
    "stage",
    "region",
    "country",
    "partner_type",
    "account_manager_id",
    "account_manager__first_name",
    "account_manager__last_name",
    "account_manager__email",
    "joined_on",
    "website",
    "phone",
    "address",
    "email_domain",
    "created_at",
    "updated_at",
)


def partner_rows(rows):
    """PartnerSerializer's output from `.values(*PARTNER_VALUES)` rows (lists)."""
    zone = timezone.get_current_timezone()
    out = []
    for row in rows:
        manager_id = row["account_manager_id"]
        joined_on = row["joined_on"]
        out.append(
            {
                "id": row["id"],
                "external_id": row["external_id"],
                "name": row["name"],
                "legal_name": row["legal_name"],
                "tier": {
                    "code": row["tier__code"],
                    "name": row["tier__name"],
                    "rank": row["tier__rank"],
                },
                "stage": row["stage"],
                "region": row["region"],
                "country": row["country"],
                "partner_type": row["partner_type"],
                "account_manager": None
                if manager_id is None
                else {
                    "id": manager_id,
                    # As User.get_full_name() builds it.
                    "name": (
                        f"{row['account_manager__first_name']} "
                        f"{row['account_manager__last_name']}"
                    ).strip(),
                    "email": row["account_manager__email"],
                },
                "joined_on": None if joined_on is None else joined_on.isoformat(),
                "website": row["website"],
                "phone": row["phone"],
                "address": row["address"],
                "email_domain": row["email_domain"],
                "created_at": _iso(row["created_at"], zone),
                "updated_at": _iso(row["updated_at"], zone),
            }
        )
    return out


class PartnerProfileInputSerializer(StrictInputSerializer):
    """What staff may change through the API: the profile, never tier or stage.

    Tier and stage changes need a reason and go through the admin's services.
    """

    name = TextField(max_length=200, required=False)
    legal_name = TextField(max_length=200, required=False, allow_blank=True)
    website = PatternField(
        WEBSITE_PATTERN,
        _(
            "Enter the website as an http or https address, such as https://example.com."
        ),
        max_length=200,
        required=False,
        allow_blank=True,
    )
    phone = TextField(max_length=40, required=False, allow_blank=True)
    address = TextField(required=False, allow_blank=True)
    email_domain = TextField(max_length=253, required=False, allow_blank=True)


class TierChangeSerializer(serializers.ModelSerializer):
    tier = TierSerializer(read_only=True)

    class Meta:
        model = TierChange
        fields = ["id", "tier", "effective_from", "recorded_at", "reason"]
        read_only_fields = fields


class SalesRecordSerializer(serializers.ModelSerializer):
    partner_external_id = serializers.CharField(
        source="partner.external_id", read_only=True
    )

    class Meta:
        model = SalesRecord
        fields = [
            "id",
            "invoice_number",
            "line_number",
            "partner",
            "partner_external_id",
            "date",
            "sku",
            "quantity",
            "amount",
            "currency",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AwardHolderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)
    email = serializers.EmailField(read_only=True, allow_blank=True)


class AwardPartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    external_id = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class AwardCertificationSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CertificationAwardSerializer(serializers.ModelSerializer):
    """An award; `status` is the one `CertificationAward.with_status_on()` gives."""

    holder = AwardHolderSerializer(source="user", read_only=True)
    partner = AwardPartnerSerializer(read_only=True)
    certification = AwardCertificationSerializer(read_only=True)
    status = serializers.ChoiceField(choices=AwardStatus.choices, read_only=True)

    class Meta:
        model = CertificationAward
        fields = [
            "id",
            "credential_id",
            "certification",
            "holder",
            "partner",
            "issued_at",
            "expires_at",
            "status",
            "revoked_on",
            "source",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SalesRecordRowSerializer(StrictInputSerializer):
    """One line to load, each value in the form the schema gives.

    The values go on as text, as a CSV file's cells do, to the sales import
    service, which checks what a form cannot say (the partner exists and is the
    caller's to load for, the currency is in use, no invoice line comes twice)
    with the same checks and messages as for a file.
    """

    invoice_number = TextField(max_length=CODE_LENGTH)
    line_number = PatternField(
        r"^[1-9][0-9]{0,8}$",
        _("Enter the line number as a whole number from 1 up, such as 1."),
    )
    partner_external_id = TextField(
        max_length=64, help_text=_("The partner's external id.")
    )
    date = IsoDateTextField()
    sku = TextField(max_length=CODE_LENGTH)
    quantity = PatternField(
        r"^-?[0-9]{1,9}$",
        _("Enter the quantity as a whole number; returns are negative, such as -2."),
    )
    amount = PatternField(
        r"^-?[0-9]{1,12}(?:\.[0-9]{1,2})?$", _("Enter the amount, such as 1234.50.")
    )
    currency = CurrencyCodeField()


class SalesImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A CSV or XLSX file of sales lines."))

    def validate_file(self, upload):
        validate_upload_size(upload, settings.SALES_IMPORT_MAX_BYTES)
        return upload


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class SalesImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    encoding = serializers.SerializerMethodField(
        help_text=_("The encoding a CSV file was read in; null for other loads.")
    )
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    source = serializers.IntegerField(source="source.pk", allow_null=True)

    def get_encoding(self, result) -> str | None:
        return encoding_label(result.encoding) if result.encoding else None


class SalesImportErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    error_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)


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
