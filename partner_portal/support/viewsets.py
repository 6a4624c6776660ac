"""The admin's ticket queue, categories, SLA targets and surveys (registered in
wagtail_hooks.py).

Tickets change only through the services, on the ticket's page
(`views.admin.TicketView`) and the queue's bulk assignment: the generic add, edit and
delete views are refused to everyone. The queue lists breached tickets first, then
those about to breach, then the others by their next target; a channel account
manager sees, filters and exports only their partners' tickets.

Surveys are written with their questions inline, then sent (`views.survey_admin`);
once sent, only the closing day changes and the survey is never deleted, so its
answers stay.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, When
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, MenuItem
from wagtail.coreutils import multigetattr
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from partner_portal.admin_columns import WordColumn
from partner_portal.partners.models import Region, Tier
from partner_portal.partners.ownership.admin import (
    PartnerOwnedPermissionPolicy,
    PartnerScopedViewSet,
    ScopedIndexView,
)
from partner_portal.partners.wording import name_in_language

from .models import Category, Priority, SlaTarget, Survey, Ticket
from .models.tickets import SLA_ORDER
from .sla import DUE_SOON
from .views.admin import BulkAssignView, SupportReportView, TicketView, agents
from .views.survey_admin import (
    SEND_PERMISSION,
    SurveyResultsView,
    SurveySendView,
    audience_description,
)

ticket_permission_policy = PartnerOwnedPermissionPolicy(
    Ticket, refused_actions={"add", "change", "delete"}
)
register_permission_policy(Ticket, ticket_permission_policy)

LISTING_TEMPLATE = "support/admin/listing.html"
UNRESOLVED = "unresolved"


def local_time(moment) -> str:
    """A moment as staff read it: "2026-12-04 16:00", in local time."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def assignee(ticket: Ticket) -> str:
    """The agent, else the group, the ticket is assigned to."""
    if ticket.assigned_to:
        return ticket.assigned_to.get_full_name() or ticket.assigned_to.get_username()
    return ticket.assigned_group.name if ticket.assigned_group else ""


def sla_label(ticket: Ticket) -> str:
    if ticket.sla_rank == 2:
        return str(_("Breached"))
    if ticket.sla_rank == 1:
        return str(_("Due within an hour"))
    if ticket.waiting_since and ticket.status == Ticket.Status.WAITING:
        return str(_("Paused"))
    return ""


