from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from django_countries import countries

from .models import Application
from .models.core import is_domain, normalise_domain
from .services import partner_create, partner_update, stage_transition_error
from .wording import family_name_first


class PartnerAdminForm(WagtailAdminModelForm):
    """The admin's partner form: stage and tier changes follow the lifecycle rules."""

    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when the lifecycle stage or tier changes; kept in the "
            "partner's history with your name and the time."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        old_stage, new_stage = self.initial.get("stage"), cleaned.get("stage")
        if new_stage and new_stage != old_stage:
            error = stage_transition_error(old_stage, new_stage)
            if error:
                self.add_error("stage", error)
        changed = {"stage", "tier"} & set(self.changed_data)
        if changed and not cleaned.get("change_reason", "").strip():
            self.add_error(
                "change_reason", _("Say why the lifecycle stage or tier changes.")
            )
        return cleaned

    def save(self, commit=True):
        fields = {
            name: self.cleaned_data[name]
            for name in self._meta.fields
            if name in self.cleaned_data
        }
        reason = self.cleaned_data.get("change_reason", "")
        if self.instance.pk is None:
            self.instance = partner_create(by=self.for_user, reason=reason, **fields)
        else:
            self.instance = partner_update(
                partner=self.instance, by=self.for_user, reason=reason, **fields
            )
        return self.instance


# Above any channel partner's head count: a larger figure is a typing slip.
MAX_EMPLOYEES = 1_000_000


def _country_choices():
    return [("", _("Choose a country")), *countries]


class CountryChoiceField(forms.ChoiceField):
    """An ISO 3166 country from a select named in the reader's language; a code
    typed in lower case (an old link, a script) is taken as the same code."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class ApplicationForm(forms.ModelForm):
    """The public partner application.

    Personal and company fields carry their `autocomplete` purpose (WCAG 1.3.5), the
    country is chosen from ISO 3166 names in the reader's language, and numbers and
    domains are checked as a person would expect.
    """

    country = CountryChoiceField(
        label=_("Country"),
        choices=_country_choices,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    employee_count = forms.IntegerField(
        label=_("Number of employees"),
        min_value=1,
        max_value=MAX_EMPLOYEES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("Enter a number of employees of at least 1."),
            "max_value": _(
                "Enter a number of employees up to 1,000,000. For a larger company, "
                "enter 1,000,000 and tell your channel manager."
            ),
            "invalid": _(
                "Enter the number of employees as a whole number, such as 25."
            ),
        },
    )

    accept_terms = forms.BooleanField(
        label=_("I accept the partner program terms."), required=True
    )
    # A field people never see: software that fills every field fills this one too.
    fax_number = forms.CharField(
        label=_("Leave this field empty"), required=False, max_length=50
    )

    class Meta:
        model = Application
        fields = [
            "company_name",
            "legal_name",
            "website",
            "email_domain",
            "country",
            "region",
            "partner_type",
            "revenue_band",
            "employee_count",
            "specialisations",
            "products",
            "contact_first_name",
            "contact_last_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "specialisations": forms.CheckboxSelectMultiple,
            "products": forms.CheckboxSelectMultiple,
            "company_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "website": forms.URLInput(attrs={"autocomplete": "url"}),
            "contact_first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "contact_last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(
                attrs={"autocomplete": "tel", "type": "tel"}
            ),
        }
        help_texts = {
            "email_domain": _(
                "The domain of your company's email addresses, such as example.com."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        family_name_first(self, "contact_first_name", "contact_last_name")

    def clean_email_domain(self):
        domain = normalise_domain(self.cleaned_data["email_domain"])
        if not is_domain(domain):
            raise forms.ValidationError(
                _(
                    "Enter a domain such as example.com: the part of your company's "
                    "email addresses after the @."
                )
            )
        return domain

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("contact_email", "")
        domain = normalise_domain(cleaned.get("email_domain", ""))
        if email and domain and not email.lower().endswith("@" + domain):
            self.add_error(
                "contact_email",
                _("Use an email address at your company's domain, %(domain)s.")
                % {"domain": domain},
            )
        return cleaned

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("fax_number"))


class ApplicationDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the applicant with a rejection; kept with the decision."),
    )
