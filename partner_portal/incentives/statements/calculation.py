"""What partners earn from a program in a period: the one calculation.

The statement run, the live estimate of the running period and the adjustment of an
issued statement all call `calculate()`, so an estimate is what the run will store
once the period closes and the data stays the same.

The ledger is read in one SQL aggregate, grouped by partner and currency, with one
filtered sum per distinct SKU set of the revenue rules and one per SKU of the
per-unit rules (as fast as a plain sum: PostgreSQL hashes a few thousand groups,
where grouping by SKU as well made it sort a million rows on disk); no Python loop
touches a sales line. Rules then apply to each partner's sums (semantics in the
README, "Incentive programs and statements"):

- percent_of_revenue: revenue x rate ÷ 100, the rate of the partner's tier (a tier
  without a rate gets no line); negative revenue gives a negative line.
- volume_bands: marginal (each part of revenue earns its band's rate) or
  retroactive (all revenue earns the highest band reached); revenue ≤ 0 earns 0.
- per_unit: one line per listed SKU, units x amount.
- certification_bonus: the amount once, if enough distinct users of the partner
  hold the certification on the period's last day.

Each line is rounded half-up to the cent; a cap adds a last line that brings the
total down to the cap; the total is the sum of the rounded lines.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Q, Sum

from partner_portal.partners.measures import CERTIFIED_USERS, measure_values
from partner_portal.partners.models import Partner
from partner_portal.partners.selectors import tiers_on

from .. import rules as r
from ..models import SalesRecord, SalesSource, StatementLine
from ..periods import Period

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def round_half_up(amount: Decimal) -> Decimal:
    """To the cent, halves away from zero: 20.005 → 20.01, -20.005 → -20.01."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ComputedLine:
    rule_type: str
    rule_position: int | None
    basis_kind: str
    basis: Decimal
    amount: Decimal
    sku: str = ""
    skus: tuple[str, ...] = ()
    rate: Decimal | None = None
    unit_amount: Decimal | None = None
    source_count: int = 0
    detail: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.rule_type, self.rule_position, self.sku)


@dataclass
class ComputedStatement:
    partner_id: int
    tier: object
    lines: list[ComputedLine]
    warnings: list[dict]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def earns_anything(self) -> bool:
        return any(line.amount for line in self.lines)


@dataclass
class Calculation:
    statements: list[ComputedStatement]
    watermark: int  # the last sales import the ledger held when it was read


@dataclass
class _Sums:
    """One partner's sums in the program currency, by the aggregate's names."""

    values: dict = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)


def _aggregates(rules: list) -> tuple[dict, dict, dict]:
    """The aggregate expressions, and which names hold each revenue set and SKU."""
    # Revenue over every SKU is the partner's whole sum, which the warnings need too.
    revenue_names: dict[tuple, str] = {(): "all"}
    unit_names: dict[str, str] = {}
    expressions = {"all_lines": Count("*"), "all": Sum("amount")}
    for rule in rules:
        if isinstance(rule, (r.PercentOfRevenue, r.VolumeBands)):
            if rule.skus not in revenue_names:
                name = f"revenue_{len(revenue_names)}"
                revenue_names[rule.skus] = name
                only = Q(sku__in=rule.skus)
                expressions[name] = Sum("amount", filter=only)
                expressions[f"{name}_lines"] = Count("id", filter=only)
        elif isinstance(rule, r.PerUnit):
            for sku in rule.amounts:
                if sku not in unit_names:
                    name = f"units_{len(unit_names)}"
                    unit_names[sku] = name
                    expressions[name] = Sum("quantity", filter=Q(sku=sku))
                    expressions[f"{name}_lines"] = Count("id", filter=Q(sku=sku))
    return expressions, revenue_names, unit_names


def _ledger_sums(program, period: Period, expressions, partner_ids) -> dict[int, _Sums]:
    rows = SalesRecord.objects.filter(date__gte=period.first, date__lte=period.last)
    if partner_ids is not None:
        rows = rows.filter(partner_id__in=partner_ids)
    sums: dict[int, _Sums] = defaultdict(_Sums)
    for row in rows.order_by().values("partner_id", "currency").annotate(**expressions):
        partner_sums = sums[row["partner_id"]]
        if row["currency"] == program.currency:
            partner_sums.values = row
        else:
            partner_sums.warnings.append(
                {
                    "currency": row["currency"],
                    "lines": row["all_lines"],
                    "amount": str(row["all"]),
                }
            )
    return sums


def _band_amount(
    rule: r.VolumeBands, revenue: Decimal
) -> tuple[Decimal, list, Decimal | None]:
    """The unrounded amount, the bands it came from, and the rate (retroactive)."""
    if revenue <= 0:
        return ZERO, [], None
    if rule.mode == r.RETROACTIVE:
        reached = [band for band in rule.bands if band.start <= revenue]
        if not reached:
            return ZERO, [], None
        band = reached[-1]
        return (
            revenue * band.percent / HUNDRED,
            [
                {
                    "from": str(band.start),
                    "rate": str(band.percent),
                    "revenue": str(revenue),
                }
            ],
            band.percent,
        )
    amount, parts = ZERO, []
    for index, band in enumerate(rule.bands):
        upper = rule.bands[index + 1].start if index + 1 < len(rule.bands) else None
        if revenue <= band.start:
            break
        portion = (min(revenue, upper) if upper is not None else revenue) - band.start
        amount += portion * band.percent / HUNDRED
        parts.append(
            {
                "from": str(band.start),
                "rate": str(band.percent),
                "revenue": str(portion),
            }
        )
    return amount, parts, None


