from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from .models import Application
from .models.core import normalise_domain
from .services import partner_create, partner_update, stage_transition_error


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


class ApplicationForm(forms.ModelForm):
    """The public partner application."""

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
            "country": forms.TextInput(attrs={"maxlength": 2, "size": 4}),
        }
        help_texts = {
            "country": _("Two letters, such as CN, DE or US."),
            "email_domain": _("The domain of your company's email addresses."),
        }

    def clean_country(self):
        return self.cleaned_data["country"].strip().upper()

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
