"""The admin's ticket page, bulk assignment and support report.

The ticket page (`support_admin:ticket`) shows the thread with internal notes set
apart, the attachments, the SLA due moments and state, and the partner's tier.
Staff holding `support.answer_ticket` reply (publicly, asking the partner and so
stopping the clock, or as an internal note, each with files), change the status and
assign the ticket; others see the page only. Every ticket is found through the
ticket policy: one outside the user's reach is a 404.
"""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView, View

from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import AdminDateInput

from partner_portal.partners.models import User
from partner_portal.partners.ownership import partner_owned
from partner_portal.request_limits import upload_limit
from partner_portal.tabular.export import csv_response, xlsx_response

from .. import charts, reports
from ..models import Deflection, Ticket, TicketAttachment, TicketMessage
from ..services.tickets import (
    STATUS_CHANGES,
    ticket_assign,
    ticket_reply,
    ticket_status_set,
)
from ..sla import sla_state

ANSWER_PERMISSION = "support.answer_ticket"
VIEW_PERMISSION = "support.view_ticket"


def agents():
    """Active staff who may answer tickets, by name."""
    permission = Permission.objects.filter(
        content_type__app_label="support", codename="answer_ticket"
    )
    return (
        User.objects.filter(is_staff=True, is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (none too); each is checked by the ticket service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(one, initial) for one in files]


class ReplyForm(forms.Form):
    PUBLIC = "public"
    WAIT = "wait"
    INTERNAL = "internal"

    body = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Write a message.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Send as"),
        choices=[
            (PUBLIC, gettext_lazy("A reply to the partner")),
            (WAIT, gettext_lazy("A question to the partner: wait for their answer")),
            (INTERNAL, gettext_lazy("An internal note: staff only")),
        ],
        initial=PUBLIC,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Asking the partner stops the resolution clock until they answer. "
            "Partners never see internal notes, nor the files attached to them."
        ),
    )
    attachments = MultipleFileField(
        label=gettext_lazy("Attachments"),
        help_text=gettext_lazy(
            "PDF, images, XLSX, CSV, DOCX, text or log files; up to 10 files."
        ),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("New status"))

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = STATUS_CHANGES[ticket.status]
        self.fields["status"].choices = [
            (value, label) for value, label in Ticket.Status.choices if value in allowed
        ]


