"""Partners, tiers, sales lines, certification awards and the sales import."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from learning.models import CertificationAward
from learning.models.certifications import AwardStatus
from partner_portal.incentives.models import (
    CODE_LENGTH,
    SalesRecord,
)
from partner_portal.partners.models import Partner, Tier, TierChange
from partner_portal.partners.wording import person_name
from partner_portal.request_limits import validate_upload_size
from partner_portal.tabular.encodings import encoding_label

from .fields import (
    WEBSITE_PATTERN,
    CurrencyCodeField,
    IsoDateTextField,
    PatternField,
    StrictInputSerializer,
    TextField,
    _iso,
)


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
            "region": partner.region_id,
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
                    "name": person_name(
                        row["account_manager__first_name"],
                        row["account_manager__last_name"],
                    ),
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
    """The certification as stored: `name` in English whatever the caller's
    language, `name_zh` its Chinese name (empty when it has none)."""

    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    name_zh = serializers.CharField(read_only=True)


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
