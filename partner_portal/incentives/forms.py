from django import forms
from django.utils.translation import gettext_lazy as _

from .currencies import currency_choices


class SalesFilterForm(forms.Form):
    """The portal's sales filters: a period, a SKU and a currency."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sku = forms.CharField(label=_("SKU"), required=False, max_length=64)
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [
            ("", _("Any currency")),
            *currency_choices(),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def filter(self, queryset):
        """The lines that match the valid filters; invalid ones are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        queryset = queryset.in_period(data.get("date_from"), data.get("date_to"))
        if data.get("sku"):
            queryset = queryset.filter(sku=data["sku"].strip())
        if data.get("currency"):
            queryset = queryset.filter(currency=data["currency"])
        return queryset


class SalesChartForm(forms.Form):
    """The staff report's choice of one partner among those the user may see."""

    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=None,
        empty_label=_("All the partners you may see"),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners.order_by("name")

    def filter(self, lines):
        """The lines of the chosen partner, or all of `lines`."""
        if self.is_valid() and self.cleaned_data["partner"] is not None:
            return lines.filter(partner=self.cleaned_data["partner"])
        return lines
