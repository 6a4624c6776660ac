"""The portal's MDF forms: a request for funds and a claim with its proof files.

They parse what the partner typed; the services decide what is allowed and say
why not, and the views put those messages on the fields.
"""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from partner_portal.incentives.statements.wording import money
from partner_portal.resources.owned_files import ACCEPT

from .mdf_proofs import MAX_FILES, PROOF_REQUIRED
from .models import ActivityType, FundAllocation

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AllocationChoiceField(forms.ModelChoiceField):
    """An allocation named by its period and currency, with what remains of it."""

    def __init__(self, *args, remaining: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.remaining = remaining

    def label_from_instance(self, allocation: FundAllocation) -> str:
        return _("%(period)s in %(currency)s: %(remaining)s remaining") % {
            "period": allocation.period,
            "currency": allocation.currency,
            "remaining": money(self.remaining[allocation.pk], allocation.currency),
        }


class FundRequestForm(forms.Form):
    activity_type = forms.ChoiceField(
        label=gettext_lazy("Kind of activity"), choices=ActivityType.choices
    )
    title = forms.CharField(
        label=gettext_lazy("Activity"),
        max_length=200,
        help_text=gettext_lazy(
            "A short name, such as “Cloud security breakfast, Leeds”."
        ),
    )
    description = forms.CharField(
        label=pgettext_lazy("MDF activity", "Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "What you will do, for whom, and how the vendor's products appear in it."
        ),
    )
    start_date = forms.DateField(label=gettext_lazy("Starts"), widget=DATE)
    end_date = forms.DateField(label=gettext_lazy("Ends"), widget=DATE)
    planned_cost = forms.DecimalField(
        label=gettext_lazy("Planned cost"),
        help_text=gettext_lazy("In the currency of the funds you chose."),
        **MONEY_FIELD,
    )
    expected_leads = forms.IntegerField(
        label=gettext_lazy("Expected leads"), required=False, min_value=0
    )
    expected_attendees = forms.IntegerField(
        label=gettext_lazy("Expected attendees"), required=False, min_value=0
    )

    def __init__(self, *args, balances, **kwargs):
        """`balances`: the balance of each allocation the partner may request from."""
        super().__init__(*args, **kwargs)
        remaining = {b.allocation.pk: b.remaining for b in balances}
        self.fields = {
            "allocation": AllocationChoiceField(
                label=gettext_lazy("Funds"),
                queryset=FundAllocation.objects.filter(pk__in=remaining).order_by(
                    "period_end", "currency"
                ),
                remaining=remaining,
                empty_label=None if len(remaining) == 1 else "---------",
            ),
            **self.fields,
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ProofFilesField(forms.FileField):
    """Several files in one input; the claim service checks their types and sizes."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        given = data if isinstance(data, list | tuple) else [data]
        files = [file for file in given if file]
        if not files and self.required:
            raise forms.ValidationError(
                self.error_messages["required"], code="required"
            )
        cleaned = []
        for file in files:
            cleaned.append(super().clean(file, initial))
        return cleaned


class FundClaimForm(forms.Form):
    actual_cost = forms.DecimalField(
        label=gettext_lazy("Actual cost"),
        help_text=gettext_lazy("What the activity cost, as your invoices show."),
        **MONEY_FIELD,
    )
    leads = forms.IntegerField(label=gettext_lazy("Leads"), required=False, min_value=0)
    attendees = forms.IntegerField(
        label=gettext_lazy("Attendees"), required=False, min_value=0
    )
    results = forms.CharField(
        label=gettext_lazy("Results"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What came of the activity: meetings, quotes, deals."),
    )
    files = ProofFilesField(
        label=gettext_lazy("Proof of performance"),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        error_messages={"required": PROOF_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _(
            "Invoices, photos of the activity, a list of attendees: up to %(count)d "
            "PDF, PNG, JPEG, WebP, XLSX, CSV or DOCX files of at most %(size)s each."
        ) % {"count": MAX_FILES, "size": filesizeformat(settings.MDF_PROOF_MAX_BYTES)}
