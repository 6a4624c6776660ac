"""Deal registrations: how many were registered, how many approved and won, how
fast staff decided against the decision SLA, and the pipeline per currency."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_portal.charts import Chart, Series
from partner_portal.deals import selectors as deals
from partner_portal.deals.models import Deal, DealSettings

from ..scope import Scope
from . import Figure, Section, Table

# Decision times from this many business days up share the last bar.
LONGEST_BAR = 5


def rate(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent, one decimal; None when there is no whole."""
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)


def section(scope: Scope) -> Section | None:
    visible = scope.records(Deal)
    if visible is None:
        return None
    first, last = scope.period.first, scope.period.last
    registered = deals.registered(visible, first, last)
    decisions = deals.decisions(visible, first, last)
    days = deals.decision_days(visible, first, last)
    closes = deals.closes(visible, first, last)
    pipeline = deals.pipeline(visible)
    if not (registered or decisions.decided or closes.closed or pipeline):
        return Section(
            "deals",
            _("Deal registrations"),
            empty=_("No registrations in this period for the partners you chose."),
        )
    sla_days = DealSettings.load().decision_business_days
    figures = [
        Figure(
            _("Registrations submitted"),
            sum(registered.values()),
            note=_("Submitted in the period, whatever their status now."),
        ),
        Figure(
            _("Approval rate"),
            rate(decisions.approved, decisions.decided),
            "percent",
            note=_("%(approved)s approved of %(decided)s decided in the period.")
            % {"approved": decisions.approved, "decided": decisions.decided},
        ),
        Figure(
            _("Win rate"),
            rate(closes.won, closes.closed),
            "percent",
            note=_("%(won)s won of %(closed)s closed (won or lost) in the period.")
            % {"won": closes.won, "closed": closes.closed},
        ),
        Figure(
            _("Median decision time (business days)"),
            # A float reads as days do, "1.5" (a Decimal reads as money, "1.50").
            None if days.median is None else float(days.median),
            note=ngettext(
                "The SLA is %(sla)s business day; %(on_time)s of %(due)s decisions "
                "met it.",
                "The SLA is %(sla)s business days; %(on_time)s of %(due)s decisions "
                "met it.",
                sla_days,
            )
            % {"sla": sla_days, "on_time": decisions.on_time, "due": decisions.due},
        ),
    ]
    for row in pipeline:
        if not row.approved:
            continue
        figures.append(
            Figure(
                _("Approved pipeline (%(currency)s)") % {"currency": row.currency},
                row.approved_value,
                "money",
                row.currency,
                note=ngettext(
                    "%(count)s approved registration still open today.",
                    "%(count)s approved registrations still open today.",
                    row.approved,
                )
                % {"count": row.approved},
            )
        )
    charts = [_by_status(registered), _decision_days(days, sla_days)]
    return Section(
        "deals",
        _("Deal registrations"),
        figures,
        [chart for chart in charts if chart is not None],
        [_pipeline(pipeline)],
        notes=[
            _(
                "Approved counts every registration approved (co-sell included), "
                "even if it was won, lost or expired since. A decision's time is the "
                "number of working days of the working calendar after the day it "
                "was submitted, up to the day it was decided; imported decisions "
                "have no clock and are left out of it."
            )
        ],
    )


def _by_status(registered: dict[str, int]) -> Chart | None:
    if not registered:
        return None
    statuses = [status for status in Deal.Status if status in registered]
    return Chart(
        id="deals-status",
        title=_("Registrations submitted in the period, by status today"),
        kind="bar",
        categories=[str(status.label) for status in statuses],
        series=[
            Series(_("Registrations"), [registered[status] for status in statuses])
        ],
        category_label=_("Status"),
    )


def _decision_days(days: deals.DecisionDays, sla_days: int) -> Chart | None:
    if not days.total:
        return None
    counts = [0] * (LONGEST_BAR + 1)
    for taken, count in days.counts.items():
        counts[min(taken, LONGEST_BAR)] += count
    labels = [str(taken) for taken in range(LONGEST_BAR)]
    labels.append(_("%(days)s or more") % {"days": LONGEST_BAR})
    return Chart(
        id="deals-decision-days",
        title=_("Decisions by business days taken"),
        kind="bar",
        categories=labels,
        series=[Series(_("Decisions"), counts)],
        category_label=_("Business days"),
        caption=ngettext(
            "The SLA is %(sla)s business day.",
            "The SLA is %(sla)s business days.",
            sla_days,
        )
        % {"sla": sla_days},
    )


def _pipeline(rows: list[deals.Pipeline]) -> Table:
    return Table(
        id="deals-pipeline",
        title=_("Pipeline by currency"),
        header=[
            _("Currency"),
            _("Approved, open"),
            _("Value approved, open"),
            _("Awaiting decision"),
            _("Value awaiting decision"),
        ],
        rows=[
            [
                row.currency,
                row.approved,
                row.approved_value,
                row.awaiting,
                row.awaiting_value,
            ]
            for row in rows
        ],
        caption=_(
            "Today, whatever the period: approved registrations not yet won, lost or "
            "expired, and those awaiting a decision, at their estimated value."
        ),
    )