class AssignForm(forms.Form):
    agent = AgentChoiceField(
        label=gettext_lazy("Agent"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("No agent"),
    )
    group = forms.ModelChoiceField(
        label=gettext_lazy("Group"),
        queryset=Group.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Keep the group"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents()


class _TicketScopeMixin:
    """Staff who may view tickets; any ticket outside their reach is a 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def visible_tickets(self):
        return partner_owned.policy_for(Ticket).visible_to(self.request.user)

    @property
    def may_answer(self) -> bool:
        return self.request.user.has_perm(ANSWER_PERMISSION)


@method_decorator(upload_limit("TICKET_UPLOAD_MAX_BYTES"), name="dispatch")
class TicketView(_TicketScopeMixin, WagtailAdminTemplateMixin, TemplateView):
    """A ticket, its thread and SLA, and what an agent does to it."""

    ANSWER_PERMISSION = ANSWER_PERMISSION
    template_name = "support/admin/ticket.html"
    header_icon = "help"

    @cached_property
    def ticket(self) -> Ticket:
        ticket = (
            self.visible_tickets()
            .select_related(
                "partner__tier",
                "category",
                "product",
                "opened_by",
                "assigned_to",
                "assigned_group",
            )
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if ticket is None:
            raise Http404
        return ticket

    def get_page_title(self):
        return _("Ticket #%(number)s") % {"number": self.ticket.number}

    def get_page_subtitle(self):
        return self.ticket.subject

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("support_admin:index"), "label": _("Tickets")},
            {"url": "", "label": self.get_page_title()},
        ]

    def thread(self):
        documents = TicketAttachment.objects.select_related("document")
        return (
            TicketMessage.objects.filter(ticket=self.ticket)
            .select_related("author")
            .prefetch_related(Prefetch("attachments", queryset=documents))
        )

    def get_context_data(self, **kwargs):
        ticket = self.ticket
        now = timezone.now()
        may_answer = self.may_answer
        open_ticket = ticket.status != Ticket.Status.CLOSED
        return {
            **super().get_context_data(**kwargs),
            "ticket": ticket,
            "sla": sla_state(ticket, now),
            "messages_": self.thread(),
            "ticket_files": ticket.attachments.filter(
                message__isnull=True
            ).select_related("document"),
            "events": ticket.events.select_related("by", "assigned_to"),
            "may_answer": may_answer,
            "may_reply": may_answer and open_ticket,
            "reply_form": kwargs.get("reply_form") or ReplyForm(),
            "status_form": kwargs.get("status_form")
            or (StatusForm(ticket=ticket) if STATUS_CHANGES[ticket.status] else None),
            "assign_form": kwargs.get("assign_form")
            or AssignForm(
                initial={
                    "agent": ticket.assigned_to_id,
                    "group": ticket.assigned_group_id,
                }
            ),
        }

    def post(self, request, *args, **kwargs):
        ticket = self.ticket
        if not self.may_answer:
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "status":
            return self.change_status(request, ticket)
        if action == "assign":
            return self.assign(request, ticket)
        return self.reply(request, ticket)

    def reply(self, request, ticket):
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                ticket_reply(
                    ticket=ticket,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    internal=kind == ReplyForm.INTERNAL,
                    waiting=kind == ReplyForm.WAIT,
                    files=form.cleaned_data["attachments"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, REPLIED[kind])
                return redirect("support_admin:ticket", ticket.pk)
        return self.render_to_response(self.get_context_data(reply_form=form))

    def change_status(self, request, ticket):
        form = StatusForm(request.POST, ticket=ticket)
        if form.is_valid():
            try:
                changed = ticket_status_set(
                    ticket=ticket, by=request.user, status=form.cleaned_data["status"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The ticket is now %(status)s.")
                    % {"status": changed.get_status_display().lower()},
                )
                return redirect("support_admin:ticket", ticket.pk)
        return self.render_to_response(self.get_context_data(status_form=form))

    def assign(self, request, ticket):
        form = AssignForm(request.POST)
        if form.is_valid():
            ticket_assign(
                ticket=ticket,
                by=request.user,
                agent=form.cleaned_data["agent"],
                group=form.cleaned_data["group"],
            )
            messages.success(request, _("The ticket's assignment is saved."))
            return redirect("support_admin:ticket", ticket.pk)
        return self.render_to_response(self.get_context_data(assign_form=form))


REPLIED = {
    ReplyForm.PUBLIC: gettext_lazy("Your reply is sent to the partner."),
    ReplyForm.WAIT: gettext_lazy(
        "Your question is sent; the ticket waits on the partner and its clock stops."
    ),
    ReplyForm.INTERNAL: gettext_lazy("Your internal note is saved; staff only see it."),
}


def _add_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: under the field it names, or above all."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class BulkAssignView(_TicketScopeMixin, View):
    """Assigns the tickets ticked in the queue to an agent, a group or both."""

    http_method_names = ["post"]

    @staticmethod
    def group_choices():
        return Group.objects.order_by("name")

    def post(self, request):
        if not self.may_answer:
            raise PermissionDenied
        form = AssignForm(request.POST)
        ids = [value for value in request.POST.getlist("ticket") if value.isdigit()]
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
            back = reverse("support_admin:index")
        if not ids:
            messages.error(request, _("Tick the tickets to assign first."))
            return redirect(back)
        if not form.is_valid():
            messages.error(request, _("Choose an agent who may answer tickets."))
            return redirect(back)
        agent, group = form.cleaned_data["agent"], form.cleaned_data["group"]
        if agent is None and group is None:
            messages.error(request, _("Choose an agent, a group or both."))
            return redirect(back)
        tickets = list(self.visible_tickets().filter(pk__in=ids))
        if len(tickets) != len(set(ids)):
            raise Http404
        for ticket in tickets:
            ticket_assign(
                ticket=ticket,
                by=request.user,
                agent=agent if agent is not None else ticket.assigned_to,
                group=group,
            )
        messages.success(
            request,
            ngettext(
                "%(count)d ticket is assigned.",
                "%(count)d tickets are assigned.",
                len(tickets),
            )
            % {"count": len(tickets)},
        )
        return redirect(back)


class PeriodForm(forms.Form):
    first = forms.DateField(label=gettext_lazy("From"), widget=AdminDateInput)
    last = forms.DateField(label=gettext_lazy("To"), widget=AdminDateInput)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            raise ValidationError(_("The period ends before it starts."))
        if first and last and (last - first).days > 731:
            raise ValidationError(_("Choose a period of at most two years."))
        return data


# The exports of the report's tables: ?export=csv&table=volume.
EXPORT_TABLES = ("volume", "sla", "satisfaction", "deflections")


class SupportReportView(_TicketScopeMixin, WagtailAdminTemplateMixin, TemplateView):
    """Support → Reports: volume, SLA compliance, satisfaction and deflections for
    a period, of the tickets the user may see; each table as CSV and XLSX."""

    template_name = "support/admin/reports.html"
    page_title = gettext_lazy("Support report")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def period(self) -> tuple[PeriodForm, reports.Period]:
        today = timezone.localdate()
        default = {"first": today - dt.timedelta(weeks=12), "last": today}
        form = PeriodForm(self.request.GET if "first" in self.request.GET else None)
        if form.is_bound and form.is_valid():
            return form, reports.Period(**form.cleaned_data)
        if not form.is_bound:
            form = PeriodForm(initial=default)
        return form, reports.Period(**default)

    def figures(self, period: reports.Period) -> dict:
        user = self.request.user
        tickets = self.visible_tickets()
        rows, total = reports.sla_compliance(tickets, period, timezone.now())
        return {
            "volume": reports.volume(tickets, period),
            "sla_rows": rows,
            "sla_total": total,
            "satisfaction": reports.satisfaction(tickets, period),
            "deflections": reports.deflections(
                partner_owned.policy_for(Deflection).visible_to(user), tickets, period
            ),
        }

    def get(self, request, *args, **kwargs):
        form, period = self.period()
        figures = self.figures(period)
        table = request.GET.get("table")
        export = request.GET.get("export")
        if export in ("csv", "xlsx") and table in EXPORT_TABLES:
            header, rows = EXPORTS[table](figures)
            name = f"support-{table}-{period.first}-{period.last}.{export}"
            respond = csv_response if export == "csv" else xlsx_response
            return respond(name, header, rows)
        query = urlencode(
            {"first": period.first.isoformat(), "last": period.last.isoformat()}
        )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                period=period,
                query_string=query,
                tables={name: EXPORTS[name](figures) for name in EXPORT_TABLES},
                charts=_charts(figures),
                **figures,
            )
        )


def _charts(figures) -> dict:
    """The report's charts; None where there is nothing to draw."""
    return {
        "volume": charts.volume_chart(figures["volume"]),
        "sla": charts.compliance_chart(figures["sla_rows"]),
        "satisfaction": charts.satisfaction_chart(figures["satisfaction"]),
        "deflections": charts.deflections_chart(figures["deflections"]),
    }


def _volume_table(figures):
    volume = figures["volume"]
    header = [_("Week of"), *volume.categories, _("All categories")]
    rows = [
        [
            week.isoformat(),
            *(volume.counts[week][name] for name in volume.categories),
            volume.total(week),
        ]
        for week in volume.weeks
    ]
    return header, rows


def _sla_table(figures):
    header = [
        _("Priority"),
        _("Opened"),
        _("Answered"),
        _("Answered on time"),
        _("Not answered, past target"),
        _("First response target met (%)"),
        _("Average hours to first response"),
        _("Resolved"),
        _("Resolved on time"),
        _("Not resolved, past target"),
        _("Resolution target met (%)"),
        _("Average hours to resolution"),
    ]
    rows = [
        [
            row.label or _("All priorities"),
            row.opened,
            row.answered,
            row.answered_on_time,
            row.response_overdue,
            row.response_compliance,
            row.response_hours,
            row.resolved,
            row.resolved_on_time,
            row.resolution_overdue,
            row.resolution_compliance,
            row.resolution_hours,
        ]
        for row in [*figures["sla_rows"], figures["sla_total"]]
    ]
    return header, rows


def _satisfaction_table(figures):
    satisfaction = figures["satisfaction"]
    rows = [[str(score), count] for score, count in satisfaction.scores.items()]
    rows.append([_("All ratings"), satisfaction.count])
    rows.append([_("Average rating"), satisfaction.average])
    return [_("Rating"), _("Ratings")], rows


def _deflections_table(figures):
    deflections = figures["deflections"]
    rows = [[query, count] for query, count in deflections.top_queries]
    rows.append([_("All answers opened instead of a ticket"), deflections.count])
    rows.append([_("Tickets opened"), deflections.tickets_opened])
    return [_("Subject typed"), _("Answers opened")], rows


EXPORTS = {
    "volume": _volume_table,
    "sla": _sla_table,
    "satisfaction": _satisfaction_table,
    "deflections": _deflections_table,
}
