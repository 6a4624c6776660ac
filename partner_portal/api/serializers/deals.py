"""Deal registrations (read, drafts written, decisions) and MDF requests and claims
(read-only)."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from rest_framework import serializers

from partner_portal.deals.models import Deal, FundClaim, FundRequest
from partner_portal.deals.services.deals import Decision
from partner_portal.incentives.models import AMOUNT_DIGITS, AMOUNT_PLACES
from partner_portal.partners.models import Product, Region

from .fields import (
    CurrencyCodeField,
    IsoDateTextField,
    JsonIntegerField,
    PatternField,
    StrictInputSerializer,
    TextField,
)

# Product ids are BigAutoField keys.
_LARGEST_ID = 2**63 - 1
_PARTNER_ID = _("The partner's external id.")


def _money(**kwargs):
    """An amount as the API writes money: a string with two decimals."""
    return serializers.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, read_only=True, **kwargs
    )


class DealSerializer(serializers.ModelSerializer):
    """A registration as its partner and staff read it. `conflict` says only that
    another registration for the same customer was pending or approved: never
    whose, its value or its status."""

    partner = serializers.CharField(
        source="partner.external_id", read_only=True, help_text=_PARTNER_ID
    )
    products = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text=_("The ids of the products the deal is for."),
    )
    estimated_value = _money(help_text=_("In the deal's currency."))
    conflict = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "True when another registration for the same customer and a product "
            "in common was pending or approved; staff decide between them."
        ),
    )
    protected_until = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "The last day of the protection window of an approved registration; "
            "null before approval."
        ),
    )
    # The code, as before regions were a table, read from the column: no query.
    region = serializers.CharField(
        source="region_id", read_only=True, help_text=_("The region's code.")
    )

    class Meta:
        model = Deal
        fields = [
            "id",
            "partner",
            "customer_name",
            "customer_domain",
            "country",
            "region",
            "products",
            "estimated_value",
            "currency",
            "expected_close_date",
            "notes",
            "status",
            "conflict",
            "protected_until",
        ]
        read_only_fields = fields


class DealSubmittedSerializer(DealSerializer):
    """The answer to a submission: the registration, and what it means for the
    registrant in the caller's language."""

    message = serializers.SerializerMethodField(
        help_text=_(
            "What happens next, in the caller's language; for a conflict, that a "
            "registration for this customer already exists and staff will decide."
        )
    )

    class Meta(DealSerializer.Meta):
        fields = [*DealSerializer.Meta.fields, "message"]
        read_only_fields = fields

    def get_message(self, deal) -> str:
        return str(self.context["message"])


class DealInputSerializer(StrictInputSerializer):
    """A draft registration as a partner user writes it; PATCH sends any of these.

    The values are checked in the form the schema gives them, then by the deal
    service, which saves drafts only.
    """

    customer_name = TextField(max_length=200)
    customer_domain = TextField(
        max_length=253,
        required=False,
        allow_blank=True,
        help_text=_("The customer's web domain, such as example.com; may be blank."),
    )
    country = PatternField(
        r"^[A-Z]{2}$",
        _("Enter a two-letter ISO 3166 country code, such as CN or DE."),
        help_text=_("The customer's country: two capitals, such as CN or DE."),
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all()
    )
    products = serializers.ListField(
        child=JsonIntegerField(min_value=1, max_value=_LARGEST_ID),
        # Both: the first says so in words, the second in the schema (minItems).
        allow_empty=False,
        min_length=1,
        max_length=100,
        help_text=_("The ids of the products the deal is for; at least one."),
    )
    estimated_value = PatternField(
        r"^[0-9]{1,12}(?:\.[0-9]{1,2})?$",
        _("Enter the estimated value as a number, such as 25000.00."),
        help_text=_("In the deal's currency, such as 25000.00."),
    )
    currency = CurrencyCodeField()
    expected_close_date = IsoDateTextField()
    notes = TextField(required=False, allow_blank=True)

    def validate_products(self, ids: list[int]) -> list[Product]:
        wanted = set(ids)
        products = list(Product.objects.filter(pk__in=wanted))
        missing = sorted(wanted - {product.pk for product in products})
        if missing:
            raise serializers.ValidationError(
                _("There is no product with the id %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            )
        return products

    def validate_estimated_value(self, value: str) -> Decimal:
        return Decimal(value)

    def validate_expected_close_date(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)


class DealDecisionInputSerializer(StrictInputSerializer):
    """Approve a registration, or approve it and the registrations it conflicts
    with as co-sell."""

    decision = serializers.ChoiceField(choices=[Decision.APPROVE, Decision.CO_SELL])
    reason = TextField(
        required=False,
        allow_blank=True,
        help_text=_("Shown to the partner with the decision."),
    )
    note = TextField(
        required=False,
        allow_blank=True,
        help_text=_("For staff only; never shown to the partner."),
    )


class DealRejectionInputSerializer(DealDecisionInputSerializer):
    """Reject a registration, saying why."""

    decision = serializers.ChoiceField(choices=[Decision.REJECT])
    reason = TextField(help_text=_("Why it is rejected; the partner reads it."))


class FundRequestSerializer(serializers.ModelSerializer):
    partner = serializers.CharField(
        source="partner.external_id", read_only=True, help_text=_PARTNER_ID
    )
    period = serializers.CharField(
        source="allocation.period",
        read_only=True,
        help_text=_("The period of the allocation it draws on: 2026-Q3 or 2026."),
    )
    currency = serializers.CharField(
        source="allocation.currency",
        read_only=True,
        help_text=_("The allocation's ISO 4217 currency code, of every amount."),
    )
    planned_cost = _money()
    approved_amount = _money(
        allow_null=True, help_text=_("Null until the request is approved.")
    )

    class Meta:
        model = FundRequest
        fields = [
            "id",
            "partner",
            "period",
            "currency",
            "activity_type",
            "title",
            "start_date",
            "end_date",
            "planned_cost",
            "status",
            "approved_amount",
        ]
        read_only_fields = fields


class FundClaimSerializer(serializers.ModelSerializer):
    request = serializers.IntegerField(
        source="request_id",
        read_only=True,
        help_text=_("The id of the MDF request it claims against."),
    )
    partner = serializers.CharField(
        source="partner.external_id", read_only=True, help_text=_PARTNER_ID
    )
    currency = serializers.CharField(
        source="request.allocation.currency",
        read_only=True,
        help_text=_("The allocation's ISO 4217 currency code, of every amount."),
    )
    actual_cost = _money()
    approved_amount = _money(
        allow_null=True,
        help_text=_(
            "Null until the claim is approved; never above the request's approved "
            "amount."
        ),
    )
    paid_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("Null until it is paid.")
    )

    class Meta:
        model = FundClaim
        fields = [
            "id",
            "request",
            "partner",
            "currency",
            "actual_cost",
            "status",
            "approved_amount",
            "paid_at",
        ]
        read_only_fields = fields
