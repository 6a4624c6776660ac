"""The recruitment funnel: applications → approved → active → first deal → first
sale, with the conversion between steps and the median days between them.

The cohort is the applications submitted in the period, followed to today: each
step counts those that have reached it by now (`partners.selectors.
application_funnel` defines reaching). The applications come through their
partner-owned policy and the scope's partners; those without a partner yet
(awaiting review, or rejected) are added only for staff who reach every partner,
and only while no filter asks for something only a partner has (its tier, its
account manager): an account manager sees their partners' applications alone.
"""

from decimal import Decimal

from django.db.models import OuterRef
from django.utils.translation import gettext as _

from partner_portal.charts import Chart, Series
from partner_portal.deals import selectors as deals
from partner_portal.deals.models import Deal
from partner_portal.incentives import selectors as sales
from partner_portal.incentives.models import SalesRecord
from partner_portal.partners import selectors as recruitment
from partner_portal.partners.models import Application, Region, Stage
from partner_portal.partners.ownership import partner_owned

from ..scope import Scope
from . import Figure, Section, Table

# Filters that the application itself answers, for one without a partner.


def section(scope: Scope) -> Section | None:
    policy = partner_owned.policy_for(Application)
    if not scope.user.has_perm(policy.permission("view")):
        return None
    applications, notes = _cohort(scope, policy)
    steps = recruitment.application_funnel(applications, _milestones(scope, notes))
    if not steps[0].count:
        return Section(
            "funnel",
            _("Recruitment funnel"),
            empty=_("No application was submitted in this period."),
            notes=notes,
        )
    names = _step_names()
    rows = []
    previous = None
    for step in steps:
        rows.append(
            [
                names[step.key],
                step.count,
                _rate(step.count, previous.count) if previous else None,
                _days(step.median_days),
            ]
        )
        previous = step
    figures = [
        Figure(names[step.key], step.count, note=_figure_note(rate, days))
        for step, (_name, _count, rate, days) in zip(steps, rows, strict=True)
    ]
    caption = _(
        "Applications submitted in the period, followed to today. A step counts "
        "once it and every step before it have happened; the days are the median "
        "time from the step before."
    )
    chart = Chart(
        id="funnel-steps",
        title=_("Recruitment funnel"),
        kind="funnel",
        categories=[row[0] for row in rows],
        series=[Series(_("Applications"), [row[1] for row in rows])],
        caption=caption,
        category_label=_("Step"),
    )
    table = Table(
        id="funnel-conversion",
        title=_("Conversion and days between steps"),
        header=[
            _("Step"),
            _("Applications"),
            _("Conversion from the step before (%)"),
            _("Median days from the step before"),
        ],
        rows=rows,
        caption=caption,
    )
    return Section(
        "funnel",
        _("Recruitment funnel"),
        figures=figures,
        charts=[chart],
        tables=[table],
        notes=notes,
    )


def _cohort(scope: Scope, policy):
    period = scope.period
    cohort = recruitment.applications_submitted(period.first, period.last)
    applications = policy.visible_to(scope.user, cohort).filter(
        partner__in=scope.partners
    )
    partner_only = {"tier", "account_manager"} & set(scope.filters)
    if not scope.user.has_perm("partners.view_partner"):
        return applications, [
            _(
                "Only your partners' applications: one awaiting review or "
                "rejected has no partner yet."
            )
        ]
    if partner_only:
        return applications, [
            _(
                "Only approved applications: one awaiting review or rejected has "
                "no tier or account manager yet."
            )
        ]
    undecided = cohort.filter(partner__isnull=True)
    if "partner_type" in scope.filters:
        undecided = undecided.filter(partner_type=scope.filters["partner_type"])
    if "region" in scope.filters:
        within = Region.objects.codes_within(scope.filters["region"])
        undecided = undecided.filter(region__in=within)
    return applications | undecided, []


def _milestones(scope: Scope, notes: list[str]):
    partner = OuterRef("partner_id")
    milestones = [
        ("approved", recruitment.approved_at()),
        ("active", recruitment.first_entered(Stage.ACTIVE, partner)),
    ]
    for model, key, moment, missing in (
        (
            Deal,
            "first_deal",
            deals.first_submitted,
            _(
                "You may not see deal registrations: the funnel leaves out the "
                "first deal."
            ),
        ),
        (
            SalesRecord,
            "first_sale",
            sales.first_sale,
            _("You may not see sales: the funnel leaves out the first sale."),
        ),
    ):
        policy = partner_owned.policy_for(model)
        if not scope.user.has_perm(policy.permission("view")):
            notes.append(missing)
            continue
        records = policy.visible_to(scope.user, model.objects.all())
        milestones.append((key, moment(records, partner)))
    return milestones


def _step_names() -> dict[str, str]:
    return {
        "submitted": _("Applications"),
        "approved": _("Approved"),
        "active": _("Active"),
        "first_deal": _("First deal"),
        "first_sale": _("First sale"),
    }


def _figure_note(rate: Decimal | None, days: Decimal | None) -> str:
    if rate is None:
        return ""
    if days is None:
        return _("%(rate)s%% of the step before.") % {"rate": rate}
    return _("%(rate)s%% of the step before, a median %(days)s days after it.") % {
        "rate": rate,
        "days": days,
    }


def _rate(count: int, before: int) -> Decimal | None:
    if not before:
        return None
    return (Decimal(100 * count) / before).quantize(Decimal("0.1"))


def _days(median: float | None) -> Decimal | None:
    if median is None:
        return None
    return Decimal(str(median)).quantize(Decimal("0.1"))
