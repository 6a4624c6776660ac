"""Training: course enrolments and completions in the period, the users certified
at its end, and the certifications that run out in the next 30, 60 and 90 days,
from the learning app's selectors over the scope's partners."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learning import selectors as learning
from learning.models import CertificationAward, Enrolment
from partner_portal.charts import Chart, Series

from ..scope import Scope
from . import Figure, Section


def section(scope: Scope) -> Section | None:
    enrolments = scope.records(Enrolment)
    awards = scope.records(CertificationAward)
    if enrolments is None and awards is None:
        return None
    figures, charts = [], []
    if enrolments is not None:
        months = learning.enrolments_by_month(
            enrolments, scope.period.first, scope.period.last
        )
        enrolled = sum(month["enrolled"] for month in months.values())
        completed = sum(month["completed"] for month in months.values())
        figures += [
            Figure(_("Enrolments"), enrolled, note=_("Course passes begun.")),
            Figure(_("Completions"), completed, note=_("Courses completed.")),
        ]
        if months:
            charts.append(_monthly(scope, months))
    if awards is not None:
        today = timezone.localdate()
        day = min(scope.period.last, today)
        certified = learning.certified_users_on(awards, [day])[day]
        figures.append(
            Figure(
                _("Certified users"),
                certified,
                note=_("Users holding an active certification on %(day)s.")
                % {"day": date_format(day, "DATE_FORMAT")},
            )
        )
        expiring = learning.expiring_counts(awards, today)
        for days, count in expiring.items():
            figures.append(
                Figure(
                    ngettext(
                        "Expiring within %(days)d day",
                        "Expiring within %(days)d days",
                        days,
                    )
                    % {"days": days},
                    count,
                    note=_("Certifications, counted from today."),
                )
            )
        charts.append(_expiring(expiring))
    return Section(
        "training",
        _("Training"),
        figures=figures,
        charts=charts,
        empty=_("No enrolment or certification for the partners you chose."),
    )


def _monthly(scope: Scope, months: dict) -> Chart:
    every = scope.period.months()
    nothing = {"enrolled": 0, "completed": 0}
    return Chart(
        id="training-month",
        title=_("Enrolments and completions by month"),
        kind="bar",
        categories=[date_format(month, "YEAR_MONTH_FORMAT") for month in every],
        series=[
            Series(
                _("Enrolments"),
                [months.get(month, nothing)["enrolled"] for month in every],
            ),
            Series(
                _("Completions"),
                [months.get(month, nothing)["completed"] for month in every],
            ),
        ],
        caption=_(
            "An enrolment counts in the month it began, a completion in the month "
            "the course was completed."
        ),
        category_label=_("Month"),
    )


def _expiring(expiring: dict[int, int]) -> Chart:
    return Chart(
        id="training-expiring",
        title=_("Certifications expiring soon"),
        kind="bar",
        categories=[
            ngettext("Within %(days)d day", "Within %(days)d days", days)
            % {"days": days}
            for days in expiring
        ],
        series=[Series(_("Certifications"), list(expiring.values()))],
        caption=_(
            "Active certifications that run out within so many days of today, "
            "whatever the period; each window includes the shorter ones."
        ),
        category_label=_("From today"),
    )