class TicketFilterSet(WagtailFilterSet):
    """The queue's filters: what the ticket is and where it stands, its SLA, and
    whose it is."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(UNRESOLVED, _("Not resolved yet")), *Ticket.Status.choices],
        method="filter_status",
        empty_label=_("All"),
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, empty_label=_("All")
    )
    tier = django_filters.ModelChoiceFilter(
        label=_("Tier"),
        field_name="partner__tier",
        queryset=Tier.objects.order_by("rank"),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all()
    )
    sla = django_filters.ChoiceFilter(
        label=_("SLA"),
        choices=[
            ("breached", _("Breached")),
            ("due_soon", _("Due within an hour")),
            ("paused", _("Paused, waiting on the partner")),
        ],
        method="filter_sla",
        widget=forms.RadioSelect,
        empty_label=_("All"),
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"),
        choices=[
            ("unassigned", _("To no agent")),
            ("mine", _("To me")),
            ("my_groups", _("To my groups")),
        ],
        method="filter_assigned",
        widget=forms.RadioSelect,
        empty_label=_("Anyone"),
    )

    class Meta:
        model = Ticket
        fields = ["status", "priority", "tier", "category", "sla", "assigned"]

    def filter_status(self, queryset, name, value):
        if value == UNRESOLVED:
            return queryset.unresolved()
        return queryset.filter(status=value)

    def filter_sla(self, queryset, name, value):
        if value == "paused":
            return queryset.filter(
                status=Ticket.Status.WAITING, waiting_since__isnull=False
            )
        return queryset.filter(sla_rank=2 if value == "breached" else 1)

    def filter_assigned(self, queryset, name, value):
        user = self.request.user
        if value == "unassigned":
            return queryset.unresolved().filter(assigned_to__isnull=True)
        if value == "mine":
            return queryset.filter(assigned_to=user)
        return queryset.filter(assigned_group__in=user.groups.all())


class DueColumn(Column):
    """A due moment, marked when its target is missed."""

    cell_template_name = "support/admin/cells/due.html"


class SlaColumn(Column):
    """Breached, due within an hour or paused: a word with an icon."""

    cell_template_name = "support/admin/cells/sla.html"


class SelectColumn(Column):
    """A checkbox of the bulk assignment form, which sits outside the table."""

    cell_template_name = "support/admin/cells/select.html"
    header_template_name = "support/admin/cells/select_header.html"


# What the export's columns hold: {column: (heading, value of a row)}.
EXPORT_VALUES = {
    "number": (_("Ticket"), lambda ticket: ticket.number),
    "partner_external_id": (
        _("Partner external ID"),
        lambda ticket: ticket.partner.external_id,
    ),
    "partner_name": (_("Partner"), lambda ticket: ticket.partner.name),
    "tier": (_("Tier"), lambda ticket: str(ticket.partner.tier)),
    "subject": (_("Subject"), lambda ticket: ticket.subject),
    "category": (_("Category"), lambda ticket: name_in_language(ticket.category)),
    "priority": (_("Priority"), lambda ticket: ticket.get_priority_display()),
    "status": (_("Status"), lambda ticket: ticket.get_status_display()),
    "assigned": (_("Assigned to"), assignee),
    "created_at": (_("Opened"), lambda ticket: local_time(ticket.created_at)),
    "first_response_due": (
        _("First response due"),
        lambda ticket: local_time(ticket.first_response_due),
    ),
    "first_response_at": (
        _("First response"),
        lambda ticket: local_time(ticket.first_response_at),
    ),
    "resolution_due": (
        _("Resolution due"),
        lambda ticket: local_time(ticket.resolution_due),
    ),
    "resolved_at": (_("Resolved"), lambda ticket: local_time(ticket.resolved_at)),
    "sla": (_("SLA"), sla_label),
}


class TicketIndexView(ScopedIndexView):
    list_select_related = (
        "partner__tier",
        "category",
        "assigned_to",
        "assigned_group",
    )
    default_ordering = SLA_ORDER

    def get_list_more_buttons(self, instance):
        # The ticket's number opens its page, the only page it has.
        return []

    def get_base_queryset(self):
        return super().get_base_queryset().with_sla(timezone.now(), DUE_SOON)

    @cached_property
    def columns(self):
        # The checkboxes belong to the bulk assignment, for those who may assign.
        columns = super().columns
        if self.request.user.has_perm(TicketView.ANSWER_PERMISSION):
            return columns
        return [column for column in columns if not isinstance(column, SelectColumn)]

    def to_row_dict(self, item):
        return {
            column: EXPORT_VALUES[column][1](item)
            if column in EXPORT_VALUES
            else multigetattr(item, column)
            for column in self.list_export
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_assign"] = user.has_perm(TicketView.ANSWER_PERMISSION)
        if context["may_assign"]:
            context["assign_url"] = reverse("support_admin:assign")
            context["agents"] = agents()
            context["groups"] = BulkAssignView.group_choices()
        return context


class TicketViewSet(PartnerScopedViewSet):
    """The ticket queue and export, the ticket's page, bulk assignment and the
    reports; one URL namespace, `support_admin`."""

    model = Ticket
    icon = "help"
    menu_label = _("Tickets")
    url_prefix = "support/tickets"
    url_namespace = "support_admin"
    index_view_class = TicketIndexView
    index_template_name = LISTING_TEMPLATE
    inspect_view_enabled = False
    copy_view_enabled = False
    exclude_form_fields = []
    search_backend_name = None
    search_fields = ["subject", "partner__name", "partner__external_id"]
    filterset_class = TicketFilterSet
    list_per_page = 50
    list_display = [
        SelectColumn("select", label=_("Select")),
        TitleColumn(
            "number",
            label=_("Ticket"),
            get_url=lambda ticket: reverse("support_admin:ticket", args=[ticket.pk]),
            sort_key="pk",
        ),
        SlaColumn("sla", label=_("SLA")),
        Column(
            "partner",
            label=_("Partner"),
            accessor="partner.name",
            sort_key="partner__name",
            classname="support-wrap",
        ),
        Column("subject", label=_("Subject"), classname="support-wrap"),
        Column(
            "category",
            label=_("Category"),
            accessor=lambda ticket: name_in_language(ticket.category),
        ),
        Column(
            "priority",
            label=_("Priority"),
            accessor="get_priority_display",
            sort_key="priority",
        ),
        Column(
            "status",
            label=_("Status"),
            accessor="get_status_display",
            sort_key="status",
        ),
        Column("assigned", label=_("Agent or group"), accessor=assignee),
        DueColumn(
            "first_response_due",
            label=_("First response due"),
            sort_key="first_response_due",
        ),
        DueColumn(
            "resolution_due", label=_("Resolution due"), sort_key="resolution_due"
        ),
    ]
    list_export = list(EXPORT_VALUES)
    export_headings = {
        column: heading for column, (heading, _value) in EXPORT_VALUES.items()
    }
    export_filename = "support-tickets"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/", TicketView.as_view(), name="ticket"),
            path("assign/", BulkAssignView.as_view(), name="assign"),
            path("reports/", SupportReportView.as_view(), name="reports"),
        ]


class CategoryViewSet(ModelViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    url_prefix = "support/categories"
    url_namespace = "support_category"
    index_template_name = LISTING_TEMPLATE
    list_display = [
        "name",
        "name_zh",
        "code",
        "group",
        "sort_order",
        WordColumn("active", label=_("Offered"), yes=_("Offered"), no=_("Withdrawn")),
    ]
    list_filter = ["active", "group"]
    search_fields = ["name", "name_zh", "code"]
    search_backend_name = None
    panels = [
        FieldPanel("name"),
        FieldPanel("name_zh"),
        FieldPanel("code"),
        FieldPanel("group"),
        FieldPanel("sort_order"),
        FieldPanel("active"),
    ]


# Urgent first, as agents read the targets.
PRIORITY_RANK = Case(
    *(
        When(priority=value, then=rank)
        for rank, value in enumerate(reversed(Priority.values))
    ),
    output_field=IntegerField(),
)


class SlaTargetIndexView(ModelViewSet.index_view_class):
    """The targets by tier, lowest first, and within a tier by priority."""

    default_ordering = ("tier__rank", "priority_rank")

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(priority_rank=PRIORITY_RANK)


class SlaTargetViewSet(ModelViewSet):
    model = SlaTarget
    icon = "time"
    menu_label = _("SLA targets")
    url_prefix = "support/sla-targets"
    url_namespace = "support_sla_target"
    index_template_name = LISTING_TEMPLATE
    index_view_class = SlaTargetIndexView
    list_display = ["tier", "priority", "first_response_hours", "resolution_hours"]
    list_filter = ["tier", "priority"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldPanel("tier"),
        FieldPanel("priority"),
        FieldPanel(
            "first_response_hours",
            help_text=_(
                "Business hours of the working calendar (Settings → Working "
                "calendar) from opening to the first public reply."
            ),
        ),
        FieldPanel(
            "resolution_hours",
            help_text=_(
                "Business hours from opening to resolution; the clock stops while "
                "the ticket waits on the partner. Tickets keep the targets they "
                "opened with."
            ),
        ),
    ]


class SurveyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions; a sent survey is deleted by nobody, so its answers stay."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.sent_at is not None:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


survey_permission_policy = SurveyPermissionPolicy(Survey)
register_permission_policy(Survey, survey_permission_policy)


class SurveyClosingForm(WagtailAdminModelForm):
    """A closing day from today on (or the one the survey has)."""

    def clean_closes_on(self):
        day = self.cleaned_data.get("closes_on")
        if day and day < timezone.localdate() and day != self.instance.closes_on:
            raise ValidationError(_("Choose a closing day from today on."))
        return day


class SurveyForm(SurveyClosingForm):
    """A draft survey: its regions as boxes to tick, from the list."""

    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=lambda: Region.objects.choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to ask partners in every region."),
    )


def survey_status(survey: Survey) -> str:
    if survey.sent_at is None:
        return str(_("Draft"))
    if survey.is_closed(timezone.localdate()):
        return str(_("Closed"))
    return str(_("Open"))


class SurveyIndexView(ModelViewSet.index_view_class):
    def get_delete_url(self, instance):
        return None if instance.sent_at else super().get_delete_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.sent_at is None:
            buttons.append(
                MenuItem(
                    _("Send"),
                    url=reverse("support_survey:send", args=[instance.pk]),
                    icon_name="mail",
                    priority=15,
                    permission=SEND_PERMISSION,
                )
            )
        else:
            buttons.append(
                MenuItem(
                    pgettext_lazy("survey", "Results"),
                    url=reverse("support_survey:results", args=[instance.pk]),
                    icon_name="table",
                    priority=5,
                )
            )
        return buttons


class SurveyEditView(ModelViewSet.edit_view_class):
    """Everything of a draft; of a sent survey, the closing day only."""

    sent_panel = None

    @cached_property
    def sent(self) -> bool:
        return Survey.objects.filter(pk=self.object_pk, sent_at__isnull=False).exists()

    def get_panel(self):
        return self.sent_panel if self.sent else super().get_panel()

    def get_form_class(self):
        return self.panel.get_form_class()

    @cached_property
    def header_more_buttons(self):
        survey = self.object
        if survey.sent_at is not None:
            extra = Button(
                pgettext_lazy("survey", "Results"),
                url=reverse("support_survey:results", args=[survey.pk]),
                icon_name="table",
                priority=5,
            )
        elif self.request.user.has_perm(SEND_PERMISSION):
            extra = Button(
                _("Send"),
                url=reverse("support_survey:send", args=[survey.pk]),
                icon_name="mail",
                priority=5,
            )
        else:
            return super().header_more_buttons
        return [extra, *super().header_more_buttons]


class SurveyDeleteView(ModelViewSet.delete_view_class):
    def get_object(self, queryset=None):
        survey = super().get_object(queryset)
        if survey.sent_at is not None:
            raise PermissionDenied
        return survey


class AudiencePanel(HelpPanel):
    """Whom a sent survey went to, in a sentence, read only."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.content = audience_description(self.instance)