def band_amount(rule: r.VolumeBands, revenue: Decimal) -> Decimal:
    """What `revenue` earns under a band rule, rounded as a line is."""
    return round_half_up(_band_amount(rule, revenue)[0])


def _revenue_line(rule, position, tier_code, values, name) -> ComputedLine | None:
    lines = values.get(f"{name}_lines") or 0
    if not lines:
        return None
    revenue = values[name] or ZERO
    if isinstance(rule, r.PercentOfRevenue):
        rate = rule.rates.get(tier_code)
        if rate is None:
            return None
        return ComputedLine(
            rule_type=rule.type,
            rule_position=position,
            basis_kind=StatementLine.Basis.REVENUE,
            basis=revenue,
            rate=rate,
            amount=round_half_up(revenue * rate / HUNDRED),
            skus=rule.skus,
            source_count=lines,
        )
    amount, parts, rate = _band_amount(rule, revenue)
    return ComputedLine(
        rule_type=rule.type,
        rule_position=position,
        basis_kind=StatementLine.Basis.REVENUE,
        basis=revenue,
        rate=rate,
        amount=round_half_up(amount),
        skus=rule.skus,
        source_count=lines,
        detail={"mode": rule.mode, "bands": parts},
    )


def _unit_lines(rule: r.PerUnit, position, values, unit_names) -> list[ComputedLine]:
    lines = []
    for sku, unit_amount in rule.amounts.items():
        name = unit_names[sku]
        count = values.get(f"{name}_lines") or 0
        if not count:
            continue
        units = Decimal(values[name] or 0)
        lines.append(
            ComputedLine(
                rule_type=rule.type,
                rule_position=position,
                basis_kind=StatementLine.Basis.UNITS,
                basis=units,
                sku=sku,
                skus=(sku,),
                unit_amount=unit_amount,
                amount=round_half_up(units * unit_amount),
                source_count=count,
            )
        )
    return lines


def _certified(rules, partner_ids, day) -> dict[str, dict[int, int]]:
    """{certification code: {partner_id: certified users on `day`}}, a query each."""
    codes = {
        rule.certification for rule in rules if isinstance(rule, r.CertificationBonus)
    }
    return {
        code: measure_values(CERTIFIED_USERS, partner_ids, day, certification_code=code)
        for code in sorted(codes)
    }


def _cap_line(program, lines: list[ComputedLine]) -> ComputedLine | None:
    subtotal = sum((line.amount for line in lines), ZERO)
    if program.cap_per_period is None or subtotal <= program.cap_per_period:
        return None
    return ComputedLine(
        rule_type=StatementLine.CAP,
        rule_position=None,
        basis_kind=StatementLine.Basis.SUBTOTAL,
        basis=subtotal,
        amount=program.cap_per_period - subtotal,
        detail={"cap": str(program.cap_per_period)},
    )


def ledger_watermark() -> int:
    """The last sales import committed: what a calculation now reads."""
    return SalesSource.objects.aggregate(last=Max("pk"))["last"] or 0


def calculate(
    program, period: Period, *, partner_ids=None, keep_empty: bool = False
) -> Calculation:
    """Every eligible partner's lines for `period` (or only `partner_ids`').

    Partners whose tier on the period's last day is not eligible are left out, and
    so are those whose lines are all zero, unless `keep_empty` (the estimate of a
    running period shows an eligible partner that has earned nothing yet what the
    next band takes).
    """
    watermark = ledger_watermark()
    rules = program.rule_list()
    eligible = set(program.eligible_tiers.values_list("code", flat=True))
    candidates = Partner.objects.values_list("pk", flat=True)
    if partner_ids is not None:
        candidates = candidates.filter(pk__in=partner_ids)
    tiers = {
        partner_id: tier
        for partner_id, tier in tiers_on(candidates, period.last).items()
        if tier.code in eligible
    }
    expressions, revenue_names, unit_names = _aggregates(rules)
    sums = _ledger_sums(
        program, period, expressions, list(tiers) if partner_ids is not None else None
    )
    certified = _certified(rules, list(tiers), period.last)
    statements = []
    for partner_id, tier in sorted(tiers.items()):
        partner_sums = sums.get(partner_id, _Sums())
        lines = []
        for position, rule in enumerate(rules, start=1):
            if isinstance(rule, (r.PercentOfRevenue, r.VolumeBands)):
                line = _revenue_line(
                    rule,
                    position,
                    tier.code,
                    partner_sums.values,
                    revenue_names[rule.skus],
                )
                lines.extend([line] if line else [])
            elif isinstance(rule, r.PerUnit):
                lines.extend(
                    _unit_lines(rule, position, partner_sums.values, unit_names)
                )
            elif isinstance(rule, r.CertificationBonus):
                users = certified[rule.certification].get(partner_id, 0)
                if users >= rule.min_certified_users:
                    lines.append(
                        ComputedLine(
                            rule_type=rule.type,
                            rule_position=position,
                            basis_kind=StatementLine.Basis.CERTIFIED_USERS,
                            basis=Decimal(users),
                            amount=round_half_up(rule.amount),
                            detail={
                                "certification": rule.certification,
                                "min_certified_users": rule.min_certified_users,
                            },
                        )
                    )
        if cap := _cap_line(program, lines):
            lines.append(cap)
        statement = ComputedStatement(partner_id, tier, lines, partner_sums.warnings)
        if statement.earns_anything or keep_empty:
            statements.append(statement)
    return Calculation(statements, watermark)
