"""The partner's incentives in the portal: programs, this period's estimate, issued
statements line by line down to the sales lines each counted, and disputes.

Partner admins and sales users of a partner with access see them (the partner-owned
policy of `Statement`); everyone else, and every statement, line or dispute outside
the user's partner or not yet issued, answers 404.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from partner_portal.home_cards import Todo
from partner_portal.partners.ownership import partner_owned
from partner_portal.tabular.export import csv_response

from ..models import Dispute, Program, Statement
from ..statements import wording
from ..statements.estimates import running_estimates
from ..statements.lifecycle import dispute_open, dispute_reply
from ..statements.pdf import statement_pdf
from ..statements.selectors import (
    PARTNER_STATUSES,
    disputes_visible_to,
    partner_programs,
    statement_steps,
    statements_visible_to,
)
from ..statements.sources import line_sources, line_sources_total

PAGE_SIZE = 50


class DisputeMessageForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Say what you expected and why: an invoice, a date, an amount."
        ),
    )


def _partner(request):
    return partner_owned.policy_for(Statement).partner_or_404(request.user)


def _statement(request, pk) -> Statement:
    _partner(request)
    return get_object_or_404(
        statements_visible_to(request.user).select_related(
            "program", "partner", "tier"
        ),
        pk=pk,
    )


def _line(request, pk, number):
    statement = _statement(request, pk)
    line = get_object_or_404(statement.lines, number=number)
    line.statement = statement
    return line


def _program_status(program: Program, today: datetime.date) -> str:
    if today < program.start:
        return "upcoming"
    return "running" if today <= program.end else "ended"


class _LineSources:
    """A line's sales lines as a Paginator reads them: counted once, then fetched a
    page at a time (`statements.sources` reads the ledger as the line counted it)."""

    def __init__(self, line):
        self.line = line
        self.total, self.amount, self.quantity = line_sources_total(line)

    def count(self) -> int:
        return self.total

    def __getitem__(self, window: slice):
        return line_sources(
            self.line, offset=window.start, limit=window.stop - window.start
        )


@login_required
@require_GET
def incentives_home(request):
    partner = _partner(request)
    today = timezone.localdate()
    statements = statements_visible_to(request.user)
    programs = list(
        partner_programs(partner, statements, today=today).prefetch_related(
            "eligible_tiers"
        )
    )
    listed = statements.select_related("program").order_by(
        "-period_end", "program__name", "sequence"
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/incentives/home.html",
        {
            "partner": partner,
            "today": today,
            "estimates": running_estimates(partner, programs, today=today),
            "programs": [
                {
                    "program": program,
                    "status": _program_status(program, today),
                    "eligible": partner.tier in program.eligible_tiers.all(),
                    "terms": wording.program_terms(program, partner.tier.code),
                }
                for program in programs
            ],
            "page": page,
        },
    )


@login_required
@require_GET
def statement_detail(request, pk):
    statement = _statement(request, pk)
    lines = statement.lines.prefetch_related("disputes")
    for line in lines:
        line.open_dispute = next(
            (d for d in line.disputes.all() if d.status == Dispute.Status.OPEN), None
        )
    return render(
        request,
        "portal/incentives/statement.html",
        {
            "statement": statement,
            "lines": lines,
            "steps": statement_steps(statement),
            "related": statements_visible_to(request.user)
            .of(
                partner=statement.partner,
                program=statement.program,
                period=statement.period,
            )
            .exclude(pk=statement.pk)
            .order_by("sequence"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_detail(request, pk, number):
    line = _line(request, pk, number)
    statement = line.statement
    form = DisputeMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = dispute_open(
                line=line, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your dispute is sent. The vendor's team will answer here."),
            )
            return redirect("incentive-dispute", dispute.pk)
    sources = _LineSources(line)
    disputes = line.disputes.prefetch_related("messages__author")
    return render(
        request,
        "portal/incentives/line.html",
        {
            "statement": statement,
            "line": line,
            "sources": sources,
            "page": Paginator(sources, PAGE_SIZE).get_page(request.GET.get("page")),
            "bands": wording.bands_crossed(line),
            "disputes": disputes,
            "may_dispute": statement.status in PARTNER_STATUSES
            and not any(d.status == Dispute.Status.OPEN for d in disputes),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def dispute_detail(request, pk):
    _partner(request)
    dispute = get_object_or_404(
        disputes_visible_to(request.user).select_related(
            "line__statement__program", "line__statement__partner"
        ),
        pk=pk,
    )
    form = DisputeMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute_reply(
                dispute=dispute, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your reply is sent."))
            return redirect("incentive-dispute", dispute.pk)
    return render(
        request,
        "portal/incentives/dispute.html",
        {
            "dispute": dispute,
            "line": dispute.line,
            "statement": dispute.line.statement,
            "thread": dispute.messages.select_related("author"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _filename(statement: Statement, suffix: str) -> str:
    name = f"statement-{statement.program.code}-{statement.period}"
    if statement.sequence:
        name += f"-adjustment-{statement.sequence}"
    return f"{name}{suffix}"


@login_required
@require_GET
def statement_pdf_download(request, pk):
    statement = _statement(request, pk)
    response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(statement, ".pdf")}"'
    )
    return response


@login_required
@require_GET
def statement_csv_download(request, pk):
    statement = _statement(request, pk)
    header = [
        _("Line"),
        _("Rule"),
        _("SKUs"),
        _("Basis"),
        _("Basis amount"),
        _("Rate (%)"),
        _("Amount per unit"),
        _("Amount"),
        _("Currency"),
        _("Sales lines counted"),
    ]
    rows = [
        [
            line.number,
            wording.line_rule(line),
            wording.line_skus(line),
            line.get_basis_kind_display(),
            line.basis,
            line.rate,
            line.unit_amount,
            line.amount,
            statement.currency,
            line.source_count,
        ]
        for line in statement.lines.all()
    ]
    return csv_response(_filename(statement, ".csv"), header, rows)


@login_required
@require_GET
def line_csv_download(request, pk, number):
    line = _line(request, pk, number)
    currency = line.statement.currency
    header = [
        _("Invoice"),
        _("Line"),
        _("Date"),
        _("SKU"),
        _("Quantity"),
        _("Amount"),
        _("Currency"),
    ]
    rows = [
        [
            source.invoice_number,
            source.line_number,
            source.date.isoformat(),
            source.sku,
            source.quantity,
            source.amount,
            currency,
        ]
        for source in line_sources(line)
    ]
    return csv_response(
        _filename(line.statement, f"-line-{line.number}.csv"), header, rows
    )


def statement_todos(request) -> list[Todo]:
    """The partner home's to-dos: each issued statement not paid yet, to check
    (and dispute a line of) while it can still be corrected before the payout."""
    return [
        Todo(
            _("Review your statement %(program)s · %(period)s (%(total)s).")
            % {
                "program": statement.program.name,
                "period": statement.period,
                "total": wording.money(statement.total, statement.currency),
            },
            reverse("incentive-statement", args=[statement.pk]),
        )
        for statement in statements_visible_to(request.user)
        .filter(status=Statement.Status.ISSUED)
        .select_related("program")
        .order_by("period_end", "sequence")
    ]


def incentives_card(request):
    """Context of the partner home's incentives card: this period's estimate of each
    running program and the last issued statement; hidden from other roles."""
    partner = partner_owned.policy_for(Statement).partner_of(request.user)
    if partner is None:
        return None
    today = timezone.localdate()
    statements = statements_visible_to(request.user)
    programs = partner_programs(partner, statements, today=today)
    estimates = running_estimates(partner, programs, today=today)
    last = (
        statements.select_related("program")
        .order_by("-period_end", "-sequence")
        .first()
    )
    if not estimates and last is None:
        return None
    return {"estimates": estimates, "last": last}
