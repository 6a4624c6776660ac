"""Support: tickets opened, SLA targets met, satisfaction and NPS of the scope's
partners, from the support report's own figures (`support.reports`) and the
surveys' NPS (`support.selectors.nps`)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_portal.support import charts, reports
from partner_portal.support.models import SurveyInvitation, Ticket
from partner_portal.support.selectors import nps

from ..scope import Scope
from . import Figure, Section, Table


def section(scope: Scope) -> Section | None:
    tickets = scope.records(Ticket)
    invitations = scope.records(SurveyInvitation)
    if tickets is None and invitations is None:
        return None
    period = reports.Period(scope.period.first, scope.period.last)
    figures, found, tables = [], [], []
    opened = 0
    if tickets is not None:
        volume = reports.volume(tickets, period)
        rows, total = reports.sla_compliance(tickets, period, timezone.now())
        rated = reports.satisfaction(tickets, period)
        opened = volume.grand_total
        figures += [
            Figure(_("Tickets opened"), opened),
            Figure(
                _("First responses on time"),
                total.response_compliance,
                "percent",
                note=_("%(on_time)s of %(due)s answered or overdue.")
                % {
                    "on_time": total.answered_on_time,
                    "due": total.answered + total.response_overdue,
                },
            ),
            Figure(
                _("Resolved on time"),
                total.resolution_compliance,
                "percent",
                note=_("%(on_time)s of %(due)s resolved or overdue.")
                % {
                    "on_time": total.resolved_on_time,
                    "due": total.resolved + total.resolution_overdue,
                },
            ),
            Figure(
                _("Satisfaction (1 to 5)"),
                rated.average,
                note=ngettext(
                    "The average of %(count)s rating given in the period.",
                    "The average of %(count)s ratings given in the period.",
                    rated.count,
                )
                % {"count": rated.count},
            ),
        ]
        found += [
            charts.volume_chart(volume),
            charts.compliance_chart(rows),
            charts.satisfaction_chart(rated),
        ]
        tables.append(_sla_table(rows, total))
    answers = None
    if invitations is not None:
        start, end = period.bounds
        answers = nps(invitations.filter(sent_at__gte=start, sent_at__lt=end))
        figures.append(
            Figure(
                _("Net Promoter Score"),
                answers.score,
                note=_(
                    "%(answered)s of %(invited)s invited answered; promoters: "
                    "%(promoters)s, detractors: %(detractors)s."
                )
                % {
                    "answered": answers.answered,
                    "invited": answers.invited,
                    "promoters": answers.promoters,
                    "detractors": answers.detractors,
                },
            )
        )
        tables.append(_nps_table(answers))
    if not opened and not (answers and answers.invited):
        return Section(
            "support",
            _("Support"),
            empty=_("No tickets or surveys in this period for the partners you chose."),
        )
    return Section(
        "support",
        _("Support"),
        figures,
        [chart for chart in found if chart is not None],
        tables,
        notes=[
            _(
                "Tickets opened in the period; their targets count business hours "
                "of the working calendar. The NPS counts the answers, to date, of "
                "the survey invitations sent in the period: per cent promoters "
                "(9 or 10) minus per cent detractors (0 to 6)."
            )
        ],
    )


def _sla_table(rows: list[reports.SlaRow], total: reports.SlaRow) -> Table:
    return Table(
        id="support-sla-targets",
        title=_("SLA targets by priority"),
        header=[
            _("Priority"),
            _("Tickets opened"),
            _("Answered on time"),
            _("Not answered, overdue"),
            _("First responses on time (%)"),
            _("Resolved on time"),
            _("Not resolved, overdue"),
            _("Resolved on time (%)"),
        ],
        rows=[
            [
                row.label or _("All priorities"),
                row.opened,
                row.answered_on_time,
                row.response_overdue,
                row.response_compliance,
                row.resolved_on_time,
                row.resolution_overdue,
                row.resolution_compliance,
            ]
            for row in [*rows, total]
            if row.opened
        ],
        caption=_(
            "On time: answered or resolved by the target. The share on time is of "
            "those answered (or resolved) and those still open past the target."
        ),
    )


def _nps_table(answers) -> Table:
    return Table(
        id="support-nps",
        title=_("Net Promoter Score"),
        header=[
            _("Invited"),
            _("Answered"),
            _("Promoters"),
            _("Passives"),
            _("Detractors"),
            _("NPS"),
        ],
        rows=[
            [
                answers.invited,
                answers.answered,
                answers.promoters,
                answers.passives,
                answers.detractors,
                answers.score,
            ]
        ]
        if answers.invited
        else [],
    )
