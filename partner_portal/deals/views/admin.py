"""The admin's decision page and decision SLA report for deal registrations.

The decision page (`deals_admin:decide`) lays the registration beside every
registration it conflicts with, each with the rule that matched and the customer's
normalised keys, and its timeline with the reasons partners read and the notes only
staff read. Staff holding `deals.decide_deal` approve, reject (with a reason) or
approve as co-sell, and extend an approved registration's protection window; others
see the page only. A conflicting registration of a partner outside the user's reach
shows only the rule, its status and when it was submitted, and co-sell (which
approves it too) is then left to someone who sees both.
"""

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from partner_portal.partners.models import Product
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.ownership.admin import ScopedInspectView
from partner_portal.tabular.export import csv_response

from ..models import Deal, DealConflict
from ..services.deals import Decision, conflicting, deal_decide, deal_extend
from ..sla import DUE_TODAY, OVERDUE, SLA_ORDER, sla_state, with_sla

DECIDE_PERMISSION = "deals.decide_deal"


def local_time(moment) -> str:
    """A moment as staff read it: "2026-12-04 16:00", in local time."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def products_first_by_name():
    return Prefetch("products", queryset=Product.objects.order_by("name"))


class DecisionForm(forms.Form):
    """The reason and note of a decision; which decision is the button pressed."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the partner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The partner reads it. A rejection needs one; an approval may have one."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Staff only; never shown to partners."),
    )


class ExtendForm(forms.Form):
    until = forms.DateField(
        label=gettext_lazy("Protected until"), widget=AdminDateInput
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the partner"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The partner reads it with the new end of the window."),
    )


def co_sell_blocked(rivals) -> bool:
    """Whether a rival is outside the user's reach (co-sell would approve it)."""
    return any(not visible for _other, _rule, visible in rivals)


