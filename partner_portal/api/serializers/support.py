"""Support tickets: read with their replies, opened and answered.

A partner caller never receives an internal note: the view leaves them out of the
replies it reads, and the `internal` flag itself is only in staff callers' answers.
"""

from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partner_portal.partners.models import Product
from partner_portal.support.models import Category, Priority, Ticket, TicketMessage

from .fields import JsonIntegerField, PatternField, StrictInputSerializer, TextField

_LARGEST_ID = 2**63 - 1


class JsonBooleanField(serializers.BooleanField):
    """true or false as JSON writes them; DRF's BooleanField also takes "yes", 1
    and "on", which the schema's `boolean` does not."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class TicketReplySerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField(
        help_text=_("The name of whoever wrote it.")
    )
    # Not read-only, so that the schema marks it optional: only staff callers get it.
    internal = serializers.BooleanField(
        required=False,
        help_text=_(
            "Staff callers only: true for an internal note, which partners never see."
        ),
    )

    class Meta:
        model = TicketMessage
        fields = ["author", "body", "created_at", "internal"]
        read_only_fields = ["body", "created_at"]

    def get_author(self, message) -> str:
        return message.author.get_full_name() or message.author.get_username()

    def to_representation(self, message):
        data = super().to_representation(message)
        if not self.context.get("staff"):
            data.pop("internal")
        return data


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as its partner and staff read it; `replies` holds what the caller
    may read of its thread, oldest first."""

    number = serializers.CharField(read_only=True, help_text=_("As people quote it."))
    partner = serializers.CharField(
        source="partner.external_id",
        read_only=True,
        help_text=_("The partner's external id."),
    )
    category = serializers.CharField(
        source="category.code", read_only=True, help_text=_("The category's code.")
    )
    product = serializers.IntegerField(
        source="product_id",
        read_only=True,
        allow_null=True,
        help_text=_("The id of the product it is about; null for none."),
    )
    breached = serializers.SerializerMethodField(
        help_text=_(
            "True when the ticket missed its first-response or resolution target."
        )
    )
    replies = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "partner",
            "category",
            "product",
            "priority",
            "subject",
            "description",
            "status",
            "first_response_due",
            "resolution_due",
            "breached",
            "replies",
        ]
        read_only_fields = fields

    def get_breached(self, ticket) -> bool:
        return ticket.sla_rank == 2

    @extend_schema_field(TicketReplySerializer(many=True))
    def get_replies(self, ticket):
        return TicketReplySerializer(
            ticket.readable_replies, many=True, context=self.context
        ).data


class TicketInputSerializer(StrictInputSerializer):
    """A ticket as a partner user opens it."""

    category = PatternField(
        r"^[-a-zA-Z0-9_]{1,30}$",
        _("Enter a category's code, such as technical."),
        help_text=_("The category's code, such as technical or orders."),
    )
    product = JsonIntegerField(
        min_value=1,
        max_value=_LARGEST_ID,
        required=False,
        allow_null=True,
        help_text=_("The id of the product it is about; may be left out."),
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    subject = TextField(max_length=200)
    description = TextField()

    def validate_category(self, code: str) -> Category:
        category = Category.objects.filter(code=code, active=True).first()
        if category is None:
            raise serializers.ValidationError(
                _("There is no ticket category with the code “%(code)s”.")
                % {"code": code}
            )
        return category

    def validate_product(self, pk: int | None) -> Product | None:
        if pk is None:
            return None
        product = Product.objects.filter(pk=pk).first()
        if product is None:
            raise serializers.ValidationError(
                _("There is no product with the id %(ids)s.") % {"ids": pk}
            )
        return product


class TicketReplyInputSerializer(StrictInputSerializer):
    body = TextField(help_text=_("The reply."))
    internal = JsonBooleanField(
        required=False,
        help_text=_(
            "Staff only: true writes an internal note, which partners never see."
        ),
    )
