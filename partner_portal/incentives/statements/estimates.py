"""What a partner has earned so far in a program's running period: an estimate.

The estimate is `calculate()` over the period that holds today, for one partner:
the same code as the statement run, so once the period closes and nothing changes
in the ledger, the run stores exactly these lines. Nothing here writes; an estimate
is never stored.

For each volume-band rule the estimate also says what the partner needs to sell to
reach the next band, and what this line would then earn (`calculation.band_amount`,
the run's own band arithmetic, rounded as a line is).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .. import rules as r
from ..models import Program, StatementLine
from ..periods import Period, current_period
from .calculation import ComputedLine, band_amount, calculate

ZERO = Decimal(0)


@dataclass(frozen=True)
class NextBand:
    """Reaching the next band of one volume-band rule."""

    rule_position: int
    skus: tuple[str, ...]
    revenue: Decimal  # counted so far
    band_from: Decimal
    band_rate: Decimal
    needed: Decimal  # more revenue to reach the band
    amount_now: Decimal  # what the rule's line earns now
    amount_then: Decimal  # and at revenue exactly `band_from`
    adds_to_total: Decimal  # what the total gains, after the cap

    @property
    def adds(self) -> Decimal:
        return self.amount_then - self.amount_now

    @property
    def capped(self) -> bool:
        return self.adds_to_total < self.adds


@dataclass
class Estimate:
    program: Program
    period: Period
    today: datetime.date
    tier: object  # the tier the run reads: the one in effect on the period's last day
    lines: list[ComputedLine]
    warnings: list[dict]
    next_bands: list[NextBand]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def _next_band(program, rule, position, lines) -> NextBand | None:
    line = next((line for line in lines if line.rule_position == position), None)
    revenue = line.basis if line else ZERO
    # Revenue at or below zero earns nothing, so even a band from zero is ahead.
    band = next((b for b in rule.bands if b.start > max(revenue, ZERO)), None)
    if band is None:
        return None
    amount_now = band_amount(rule, revenue)
    amount_then = band_amount(rule, band.start)
    subtotal = sum(
        (line.amount for line in lines if line.rule_type != StatementLine.CAP), ZERO
    )
    cap = program.cap_per_period
    total_now = subtotal if cap is None else min(subtotal, cap)
    total_then = subtotal + amount_then - amount_now
    if cap is not None:
        total_then = min(total_then, cap)
    return NextBand(
        rule_position=position,
        skus=rule.skus,
        revenue=revenue,
        band_from=band.start,
        band_rate=band.percent,
        needed=band.start - revenue,
        amount_now=amount_now,
        amount_then=amount_then,
        adds_to_total=max(total_then - total_now, ZERO),
    )


def estimate(program: Program, partner, *, today: datetime.date) -> Estimate | None:
    """The partner's lines of the period of `program` that holds `today`, computed
    now; None when the program is not running on `today` or the partner's tier
    does not take part in it."""
    period = current_period(program, today)
    if period is None:
        return None
    calculation = calculate(program, period, partner_ids=[partner.pk], keep_empty=True)
    computed = next(iter(calculation.statements), None)
    if computed is None:
        return None
    return Estimate(
        program=program,
        period=period,
        today=today,
        tier=computed.tier,
        lines=computed.lines,
        warnings=computed.warnings,
        next_bands=[
            band
            for position, rule in enumerate(program.rule_list(), start=1)
            if isinstance(rule, r.VolumeBands)
            and (band := _next_band(program, rule, position, computed.lines))
        ],
    )


def running_estimates(partner, programs, *, today: datetime.date) -> list[Estimate]:
    """The estimates of those of `programs` that run on `today` with the partner
    taking part; each is one calculation."""
    estimates = (estimate(program, partner, today=today) for program in programs)
    return [each for each in estimates if each is not None]