class DealDecideView(ScopedInspectView):
    """A registration, its rivals side by side, its timeline and the decisions."""

    template_name = "deals/admin/decide.html"
    page_title = gettext_lazy("Deal registration")

    def get_object(self, *args, **kwargs):
        deal = super().get_object(*args, **kwargs)
        # A draft is the partner's until it is submitted.
        if deal.status == Deal.Status.DRAFT:
            raise Http404
        return deal

    def get_fields_context(self):
        # The template lays the registration out itself, beside its rivals.
        return []

    @property
    def may_decide(self) -> bool:
        return self.request.user.has_perm(DECIDE_PERMISSION)

    def rivals(self, deal: Deal):
        """[(registration, rule label, visible to the user)] of every registration
        the deal conflicts with, oldest submission first."""
        rules = {}
        for row in DealConflict.objects.filter(Q(deal=deal) | Q(other=deal)):
            other = row.other_id if row.deal_id == deal.pk else row.deal_id
            rules.setdefault(other, row.get_rule_display())
        others = list(
            conflicting(deal)
            .select_related("partner", "registered_by")
            .prefetch_related(products_first_by_name())
            .order_by("submitted_at", "pk")
        )
        visible = set(
            partner_owned.policy_for(Deal)
            .visible_to(self.request.user, conflicting(deal))
            .values_list("pk", flat=True)
        )
        return [
            (other, rules.get(other.pk, ""), other.pk in visible) for other in others
        ]

    def get_context_data(self, **kwargs):
        deal = self.object
        rivals = self.rivals(deal)
        now = timezone.now()
        awaiting = deal.status == Deal.Status.SUBMITTED
        blocked = co_sell_blocked(rivals)
        own_products = {product.pk for product in deal.products.all()}
        return {
            **super().get_context_data(**kwargs),
            "deal": deal,
            "own_products": own_products,
            "rivals": rivals,
            "sla": sla_state(deal, now),
            "events": deal.events.select_related("by"),
            "may_decide": self.may_decide and awaiting,
            "may_co_sell": bool(rivals) and not blocked,
            "co_sell_blocked": blocked,
            "may_extend": self.may_decide and deal.status == Deal.Status.APPROVED,
            "decision_form": kwargs.get("decision_form") or DecisionForm(),
            "extend_form": kwargs.get("extend_form")
            or ExtendForm(
                initial={"until": deal.protected_until + dt.timedelta(days=30)}
                if deal.protected_until
                else None
            ),
        }

    def post(self, request, *args, **kwargs):
        if not self.may_decide:
            raise PermissionDenied
        extend = request.POST.get("action") == "extend"
        expected = Deal.Status.APPROVED if extend else Deal.Status.SUBMITTED
        if self.object.status != expected:
            # Decided or closed since the page was opened (by someone else, or in
            # another tab): its forms are gone, so say so above the page instead.
            messages.error(
                request,
                _("This registration is %(status)s now; nothing was changed.")
                % {"status": self.object.get_status_display().lower()},
            )
            return redirect("deals_admin:decide", self.object.pk)
        return self.extend(request) if extend else self.decide(request)

    def decide(self, request):
        deal = self.object
        form = DecisionForm(request.POST)
        decision = request.POST.get("decision")
        if form.is_valid():
            rivals = self.rivals(deal)
            if decision == Decision.CO_SELL and co_sell_blocked(rivals):
                form.add_error(
                    None,
                    _(
                        "Co-sell also approves a conflicting registration of a "
                        "partner you do not manage; ask a program manager to decide."
                    ),
                )
            else:
                try:
                    deal_decide(
                        deal=deal,
                        by=request.user,
                        decision=decision,
                        reason=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, self.decided_message(decision))
                    return redirect("deals_admin:decide", deal.pk)
        return self.render_to_response(self.get_context_data(decision_form=form))

    def decided_message(self, decision: str) -> str:
        if decision == Decision.REJECT:
            return _("The registration is rejected; the partner reads your reason.")
        if decision == Decision.CO_SELL:
            others = conflicting(self.object).count()
            return ngettext(
                "The registration and %(count)d conflicting registration are "
                "approved as co-sell.",
                "The registration and %(count)d conflicting registrations are "
                "approved as co-sell.",
                others,
            ) % {"count": others}
        return _("The registration is approved; its protection window has started.")

    def extend(self, request):
        deal = self.object
        form = ExtendForm(request.POST)
        if form.is_valid():
            try:
                extended = deal_extend(
                    deal=deal,
                    by=request.user,
                    until=form.cleaned_data["until"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The protection window now ends on %(date)s.")
                    % {"date": extended.protected_until.isoformat()},
                )
                return redirect("deals_admin:decide", deal.pk)
        return self.render_to_response(self.get_context_data(extend_form=form))


SLA_COLUMNS = (
    gettext_lazy("Partner"),
    gettext_lazy("Partner external ID"),
    gettext_lazy("Customer"),
    gettext_lazy("Submitted"),
    gettext_lazy("Decision due"),
    gettext_lazy("Overdue"),
    gettext_lazy("Conflict"),
)


class DecisionSlaView(WagtailAdminTemplateMixin, TemplateView):
    """The registrations awaiting a decision in the user's reach, overdue first,
    then by due time, with the counts overdue and due today; CSV too."""

    template_name = "deals/admin/sla.html"
    page_title = gettext_lazy("Decision SLA")
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("deals.view_deal"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def awaiting(self, now):
        deals = partner_owned.policy_for(Deal).visible_to(
            self.request.user, Deal.objects.filter(status=Deal.Status.SUBMITTED)
        )
        return list(with_sla(deals.select_related("partner"), now).order_by(*SLA_ORDER))

    def get(self, request, *args, **kwargs):
        now = timezone.now()
        deals = self.awaiting(now)
        if request.GET.get("export") == "csv":
            return csv_response(
                "decision-sla.csv",
                [str(column) for column in SLA_COLUMNS],
                [
                    [
                        deal.partner.name,
                        deal.partner.external_id,
                        deal.customer_name,
                        local_time(deal.submitted_at),
                        local_time(deal.decision_due),
                        yes_no(deal.overdue),
                        yes_no(deal.conflict),
                    ]
                    for deal in deals
                ],
            )
        rows = [(deal, sla_state(deal, now)) for deal in deals]
        return self.render_to_response(
            self.get_context_data(
                rows=rows,
                overdue=sum(1 for _deal, state in rows if state == OVERDUE),
                due_today=sum(1 for _deal, state in rows if state == DUE_TODAY),
            )
        )
