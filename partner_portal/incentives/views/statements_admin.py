"""The admin's statement pages: run a period, watch the run, take a statement's
steps, follow a line to its sales lines (payouts: payouts_admin; disputes:
disputes_admin).

Every page asks the Statement's ownership policy which statements the user reaches
(a channel account manager: those of their partners), and a statement outside it
answers 404; each step needs its model permission as well.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from partner_portal.partners.ownership import partner_owned

from ..models import (
    Program,
    Statement,
    StatementRun,
)
from ..periods import PeriodError, closed_periods, program_period
from ..statements import lifecycle
from ..statements.admin_runs import statement_run_start
from ..statements.sources import line_sources, line_sources_total
from ..statements.wording import line_rule

SOURCES_PER_PAGE = 50
# step: (the permission it needs, the service, the status it leads to)
STEPS = {
    "approve": (
        "incentives.approve_statement",
        lifecycle.statement_approve,
        Statement.Status.APPROVED,
    ),
    "issue": (
        "incentives.issue_statement",
        lifecycle.statement_issue,
        Statement.Status.ISSUED,
    ),
    "pay": ("incentives.pay_statement", lifecycle.statement_pay, Statement.Status.PAID),
}


def statements_for(user):
    return partner_owned.policy_for(Statement).visible_to(user)


def _statement(user, pk) -> Statement:
    return get_object_or_404(
        statements_for(user).select_related("partner", "program", "tier"), pk=pk
    )


class RunForm(forms.Form):
    program = forms.ModelChoiceField(
        label=gettext_lazy("Program"), queryset=Program.objects.order_by("code")
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=7,
        help_text=gettext_lazy(
            "Like 2026-07 for a monthly program, 2026-Q3 for a quarterly one, 2026 "
            "for a yearly one. Drafts are replaced; issued statements get "
            "adjustments."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("program") and data.get("period"):
            try:
                data["period"] = program_period(data["program"], data["period"]).label
            except PeriodError as error:
                self.add_error("period", str(error))
        return data


class _MayRun:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("incentives.change_statement"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def run_breadcrumbs(self):
        """Home, the programs (where "Run statements" is), the run form."""
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("incentives_program:index"),
                "label": capfirst(Program._meta.verbose_name_plural),
            },
            {
                "url": reverse("incentives_statement_run_start"),
                "label": _("Run statements"),
            },
        ]


class StatementRunStartView(_MayRun, WagtailAdminTemplateMixin, FormView):
    template_name = "incentives/admin/statement_run_form.html"
    page_title = gettext_lazy("Run statements")
    header_icon = "resubmit"
    form_class = RunForm

    def get_breadcrumbs_items(self):
        *items, form = self.run_breadcrumbs()
        return [*items, {**form, "url": ""}]

    def get_initial(self):
        program = Program.objects.filter(code=self.request.GET.get("program")).first()
        if program is None:
            return {}
        return {
            "program": program,
            # The latest period that has ended: the one most often run.
            "period": next(iter(closed_periods(program, timezone.localdate(), 1)), ""),
        }

    def get_context_data(self, **kwargs):
        runs = StatementRun.objects.select_related("program", "started_by")[:10]
        return {**super().get_context_data(**kwargs), "runs": runs}

    def form_valid(self, form):
        run = statement_run_start(
            program=form.cleaned_data["program"],
            period_label=form.cleaned_data["period"],
            by=self.request.user,
        )
        return redirect("incentives_statement_run", pk=run.pk)


class StatementRunView(_MayRun, WagtailAdminTemplateMixin, TemplateView):
    template_name = "incentives/admin/statement_run.html"
    page_title = gettext_lazy("Statement run")
    header_icon = "resubmit"

    @cached_property
    def run(self):
        return get_object_or_404(
            StatementRun.objects.select_related("program"), pk=self.kwargs["pk"]
        )

    def get_page_subtitle(self):
        return str(self.run)

    def get_breadcrumbs_items(self):
        return [*self.run_breadcrumbs(), {"url": "", "label": str(self.run)}]

    def get_context_data(self, **kwargs):
        run = self.run
        statements = statements_for(self.request.user).filter(
            program=run.program, period=run.period
        )
        return {
            **super().get_context_data(**kwargs),
            "run": run,
            "drafts": statements.filter(status=Statement.Status.DRAFT).count(),
            "list_url": reverse("incentives_statement:index")
            + f"?program={run.program_id}&period={run.period}"
            + f"&status={Statement.Status.DRAFT}",
        }


class StatementStepView(View):
    """POST: take the next step of one statement (approve, issue, pay)."""

    def post(self, request, pk, step):
        if step not in STEPS:
            raise Http404
        permission, service, status = STEPS[step]
        statement = _statement(request.user, pk)
        if not request.user.has_perm(permission):
            raise PermissionDenied
        try:
            service(
                statement=statement, by=request.user, note=request.POST.get("note", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(statement)s is now %(status)s.")
                % {
                    "statement": statement,
                    "status": status.label.lower(),
                },
            )
        return redirect("incentives_statement:inspect", statement.pk)


class StatementLineSourcesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "incentives/admin/statement_line_sources.html"
    page_title = pgettext_lazy("page title", "Sales lines counted")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("incentives.view_statement"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def statement(self):
        return _statement(self.request.user, self.kwargs["pk"])

    @cached_property
    def line(self):
        return get_object_or_404(self.statement.lines, number=self.kwargs["number"])

    def get_page_subtitle(self):
        return _("Line %(number)s: %(rule)s") % {
            "number": self.line.number,
            "rule": line_rule(self.line),
        }

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("incentives_statement:index"),
                "label": capfirst(Statement._meta.verbose_name_plural),
            },
            {
                "url": reverse(
                    "incentives_statement:inspect", args=[self.statement.pk]
                ),
                "label": str(self.statement),
            },
            {
                "url": "",
                "label": self.get_page_title(),
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get_context_data(self, **kwargs):
        line = self.line
        count, amount, quantity = line_sources_total(line)
        paginator = WagtailPaginator(range(count), SOURCES_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        sources = line_sources(
            line, offset=(page.number - 1) * SOURCES_PER_PAGE, limit=SOURCES_PER_PAGE
        )
        return {
            **super().get_context_data(**kwargs),
            "statement": self.statement,
            "line": line,
            "sources": sources,
            "page_obj": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "count": count,
            "amount": amount,
            "quantity": quantity,
        }
