"""The admin's payouts: approved and issued statements for finance, as a list with
totals per currency, CSV and XLSX (formula cells neutralised), then "mark paid" for
the issued ones finance has paid."""

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.tabular.export import csv_response, xlsx_response

from ..models import (
    Program,
    Statement,
)
from ..statements import lifecycle
from .statements_admin import statements_for

PAYOUT_COLUMNS = (
    gettext_lazy("Statement"),
    gettext_lazy("Partner"),
    gettext_lazy("Partner external ID"),
    gettext_lazy("Program"),
    gettext_lazy("Period"),
    gettext_lazy("Kind"),
    gettext_lazy("Status"),
    gettext_lazy("Currency"),
    gettext_lazy("Amount"),
)


class PayoutForm(forms.Form):
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"),
        queryset=Program.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("All programs"),
    )
    period = forms.CharField(label=gettext_lazy("Period"), max_length=7, required=False)


class PayoutView(WagtailAdminTemplateMixin, TemplateView):
    """Approved and issued statements for finance: a list, CSV and XLSX (formula
    cells neutralised), then "mark paid" for the issued ones finance ticks."""

    template_name = "incentives/admin/payouts.html"
    page_title = gettext_lazy("Payouts")
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("incentives.view_statement"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def statements(self, data):
        form = PayoutForm(data)
        rows = (
            statements_for(self.request.user)
            .filter(status__in=[Statement.Status.APPROVED, Statement.Status.ISSUED])
            .select_related("partner", "program")
            .order_by("program__code", "period", "partner__name", "sequence")
        )
        if form.is_valid():
            if form.cleaned_data["program"]:
                rows = rows.filter(program=form.cleaned_data["program"])
            if form.cleaned_data["period"]:
                rows = rows.filter(period=form.cleaned_data["period"].strip())
        return form, rows

    def get(self, request, *args, **kwargs):
        form, rows = self.statements(request.GET)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            table = [
                [
                    str(s.pk),
                    s.partner.name,
                    s.partner.external_id,
                    s.program.code,
                    s.period,
                    s.get_kind_display(),
                    s.get_status_display(),
                    s.currency,
                    s.total,
                ]
                for s in rows
            ]
            respond = csv_response if export == "csv" else xlsx_response
            return respond(f"payouts.{export}", [str(c) for c in PAYOUT_COLUMNS], table)
        return self.render_to_response(self.get_context_data(form=form, rows=rows))

    def get_context_data(self, **kwargs):
        rows = list(kwargs["rows"])
        totals: dict[str, Decimal] = {}
        for statement in rows:
            totals[statement.currency] = (
                totals.get(statement.currency, Decimal(0)) + statement.total
            )
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "issued": sum(1 for s in rows if s.status == Statement.Status.ISSUED),
            "totals": sorted(totals.items()),
            "query": self.request.GET.urlencode(),
            "may_pay": self.request.user.has_perm("incentives.pay_statement"),
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("incentives.pay_statement"):
            raise PermissionDenied
        chosen = request.POST.getlist("statement")
        issued = statements_for(request.user).filter(
            pk__in=[pk for pk in chosen if pk.isdigit()], status=Statement.Status.ISSUED
        )
        paid = 0
        for statement in issued:
            lifecycle.statement_pay(statement=statement, by=request.user)
            paid += 1
        if paid:
            messages.success(
                request,
                ngettext(
                    "%(count)s statement was marked paid.",
                    "%(count)s statements were marked paid.",
                    paid,
                )
                % {"count": paid},
            )
        else:
            messages.error(
                request,
                _("Tick the issued statements finance has paid, then mark them paid."),
            )
        return redirect(
            reverse("incentives_payouts") + "?" + request.POST.get("query", "")
        )
