"""The admin's dispute thread: staff answer a partner and decide, with a reason
both sides read (accepting makes a draft adjustment with the correction owed)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin import messages

from partner_portal.partners.ownership.admin import ScopedInspectView

from ..models import Dispute
from ..statements import lifecycle
from ..statements.notifications import dispute_notify_partner


class DisputeReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 4})
    )


class DisputeResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("accept", gettext_lazy("Accept: the partner is owed a correction")),
            ("reject", gettext_lazy("Reject: the line stands")),
        ],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Correction"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy("What the partner is owed (negative: what they owe)."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DisputeInspectView(ScopedInspectView):
    """The dispute's thread, with the answer and the decision forms."""

    template_name = "incentives/admin/dispute.html"

    def get_context_data(self, **kwargs):
        dispute = self.object
        may_resolve = self.request.user.has_perm("incentives.resolve_dispute")
        return {
            **super().get_context_data(**kwargs),
            "dispute": dispute,
            "statement": dispute.line.statement,
            "thread": dispute.messages.select_related("author"),
            "may_resolve": may_resolve and dispute.status == Dispute.Status.OPEN,
            "reply_form": kwargs.get("reply_form") or DisputeReplyForm(),
            "resolve_form": kwargs.get("resolve_form") or DisputeResolveForm(),
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("incentives.resolve_dispute"):
            raise PermissionDenied
        self.object = dispute = self.get_object()
        if "decision" in request.POST:
            form = DisputeResolveForm(request.POST)
            if form.is_valid():
                try:
                    resolved = lifecycle.dispute_resolve(
                        dispute=dispute,
                        by=request.user,
                        accept=form.cleaned_data["decision"] == "accept",
                        reason=form.cleaned_data["reason"],
                        amount=form.cleaned_data["amount"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    dispute_notify_partner(
                        dispute=resolved, message=resolved.messages.last()
                    )
                    messages.success(request, _("The dispute is resolved."))
                    return redirect("incentives_dispute_admin:inspect", dispute.pk)
            return self.render_to_response(self.get_context_data(resolve_form=form))
        form = DisputeReplyForm(request.POST)
        if form.is_valid():
            try:
                answer = lifecycle.dispute_reply(
                    dispute=dispute, by=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                dispute_notify_partner(dispute=dispute, message=answer)
                messages.success(request, _("Your answer was sent to the partner."))
                return redirect("incentives_dispute_admin:inspect", dispute.pk)
        return self.render_to_response(self.get_context_data(reply_form=form))
