"""A factor's sentence, worded in the active language from the numbers stored with
the score: "Revenue -42% against the three months before (CNY): -18.0 points"."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import FactorCode, HealthScoreFactor

MINUS = "\N{MINUS SIGN}"


def _number(value, places=None) -> str:
    return number_format(value, places, force_grouping=True).replace("-", MINUS)


def _change(percent: Decimal) -> str:
    whole = percent.quantize(Decimal("1"), ROUND_HALF_UP)
    sign = "+" if whole > 0 else ""
    return f"{sign}{_number(whole)}%"


def _percent(value: Decimal) -> str:
    return f"{_number(value.quantize(Decimal('1'), ROUND_HALF_UP))}%"


def _revenue(row: HealthScoreFactor) -> str:
    detail = row.detail
    if row.raw is not None:
        return _(
            "Revenue %(change)s against the three months before (%(currency)s)"
        ) % {"change": _change(row.raw), "currency": detail["currency"]}
    if "currency" not in detail:
        return _("No sales in the last six months")
    if Decimal(detail["now"]) > 0:
        return _("Sales began in the last three months, after none in the three before")
    return _("No revenue to compare in the last six months")


def _engagement(row: HealthScoreFactor) -> str:
    detail = row.detail
    count = int(row.raw or 0)
    return ngettext(
        "%(count)s activity in the last 90 days (sign-ins %(signed_in)s, downloads "
        "%(downloads)s, lessons completed %(lessons)s)",
        "%(count)s activities in the last 90 days (sign-ins %(signed_in)s, "
        "downloads %(downloads)s, lessons completed %(lessons)s)",
        count,
    ) % {
        "count": _number(count),
        "signed_in": _number(detail["signed_in"]),
        "downloads": _number(detail["downloads"]),
        "lessons": _number(detail["lessons"]),
    }


def _certification(row: HealthScoreFactor) -> str:
    detail = row.detail
    if row.raw is None:
        return _("The partner has no users to certify")
    return ngettext(
        "%(certified)s of %(users)s user certified (%(percent)s)",
        "%(certified)s of %(users)s users certified (%(percent)s)",
        detail["users"],
    ) % {
        "certified": _number(detail["certified"]),
        "users": _number(detail["users"]),
        "percent": _percent(row.raw),
    }


def _deals(row: HealthScoreFactor) -> str:
    count = row.detail["registered"]
    return ngettext(
        "%(count)s deal registered in the last 90 days",
        "%(count)s deals registered in the last 90 days",
        count,
    ) % {"count": _number(count)}


def _support(row: HealthScoreFactor) -> str:
    detail = row.detail
    if row.raw is None:
        return _("No support tickets in the last 90 days")
    return ngettext(
        "%(troubled)s of %(tickets)s ticket in the last 90 days missed an SLA "
        "target or was rated poorly (%(percent)s)",
        "%(troubled)s of %(tickets)s tickets in the last 90 days missed an SLA "
        "target or were rated poorly (%(percent)s)",
        detail["tickets"],
    ) % {
        "troubled": _number(detail["troubled"]),
        "tickets": _number(detail["tickets"]),
        "percent": _percent(row.raw),
    }


MEASURED = {
    FactorCode.REVENUE_TREND: _revenue,
    FactorCode.ENGAGEMENT: _engagement,
    FactorCode.CERTIFICATION: _certification,
    FactorCode.DEAL_ACTIVITY: _deals,
    FactorCode.SUPPORT: _support,
}


def measured(row: HealthScoreFactor) -> str:
    """What the factor measured: "Revenue -42% against the three months before"."""
    return MEASURED[FactorCode(row.factor.code)](row)


def sentence(row: HealthScoreFactor) -> str:
    """What the factor measured and the points it cost the score."""
    if row.points_lost <= 0:
        return _("%(measured)s: full marks") % {"measured": measured(row)}
    return _("%(measured)s: %(points)s points") % {
        "measured": measured(row),
        "points": f"{MINUS}{_number(row.points_lost, 1)}",
    }


def points(value: Decimal) -> str:
    return _number(value, 1)


def number(value: Decimal) -> str:
    """A whole number as it is, others with their decimals: 40, 37.5."""
    return _number(
        value.quantize(Decimal(1)) if value == value.to_integral() else value
    )
