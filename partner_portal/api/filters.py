import datetime

from django.utils.translation import gettext_lazy as _

import django_filters
from rest_framework.exceptions import ValidationError

from learning.models import CertificationAward
from learning.models.certifications import AwardStatus
from partner_portal.incentives.models import SalesRecord
from partner_portal.partners.models import Partner, PartnerType, Region, Stage


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 moment, converted to UTC before it reaches the database.

    PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows ("+16:52").
    """

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:
                raise ValidationError(
                    {self.field_name: _("This moment is out of range.")}
                ) from None
        return super().filter(qs, value)


class UpdatedSinceFilterSet(django_filters.FilterSet):
    """`updated_since` for incremental sync: rows changed at or after a moment."""

    updated_since = UtcDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("Changed at or after this moment (ISO 8601)."),
    )


class PartnerFilterSet(UpdatedSinceFilterSet):
    tier = django_filters.CharFilter(field_name="tier__code", label=_("Tier code."))
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    region = django_filters.ChoiceFilter(choices=Region.choices)
    country = django_filters.CharFilter(label=_("Two-letter country code."))
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
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("Lines dated on or after.")
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("Lines dated on or before.")
    )
    sku = django_filters.CharFilter()
    currency = django_filters.CharFilter(label=_("ISO 4217 currency code."))

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
    expires_before = django_filters.DateFilter(
        field_name="expires_at",
        lookup_expr="lt",
        label=_("Awards that expire before this day."),
    )

    class Meta:
        model = CertificationAward
        fields = ["partner", "certification", "status", "expires_before"]