SURVEY_PANELS = [
    FieldPanel("title"),
    FieldPanel("title_zh"),
    FieldPanel("introduction"),
    FieldPanel("introduction_zh"),
    FieldPanel("tiers", widget=forms.CheckboxSelectMultiple),
    FieldPanel("regions"),
    FieldPanel(
        "closes_on",
        help_text=_(
            "Partners answer until the end of this day. Leave empty to keep the "
            "survey open."
        ),
    ),
]


class SurveyViewSet(ModelViewSet):
    """Surveys: the list, the form with the questions inline, sending, results;
    one URL namespace, `support_survey`."""

    model = Survey
    icon = "form"
    menu_label = _("Surveys")
    url_prefix = "support/surveys"
    url_namespace = "support_survey"
    permission_policy = survey_permission_policy
    index_view_class = SurveyIndexView
    edit_view_class = SurveyEditView
    delete_view_class = SurveyDeleteView
    index_template_name = LISTING_TEMPLATE
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None
    search_fields = ["title", "title_zh"]
    list_display = [
        "title",
        Column("status", label=_("Status"), accessor=survey_status),
        Column("sent_at", label=_("Sent"), accessor=lambda s: local_time(s.sent_at)),
        Column("closes_on", label=_("Closes on"), sort_key="closes_on"),
    ]
    edit_handler = ObjectList(
        [
            *SURVEY_PANELS,
            InlinePanel(
                "questions",
                heading=_("Optional questions"),
                label=_("optional question"),
                help_text=_(
                    "Asked after the score and its reason; partners answer in "
                    "their own words."
                ),
                panels=[FieldPanel("text"), FieldPanel("text_zh")],
            ),
        ],
        base_form_class=SurveyForm,
    )

    @cached_property
    def sent_edit_handler(self):
        return ObjectList(
            [
                HelpPanel(
                    content=_(
                        "This survey is sent: only its closing day can change. "
                        "Partners answer until the end of that day."
                    )
                ),
                *(
                    FieldPanel(name, read_only=True)
                    for name in ("title", "title_zh", "introduction", "introduction_zh")
                ),
                AudiencePanel(heading=_("Who is asked")),
                FieldPanel("closes_on"),
            ],
            base_form_class=SurveyClosingForm,
        ).bind_to_model(Survey)

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(sent_panel=self.sent_edit_handler, **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/send/", SurveySendView.as_view(), name="send"),
            path("<int:pk>/results/", SurveyResultsView.as_view(), name="results"),
        ]
