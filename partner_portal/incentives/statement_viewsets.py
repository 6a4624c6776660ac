"""The admin's incentive programs, statements and disputes (registered in
wagtail_hooks.py with the sales viewsets)."""

from django import forms
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import register_permission_policy

import django_filters

from partner_portal.partners.ownership.admin import (
    PartnerOwnedPermissionPolicy,
    PartnerScopedViewSet,
    ScopedIndexView,
    ScopedInspectView,
)

from .models import Dispute, Program, Statement
from .statements import wording
from .statements.lifecycle import next_status
from .views.disputes_admin import DisputeInspectView
from .views.statements_admin import (
    STEPS,
    StatementLineSourcesView,
    StatementStepView,
)

# Statements change through runs and their steps, disputes through their thread:
# the generic add, edit and delete views are refused to everyone.
NO_GENERIC_WRITES = {"add", "change", "delete"}
statement_permission_policy = PartnerOwnedPermissionPolicy(
    Statement, refused_actions=NO_GENERIC_WRITES
)
dispute_permission_policy = PartnerOwnedPermissionPolicy(
    Dispute, refused_actions=NO_GENERIC_WRITES
)
register_permission_policy(Statement, statement_permission_policy)
register_permission_policy(Dispute, dispute_permission_policy)


class ProgramIndexView(ModelViewSet.index_view_class):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("incentives.change_statement"):
            buttons.append(
                HeaderButton(
                    _("Run statements"),
                    url=reverse("incentives_statement_run_start"),
                    icon_name="resubmit",
                )
            )
        return buttons


# Wagtail's generic index and form templates, with the incentive pages' stylesheet.
LISTING_TEMPLATE = "incentives/admin/listing.html"


class ProgramViewSet(ModelViewSet):
    model = Program
    icon = "clipboard-list"
    menu_label = _("Programs")
    url_prefix = "incentives/programs"
    url_namespace = "incentives_program"
    index_view_class = ProgramIndexView
    index_template_name = LISTING_TEMPLATE
    create_template_name = "incentives/admin/program_form.html"
    edit_template_name = "incentives/admin/program_form.html"
    list_display = ["name", "code", "kind", "currency", "period", "start", "end"]
    list_filter = ["kind", "period", "currency"]
    search_fields = ["name", "code"]
    copy_view_enabled = True
    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
                FieldRowPanel(
                    [FieldPanel("kind"), FieldPanel("currency"), FieldPanel("period")]
                ),
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("eligible_tiers", widget=forms.CheckboxSelectMultiple),
                FieldPanel("cap_per_period"),
            ],
            heading=_("Program"),
        ),
        FieldPanel("rules"),
    ]


class StatementFilterSet(WagtailFilterSet):
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), queryset=Program.objects.order_by("code")
    )
    period = django_filters.CharFilter(label=_("Period"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Statement.Status.choices
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Statement.Kind.choices)

    class Meta:
        model = Statement
        fields = ["program", "period", "status", "kind"]


class StatementIndexView(ScopedIndexView):
    list_select_related = ("partner", "program", "tier")


def statement_kind(statement) -> str:
    """ "Statement", or "Adjustment 2": which of the period's statements it is."""
    if statement.kind == Statement.Kind.ADJUSTMENT:
        return _("Adjustment %(number)s") % {"number": statement.sequence}
    return statement.get_kind_display()


def statement_total(statement) -> str:
    return wording.money(statement.total, statement.currency)


class StatementInspectView(ScopedInspectView):
    template_name = "incentives/admin/statement_inspect.html"

    def get_total_display_value(self):
        return wording.money(self.object.total, self.object.currency)

    def get_context_data(self, **kwargs):
        statement = self.object
        user = self.request.user
        steps = [
            (step, label)
            for step, label in (
                ("approve", _("Approve")),
                ("issue", _("Issue to the partner")),
                ("pay", _("Mark paid")),
            )
            if user.has_perm(STEPS[step][0])
            and next_status(statement) == STEPS[step][2]
        ]
        return {
            **super().get_context_data(**kwargs),
            "lines": statement.lines.all(),
            "events": statement.events.select_related("by"),
            "disputes": Dispute.objects.filter(line__statement=statement)
            .select_related("line", "opened_by")
            .order_by("-opened_at"),
            "related": Statement.objects.of(
                partner=statement.partner,
                program=statement.program,
                period=statement.period,
            )
            .exclude(pk=statement.pk)
            .order_by("sequence"),
            "steps": steps,
        }


class StatementViewSet(PartnerScopedViewSet):
    model = Statement
    icon = "doc-full"
    menu_label = _("Statements")
    url_prefix = "incentives/statements"
    url_namespace = "incentives_statement"
    index_view_class = StatementIndexView
    index_template_name = LISTING_TEMPLATE
    inspect_view_class = StatementInspectView
    inspect_view_enabled = True
    # What staff check a statement by; the warnings are worded under the lines, and
    # the row's number, sequence and ledger watermark are the system's own.
    inspect_view_fields = [
        "partner",
        "program",
        "period",
        "period_start",
        "period_end",
        "kind",
        "tier",
        "status",
        "total",
        "computed_at",
    ]
    copy_view_enabled = False
    exclude_form_fields = []
    search_backend_name = None
    filterset_class = StatementFilterSet
    search_fields = ["partner__name", "partner__external_id"]
    list_display = [
        "partner",
        "program",
        "period",
        Column("kind", label=_("Kind"), accessor=statement_kind, sort_key="sequence"),
        "status",
        Column("total", label=_("Total"), accessor=statement_total, sort_key="total"),
    ]
    list_export = [
        "pk",
        "partner",
        "program",
        "period",
        "kind",
        "sequence",
        "status",
        "currency",
        "total",
        "computed_at",
    ]
    export_filename = "statements"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/step/<str:step>/", StatementStepView.as_view(), name="step"),
            path(
                "<int:pk>/lines/<int:number>/sources/",
                StatementLineSourcesView.as_view(),
                name="line_sources",
            ),
        ]


def dispute_rule(dispute) -> str:
    return wording.line_rule(dispute.line)


def dispute_opener(dispute) -> str:
    user = dispute.opened_by
    return (user.get_full_name() or user.get_username()) if user else "—"


class DisputeIndexView(ScopedIndexView):
    list_select_related = ("line__statement__partner", "line__statement__program")


class DisputeViewSet(PartnerScopedViewSet):
    model = Dispute
    icon = "warning"
    menu_label = _("Disputes")
    url_prefix = "incentives/disputes"
    url_namespace = "incentives_dispute_admin"
    index_view_class = DisputeIndexView
    index_template_name = LISTING_TEMPLATE
    inspect_view_class = DisputeInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    exclude_form_fields = []
    search_backend_name = None
    list_filter = ["status"]
    list_display = [
        "__str__",
        Column("rule", label=_("Rule"), accessor=dispute_rule),
        "status",
        Column(
            "opened_by",
            label=capfirst(Dispute._meta.get_field("opened_by").verbose_name),
            accessor=dispute_opener,
        ),
        "opened_at",
        "resolved_at",
    ]
