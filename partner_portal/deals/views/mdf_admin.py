"""The admin's MDF pages that do more than Wagtail's generic views: allocations set
through `allocation_set()`, and the decision pages of requests and claims.

A request's page shows what remains of its allocation now, and the forms to approve
an amount or reject with a reason; a claim's page shows the request's approved
amount, the proof files (downloaded through the checked document view) and the
forms to decide it and, once approved, to mark it paid. Each form needs its
permission (`deals.decide_fundrequest`, `deals.decide_fundclaim`,
`deals.pay_fundclaim`); the records are those of the partners in the user's reach,
any other answering 404 (`ScopedInspectView`).
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import models as generic
from wagtail.admin.widgets.button import Button

from partner_portal.incentives.currencies import currency_choices
from partner_portal.partners.ownership.admin import ScopedEditView, ScopedInspectView
from partner_portal.partners.permissions import partners_visible_to

from ..mdf_selectors import balance_of, claim_deadline
from ..models import ClaimProof, FundAllocation, FundClaim, FundRequest
from ..services import mdf as services

AMOUNT = {"max_digits": 14, "decimal_places": 2, "required": False}


class AllocationForm(WagtailAdminModelForm):
    """An allocation's partner (among those the user may see), period, currency,
    amount and note; once made, only its amount and note change."""

    currency = forms.ChoiceField(label=gettext_lazy("Currency"), choices=())

    class Meta:
        model = FundAllocation
        fields = ["partner", "period", "currency", "amount", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [("", "---------"), *currency_choices()]
        if self.for_user is not None:
            self.fields["partner"].queryset = partners_visible_to(
                self.for_user
            ).order_by("name")
        if self.instance.pk:
            for name in ("partner", "period", "currency"):
                self.fields[name].disabled = True

    def clean_period(self):
        # As stored, so that the check for an allocation made already applies.
        return (self.cleaned_data["period"] or "").strip().upper()


class AllocationSaveMixin:
    """Saves through `allocation_set()`; its refusals are the form's errors."""

    def save_instance(self):
        data = self.form.cleaned_data
        return services.allocation_set(
            partner=data["partner"],
            period=data["period"],
            currency=data["currency"],
            amount=data["amount"],
            note=data["note"],
            by=self.request.user,
        )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class AllocationCreateView(AllocationSaveMixin, generic.CreateView):
    pass


class AllocationEditView(AllocationSaveMixin, ScopedEditView):
    pass


class DecisionForm(forms.Form):
    """Approve an amount, or reject with a reason the partner reads."""

    amount = forms.DecimalField(label=gettext_lazy("Amount to approve"), **AMOUNT)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The partner reads it. Needed to reject; optional when approving."
        ),
    )


class PaymentForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Payment reference"),
        max_length=100,
        help_text=gettext_lazy("As the bank transfer or the finance system names it."),
    )


class DecisionView(ScopedInspectView):
    """A record's page (an inspect view) whose POST decides it: "approve" or
    "reject" in `decision`, with the amount and the reason of `DecisionForm`."""

    decide_permission = ""
    success_url_name = ""
    history_url_name = ""

    @cached_property
    def header_more_buttons(self):
        history = reverse(self.history_url_name, args=[self.object.pk])
        return [
            *super().header_more_buttons,
            Button(_("History"), url=history, icon_name="history", priority=30),
        ]

    def decide(self, record, *, approve, amount, reason):
        raise NotImplementedError

    def decided_message(self, record) -> str:
        raise NotImplementedError

    def may_decide(self, record) -> bool:
        return (
            self.request.user.has_perm(self.decide_permission)
            and record.status == record.Status.SUBMITTED
        )

    def post(self, request, *args, **kwargs):
        record = self.object
        if not request.user.has_perm(self.decide_permission):
            raise PermissionDenied
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decided = self.decide(
                    record,
                    approve=request.POST.get("decision") == "approve",
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, self.decided_message(decided))
                return redirect(self.success_url_name, record.pk)
        context = self.get_context_data(decision_form=form)
        return self.render_to_response(context, status=400)


class FundRequestDecideView(DecisionView):
    template_name = "deals/mdf_admin/request.html"
    page_title = gettext_lazy("MDF request")
    decide_permission = "deals.decide_fundrequest"
    success_url_name = "mdf_requests:decide"
    history_url_name = "mdf_requests:history"

    def decide(self, record, *, approve, amount, reason):
        return services.fund_request_decide(
            request=record,
            by=self.request.user,
            approve=approve,
            amount=amount,
            reason=reason,
        )

    def decided_message(self, record):
        if record.status == FundRequest.Status.APPROVED:
            return _("The request is approved. The partner is told by email.")
        return _("The request is rejected. The partner is told by email.")

    def get_context_data(self, **kwargs):
        record = self.object
        allocation = record.allocation
        return {
            **super().get_context_data(**kwargs),
            "funds": record,
            "currency": allocation.currency,
            "balance": balance_of(allocation),
            "claim_by": claim_deadline(allocation),
            "claims": record.claims.order_by("-submitted_at", "-pk"),
            "may_decide": self.may_decide(record),
            "decision_form": kwargs.get("decision_form")
            or DecisionForm(initial={"amount": record.planned_cost}),
        }


class FundClaimDecideView(DecisionView):
    template_name = "deals/mdf_admin/claim.html"
    page_title = gettext_lazy("MDF claim")
    decide_permission = "deals.decide_fundclaim"
    success_url_name = "mdf_claims:decide"
    history_url_name = "mdf_claims:history"

    def decide(self, record, *, approve, amount, reason):
        return services.fund_claim_decide(
            claim=record,
            by=self.request.user,
            approve=approve,
            amount=amount,
            reason=reason,
        )

    def decided_message(self, record):
        if record.status == FundClaim.Status.APPROVED:
            return _("The claim is approved. The partner is told by email.")
        return _("The claim is rejected. The partner is told by email.")

    def get_page_subtitle(self):
        return self.object.request.title

    def post(self, request, *args, **kwargs):
        if "reference" not in request.POST:
            return super().post(request, *args, **kwargs)
        claim = self.object
        if not request.user.has_perm("deals.pay_fundclaim"):
            raise PermissionDenied
        form = PaymentForm(request.POST)
        if form.is_valid():
            try:
                services.fund_claim_pay(
                    claim=claim,
                    by=request.user,
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The claim is marked paid."))
                return redirect(self.success_url_name, claim.pk)
        return self.render_to_response(
            self.get_context_data(payment_form=form), status=400
        )

    def get_context_data(self, **kwargs):
        claim = self.object
        request = claim.request
        user = self.request.user
        initial = min(claim.actual_cost, claim.request_amount)
        return {
            **super().get_context_data(**kwargs),
            "claim": claim,
            "funds": request,
            "currency": request.allocation.currency,
            "proofs": ClaimProof.objects.filter(claim=claim).select_related("document"),
            "may_decide": self.may_decide(claim),
            "may_pay": user.has_perm("deals.pay_fundclaim")
            and claim.status == FundClaim.Status.APPROVED,
            "decision_form": kwargs.get("decision_form")
            or DecisionForm(initial={"amount": initial}),
            "payment_form": kwargs.get("payment_form") or PaymentForm(),
        }
