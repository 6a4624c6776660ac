"""The filters of the list endpoints, each taking exactly what the schema says.

django-filter's own fields are lenient where a contract cannot be: a date also
reads as "01/31/2026", a moment as a date alone or with a space, and both are
trimmed first. These take the forms OpenAPI's `date` and `date-time` formats
name (RFC 3339) and nothing else; a text filter with a form declares it as a
pattern and refuses anything else (400), rather than finding nothing.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

import django_filters
from drf_spectacular.utils import extend_schema_field

from learning.models import CertificationAward
from learning.models.certifications import AwardStatus
from partner_portal.deals.models import ActivityType, Deal, FundClaim, FundRequest
from partner_portal.incentives.models import (
    Program,
    ProgramKind,
    SalesRecord,
    Statement,
)
from partner_portal.partners.models import Partner, PartnerType, Region, Stage
from partner_portal.support.models import Priority, Ticket

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_RFC3339_MOMENT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
    r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


class IsoDateField(forms.DateField):
    """YYYY-MM-DD, a real day, as sent."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            if _ISO_DATE.fullmatch(value):
                return datetime.date.fromisoformat(value)
        except ValueError:
            pass
        raise DjangoValidationError(self.error_messages["invalid"], code="invalid")


class MomentField(forms.DateTimeField):
    """An RFC 3339 date-time: a day, a time and an offset (or Z), as sent."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            if _RFC3339_MOMENT.fullmatch(value):
                return datetime.datetime.fromisoformat(value.upper())
        except ValueError:
            pass
        raise DjangoValidationError(self.error_messages["invalid"], code="invalid")


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An RFC 3339 moment, converted to UTC before it reaches the database.

    PostgreSQL refuses offsets beyond ±15:59, which RFC 3339 allows ("+16:52").
    A moment whose UTC time falls outside the years 1 to 9999 ("9999-12-31T23:00
    -05:00") comes before or after every row.
    """

    field_class = MomentField

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                after_every_row = value.year == datetime.MAXYEAR
                wants_later_rows = self.lookup_expr in {"gt", "gte"}
                return qs.none() if after_every_row == wants_later_rows else qs
        return super().filter(qs, value)


class PatternFilter(django_filters.CharFilter):
    """Text of one form, taken as sent; the schema declares the pattern."""

    def __init__(self, *, pattern, message, **kwargs):
        kwargs.setdefault("strip", False)
        kwargs["validators"] = [RegexValidator(pattern, message)]
        super().__init__(**kwargs)
        extend_schema_field(
            {"type": "string", "pattern": pattern, "description": kwargs["label"]}
        )(self)


class TrueFalseFilter(django_filters.ChoiceFilter):
    """`true` or `false`, as the schema's enum says; anything else is refused (400).

    django-filter's BooleanFilter reads an unknown word as "not sent", so a typo
    would list every row.
    """

    def __init__(self, **kwargs):
        super().__init__(choices=[("true", "true"), ("false", "false")], **kwargs)
        extend_schema_field({"type": "boolean", "description": kwargs["label"]})(self)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(**{self.field_name: value == "true"})


_COUNTRY_PATTERN = r"^[A-Z]{2}$"
_COUNTRY_MESSAGE = _("Enter a two-letter ISO 3166 country code, such as CN or DE.")
_CURRENCY_PATTERN = r"^[A-Z]{3}$"
_CURRENCY_MESSAGE = _(
    "Enter a three-letter ISO 4217 currency code in capitals, such as EUR."
)


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """`updated_since` for incremental sync: rows changed at or after a moment."""

    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after this moment (ISO 8601)."),
    )


