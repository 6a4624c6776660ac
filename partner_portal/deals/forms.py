"""The portal's deal registration forms: a registration, and its outcome (won or lost).

Countries, products and reasons for a lost deal are offered in the page's language
(`deals.wording`).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partner_portal.incentives.currencies import currency_choices
from partner_portal.incentives.models.ledger import AMOUNT_DIGITS, AMOUNT_PLACES
from partner_portal.partners.models import Product, Region
from partner_portal.partners.models.core import normalise_domain
from partner_portal.partners.wording import name_in_language

from .models import LostReason
from .wording import country_choices

# A host name of two or more labels; letters of any script, so 中文.cn passes.
DOMAIN = re.compile(r"^[\w-]+(\.[\w-]+)+$")


class DealForm(forms.Form):
    """A registration as a partner types it; `deal_save` checks it once more."""

    customer_name = forms.CharField(
        label=_("Customer name"),
        max_length=200,
        help_text=_("The company's name as it is registered, such as ACME, Inc."),
    )
    customer_domain = forms.CharField(
        label=_("Customer web domain"),
        max_length=253,
        required=False,
        help_text=_("Such as acme.com. It helps us recognise the customer."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=())
    region = forms.ChoiceField(
        label=_("Region"), choices=lambda: Region.objects.choices()
    )
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        queryset=Product.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one product.")},
    )
    estimated_value = forms.DecimalField(
        label=_("Estimated value"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=())
    expected_close_date = forms.DateField(
        label=_("Expected close date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the customer needs and where the opportunity stands. "
            "Our channel team reads this when they decide."
        ),
    )
    contact_name = forms.CharField(
        label=_("Contact name"), max_length=200, required=False
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"), max_length=40, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            ("", _("Choose a country")),
            *country_choices(),
        ]
        self.fields["currency"].choices = currency_choices()
        self.fields["products"].queryset = Product.objects.order_by("name")
        self.fields["products"].label_from_instance = name_in_language
        self.fields["expected_close_date"].widget.attrs["min"] = (
            timezone.localdate().isoformat()
        )

    def clean_customer_name(self):
        name = self.cleaned_data["customer_name"].strip()
        if not re.search(r"\w", name):
            raise ValidationError(_("Enter the customer's name in letters or digits."))
        return name

    def clean_customer_domain(self):
        domain = self.cleaned_data["customer_domain"].strip()
        if not domain:
            return ""
        domain = normalise_domain(domain)
        if not DOMAIN.match(domain):
            raise ValidationError(
                _("Enter a web domain such as acme.com, without spaces.")
            )
        return domain

    def clean_estimated_value(self):
        value = self.cleaned_data["estimated_value"]
        if value <= 0:
            raise ValidationError(_("Enter an estimated value above zero."))
        return value

    def clean_expected_close_date(self):
        day = self.cleaned_data["expected_close_date"]
        if day < timezone.localdate():
            raise ValidationError(_("The expected close date must be today or later."))
        return day


class WonForm(forms.Form):
    final_value = forms.DecimalField(
        label=_("Final value"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=AMOUNT_PLACES,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        error_messages={"required": _("Enter the deal's final value.")},
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["final_value"].help_text = _(
            "In %(currency)s, the registration's currency."
        ) % {"currency": currency}


class LostForm(forms.Form):
    lost_reason = forms.ModelChoiceField(
        label=_("Why was it lost?"),
        queryset=LostReason.objects.none(),
        empty_label=_("Choose a reason"),
        error_messages={"required": _("Choose why the deal was lost.")},
    )
    reason = forms.CharField(
        label=_("Anything to add"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lost_reason"].queryset = LostReason.objects.filter(active=True)
        self.fields["lost_reason"].label_from_instance = name_in_language
