"""Incentives and MDF: what statements owe partners against their revenue, the
marketing funds from allocation to expiry, and the revenue that followed the funds
paid (MDF return); every amount per currency, never summed across them.

Each part shows when the user may see its records: statements, MDF allocations,
MDF claims; the comparisons with revenue also need the sales lines.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_portal.charts import Chart, Series
from partner_portal.deals import mdf_selectors as mdf
from partner_portal.deals.models import FundAllocation, FundClaim
from partner_portal.incentives import selectors as sales
from partner_portal.incentives.models import SalesRecord, Statement
from partner_portal.incentives.statements.selectors import incentive_totals
from partner_portal.incentives.statements.wording import money

from ..scope import Scope
from . import Figure, Section, Table

ZERO = Decimal("0.00")
MDF_FIGURES = ("allocated", "approved", "claimed", "paid", "expired")


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """`part` of `whole` in per cent, two decimals (incentives are often a small
    share of revenue); None without a positive whole."""
    if not whole or whole <= 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"), ROUND_HALF_UP)


def section(scope: Scope) -> Section | None:
    statements = scope.records(Statement)
    allocations = scope.records(FundAllocation)
    claims = scope.records(FundClaim)
    lines = scope.records(SalesRecord)
    if statements is None and allocations is None and claims is None:
        return None
    period = scope.period
    revenue = None
    if lines is not None:
        revenue = {
            currency: sum(months.values(), ZERO)
            for currency, months in sales.revenue_by_month(
                lines.in_period(period.first, period.last)
            ).items()
        }
    figures, charts, tables, notes = [], [], [], []
    if statements is not None:
        totals = incentive_totals(statements, period.first, period.last)
        figures += _statement_figures(totals, revenue)
        tables.append(_statements_table(totals, revenue))
    if allocations is not None:
        balances = mdf.currency_totals(
            mdf.allocations_overlapping(allocations, period.first, period.last)
        )
        charts += [_mdf_chart(balance) for balance in balances]
        tables.append(_mdf_table(balances))
    if claims is not None and lines is not None:
        returns = mdf.mdf_return(
            mdf.claims_paid_in(claims, period.first, period.last), lines
        )
        figures += [
            Figure(
                _("MDF return (%(currency)s)") % {"currency": row.currency},
                row.ratio,
                note=ngettext(
                    "%(revenue)s of revenue after %(paid)s paid for %(claims)s "
                    "activity.",
                    "%(revenue)s of revenue after %(paid)s paid for %(claims)s "
                    "activities.",
                    row.claims,
                )
                % {
                    "revenue": money(row.revenue_after, row.currency),
                    "paid": money(row.paid, row.currency),
                    "claims": row.claims,
                },
            )
            for row in returns
        ]
        tables.append(_return_table(returns))
    if not any(table.rows for table in tables):
        return Section(
            "incentives",
            _("Incentives and MDF"),
            empty=_("No statements or marketing funds in this period."),
        )
    if revenue is None:
        notes.append(
            _("You may not see sales, so nothing here is compared with revenue.")
        )
    return Section(
        "incentives", _("Incentives and MDF"), figures, charts, tables, notes=notes
    )


def _statement_figures(totals, revenue) -> list[Figure]:
    figures = []
    for row in totals:
        of_revenue = share(row.accrued, (revenue or {}).get(row.currency))
        figures.append(
            Figure(
                _("Incentives accrued (%(currency)s)") % {"currency": row.currency},
                row.accrued,
                "money",
                row.currency,
                note=""
                if of_revenue is None
                else _("%(share)s%% of the revenue in %(currency)s.")
                % {"share": of_revenue, "currency": row.currency},
            )
        )
    return figures


def _statements_table(totals, revenue) -> Table:
    rows = []
    for row in totals:
        income = None if revenue is None else revenue.get(row.currency, ZERO)
        rows.append(
            [
                row.currency,
                income,
                row.accrued,
                share(row.accrued, income),
                row.issued,
                share(row.issued, income),
                row.paid,
                share(row.paid, income),
            ]
        )
    return Table(
        id="incentives-statements",
        title=_("Incentives against revenue"),
        header=[
            _("Currency"),
            _("Revenue"),
            _("Accrued"),
            _("% of revenue"),
            _("Issued"),
            _("% of revenue"),
            _("Paid"),
            _("% of revenue"),
        ],
        rows=rows,
        caption=_(
            "Statements and adjustments of the periods that end in this one. "
            "Accrued: their totals at every step, drafts and approved ones included; "
            "issued: those issued to partners, paid or not; paid: those marked paid. "
            "Revenue: the same partners' sales in the period, in the same currency."
        ),
    )


def _mdf_labels() -> dict[str, str]:
    return {
        "allocated": _("Allocated"),
        "approved": _("Approved"),
        "claimed": _("Claimed"),
        "paid": _("Paid"),
        "expired": _("Expired"),
    }


def _mdf_chart(balance: mdf.Balance) -> Chart:
    labels = _mdf_labels()
    return Chart(
        id=f"incentives-mdf-{balance.currency.lower()}",
        title=_("Marketing funds (%(currency)s)") % {"currency": balance.currency},
        kind="bar",
        categories=[labels[name] for name in MDF_FIGURES],
        series=[Series(_("Amount"), [getattr(balance, name) for name in MDF_FIGURES])],
        value_format="money",
        currency=balance.currency,
    )


def _mdf_table(balances: list[mdf.Balance]) -> Table:
    labels = _mdf_labels()
    return Table(
        id="incentives-mdf",
        title=_("Marketing funds by currency"),
        header=[_("Currency"), *(labels[name] for name in MDF_FIGURES)],
        rows=[
            [balance.currency, *(getattr(balance, name) for name in MDF_FIGURES)]
            for balance in balances
        ],
        caption=_(
            "The allocations whose period shares a day with this one, and to date "
            "what was approved for requests against them, approved of claims "
            "(paid or not), paid, and expired unclaimed."
        ),
    )


def _return_table(returns: list[mdf.MdfReturn]) -> Table:
    return Table(
        id="incentives-mdf-return",
        title=_("MDF return"),
        header=[
            _("Currency"),
            _("Claims paid"),
            _("Paid"),
            _("Revenue in the two quarters after"),
            _("Revenue per unit paid"),
        ],
        rows=[
            [row.currency, row.claims, row.paid, row.revenue_after, row.ratio]
            for row in returns
        ],
        caption=_(
            "For the MDF claims paid in this period: the revenue of their partners, "
            "in the claim's currency only, in the two calendar quarters after the "
            "quarter each activity ended in, against the amount paid. A sale "
            "counts once even if it follows two activities; quarters not over yet "
            "count the sales so far."
        ),
    )