class RegionFilter(django_filters.CharFilter):
    """A region by code; a parent region also finds the records of its children.

    Regions are data staff maintain, so the schema names no fixed codes: a code that
    names no region finds nothing, as an unknown tier code does.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Region code; a region includes its children."))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(region__in=Region.objects.codes_within(value))


class PartnerFilterSet(UpdatedSinceFilterSet):
    tier = django_filters.CharFilter(field_name="tier__code", label=_("Tier code."))
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    region = RegionFilter()
    country = PatternFilter(
        pattern=_COUNTRY_PATTERN,
        message=_COUNTRY_MESSAGE,
        label=_("Two-letter country code."),
    )
    partner_type = django_filters.ChoiceFilter(choices=PartnerType.choices)
    search = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Part of the name.")
    )

    class Meta:
        model = Partner
        fields = ["tier", "stage", "region", "country", "partner_type"]


class SalesRecordFilterSet(UpdatedSinceFilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__external_id", label=_("The partner's external id.")
    )
    date_from = IsoDateFilter(
        field_name="date", lookup_expr="gte", label=_("Lines dated on or after.")
    )
    date_to = IsoDateFilter(
        field_name="date", lookup_expr="lte", label=_("Lines dated on or before.")
    )
    sku = django_filters.CharFilter()
    currency = PatternFilter(
        pattern=_CURRENCY_PATTERN,
        message=_CURRENCY_MESSAGE,
        label=_("ISO 4217 currency code."),
    )

    class Meta:
        model = SalesRecord
        fields = ["partner", "sku", "currency"]


class CertificationAwardFilterSet(UpdatedSinceFilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__external_id", label=_("The partner's external id.")
    )
    certification = django_filters.CharFilter(
        field_name="certification__code", label=_("The certification's code.")
    )
    status = django_filters.ChoiceFilter(
        choices=AwardStatus.choices, label=_("The award's status today.")
    )
    expires_before = IsoDateFilter(
        field_name="expires_at",
        lookup_expr="lt",
        label=_("Awards that expire before this day."),
    )

    class Meta:
        model = CertificationAward
        fields = ["partner", "certification", "status", "expires_before"]


# A statement period's label, of any period kind: 2026-07, 2026-Q3 or 2026.
# ASCII digits: Python's \d also reads other scripts' digits, the schema's does not.
PERIOD_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"
_PERIOD_DESCRIPTION = _(
    "The period's label: 2026-07 (a month), 2026-Q3 (a quarter) or 2026 (a year)."
)


@extend_schema_field(
    {"type": "string", "pattern": PERIOD_PATTERN, "description": _PERIOD_DESCRIPTION}
)
class PeriodFilter(django_filters.CharFilter):
    """A period label, refused (400) unless it is written like one."""

    def __init__(self, **kwargs):
        validator = RegexValidator(
            PERIOD_PATTERN,
            _(
                "Write the period as 2026-07 (a month), 2026-Q3 (a quarter) or 2026 "
                "(a year)."
            ),
        )
        # As sent, untrimmed: " 2026" is not one.
        super().__init__(
            validators=[validator], label=_PERIOD_DESCRIPTION, strip=False, **kwargs
        )


class StatementFilterSet(UpdatedSinceFilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__external_id", label=_("The partner's external id.")
    )
    program = django_filters.CharFilter(
        field_name="program__code", label=_("The program's code.")
    )
    period = PeriodFilter()
    status = django_filters.ChoiceFilter(
        choices=Statement.Status.choices, label=_("Where the statement stands.")
    )
    kind = django_filters.ChoiceFilter(
        choices=Statement.Kind.choices,
        label=_("A statement, or an adjustment of an issued one."),
    )

    class Meta:
        model = Statement
        fields = ["partner", "program", "period", "status", "kind"]


class ProgramFilterSet(UpdatedSinceFilterSet):
    kind = django_filters.ChoiceFilter(choices=ProgramKind.choices)

    class Meta:
        model = Program
        fields = ["kind"]


class DealFilterSet(django_filters.FilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__external_id", label=_("The partner's external id.")
    )
    status = django_filters.ChoiceFilter(
        choices=Deal.Status.choices, label=_("Where the registration stands.")
    )
    conflict = TrueFalseFilter(
        label=_("Registrations flagged as a conflict (true) or not (false).")
    )
    country = PatternFilter(
        pattern=_COUNTRY_PATTERN,
        message=_COUNTRY_MESSAGE,
        label=_("The customer's two-letter country code."),
    )
    region = RegionFilter()

    class Meta:
        model = Deal
        fields = ["partner", "status", "conflict", "country", "region"]


# An MDF allocation's period: a quarter or a year.
ALLOCATION_PERIOD_PATTERN = r"^[0-9]{4}(-Q[1-4])?$"


class FundRequestFilterSet(django_filters.FilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__external_id", label=_("The partner's external id.")
    )
    period = PatternFilter(
        field_name="allocation__period",
        pattern=ALLOCATION_PERIOD_PATTERN,
        message=_("Write the period as 2026-Q3 (a quarter) or 2026 (a year)."),
        label=_("The allocation's period: 2026-Q3 (a quarter) or 2026 (a year)."),
    )
    currency = PatternFilter(
        field_name="allocation__currency",
        pattern=_CURRENCY_PATTERN,
        message=_CURRENCY_MESSAGE,
        label=_("ISO 4217 currency code."),
    )
    activity_type = django_filters.ChoiceFilter(choices=ActivityType.choices)
    status = django_filters.ChoiceFilter(
        choices=FundRequest.Status.choices, label=_("Where the request stands.")
    )

    class Meta:
        model = FundRequest
        fields = ["partner", "period", "currency", "activity_type", "status"]


class FundClaimFilterSet(django_filters.FilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__external_id", label=_("The partner's external id.")
    )
    request = PatternFilter(
        field_name="request_id",
        # At most 18 digits: every one is a bigint.
        pattern=r"^[0-9]{1,18}$",
        message=_("Enter the id of an MDF request, a whole number such as 12."),
        label=_("The id of the MDF request claimed against."),
    )
    status = django_filters.ChoiceFilter(
        choices=FundClaim.Status.choices, label=_("Where the claim stands.")
    )

    class Meta:
        model = FundClaim
        fields = ["partner", "request", "status"]


class TicketFilterSet(django_filters.FilterSet):
    partner = django_filters.CharFilter(
        field_name="partner__external_id", label=_("The partner's external id.")
    )
    status = django_filters.ChoiceFilter(
        choices=Ticket.Status.choices, label=_("Where the ticket stands.")
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices)
    category = django_filters.CharFilter(
        field_name="category__code", label=_("The category's code.")
    )

    class Meta:
        model = Ticket
        fields = ["partner", "status", "priority", "category"]
