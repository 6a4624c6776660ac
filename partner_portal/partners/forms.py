from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

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
