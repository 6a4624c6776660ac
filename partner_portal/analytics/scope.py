"""What a dashboard shows: the period and the partners, from the filter form.

    form = DashboardFilters(request.GET or None, user=request.user)
    scope = form.scope()   # the default scope when unbound or invalid

The partners are always those the user may see (`partners_visible_to`: a channel
account manager's own), narrowed by the filters; no parameter widens them: the
account-manager filter offers only managers of partners in the user's reach and
intersects with that reach.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partner_portal.incentives.periods import calendar_period, label_for
from partner_portal.partners.models import Partner, PartnerType, Region, Tier, User
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.permissions import partners_visible_to

MAX_DAYS = 731
PARTNER_FILTERS = ("tier", "region", "partner_type", "account_manager")


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both included."""

    first: dt.date
    last: dt.date
    label: str

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches."""
        month, months = self.first.replace(day=1), []
        while month <= self.last:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def year_before(self) -> "Period":
        return Period(
            _shift_years(self.first, -1), _shift_years(self.last, -1), self.label
        )

    def before(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        last = self.first - dt.timedelta(days=1)
        return Period(last - (self.last - self.first), last, self.label)


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Scope:
    user: User
    partners: QuerySet[Partner]
    period: Period
    # The filters chosen, by field name ("tier", "region", "partner_type",
    # "account_manager"), empty ones left out: for records that may have no
    # partner yet, such as applications awaiting review.
    filters: Mapping[str, str] = field(default_factory=dict)

    def records(self, model) -> QuerySet | None:
        """The model's records of the scope's partners that the user may see (its
        partner-owned policy), or None without the model's view permission: a
        section then leaves that source out rather than showing zeros."""
        policy = partner_owned.policy_for(model)
        if not self.user.has_perm(policy.permission("view")):
            return None
        return policy.visible_to(
            self.user, model._default_manager.filter(partner__in=self.partners)
        )


class PeriodKind:
    MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
    CHOICES = [
        (MONTH, gettext_lazy("Month")),
        (QUARTER, gettext_lazy("Quarter")),
        (YEAR, gettext_lazy("Year")),
        (CUSTOM, gettext_lazy("Custom range")),
    ]


class DashboardFilters(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=PeriodKind.CHOICES,
        required=False,
        initial=PeriodKind.QUARTER,
    )
    label = forms.CharField(
        label=gettext_lazy("Which"),
        required=False,
        max_length=10,
        help_text=gettext_lazy("2026-07, 2026-Q3 or 2026; empty: the current one."),
    )
    first = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    last = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    tier = forms.ChoiceField(label=gettext_lazy("Tier"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    partner_type = forms.ChoiceField(label=gettext_lazy("Partner type"), required=False)
    account_manager = forms.ChoiceField(
        label=gettext_lazy("Account manager"), required=False
    )

    def __init__(self, *args, user, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("kind"):
            # Filters without a period: the current quarter, shown as chosen.
            self.data = self.data.copy()
            self.data["kind"] = PeriodKind.QUARTER
        self.user = user
        self.today = today or timezone.localdate()
        self.visible = partners_visible_to(user)
        everyone = [("", _("All"))]
        self.fields["tier"].choices = everyone + [
            (tier.code, str(tier)) for tier in Tier.objects.order_by("rank")
        ]
        self.fields["region"].choices = everyone + Region.objects.choices()
        self.fields["partner_type"].choices = everyone + list(PartnerType.choices)
        managers = (
            User.objects.filter(managed_partners__in=self.visible)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["account_manager"].choices = everyone + [
            (str(manager.pk), manager.get_full_name() or manager.username)
            for manager in managers
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or PeriodKind.QUARTER
        data["kind"] = kind
        if kind == PeriodKind.CUSTOM:
            first, last = data.get("first"), data.get("last")
            if not (first and last):
                raise ValidationError(
                    _("Give the first and the last day of the range.")
                )
            if last < first:
                raise ValidationError(_("The period ends before it starts."))
            if (last - first).days > MAX_DAYS:
                raise ValidationError(_("Choose a period of at most two years."))
            data["period"] = Period(first, last, f"{first} to {last}")
            return data
        label = (data.get("label") or "").strip() or label_for(kind, self.today)
        found = calendar_period(label, (kind,))
        if found is None:
            raise ValidationError(
                {"label": _("Write the period like 2026-07, 2026-Q3 or 2026.")}
            )
        data["period"] = Period(found.first, found.last, found.label)
        return data

    def default_period(self) -> Period:
        found = calendar_period(label_for(PeriodKind.QUARTER, self.today), ("quarter",))
        return Period(found.first, found.last, found.label)

    def scope(self) -> Scope:
        """The scope the form asks for, or the whole reach over the current quarter
        when it is unbound or invalid (its errors are shown with it)."""
        if not self.is_bound or not self.is_valid():
            return Scope(self.user, self.visible, self.default_period())
        data = self.cleaned_data
        partners = self.visible
        if data.get("tier"):
            partners = partners.filter(tier__code=data["tier"])
        if data.get("region"):
            partners = partners.filter(
                region__in=Region.objects.codes_within(data["region"])
            )
        if data.get("partner_type"):
            partners = partners.filter(partner_type=data["partner_type"])
        if data.get("account_manager"):
            partners = partners.filter(account_manager_id=data["account_manager"])
        filters = {name: data[name] for name in PARTNER_FILTERS if data.get(name)}
        return Scope(self.user, partners, data["period"], filters)
