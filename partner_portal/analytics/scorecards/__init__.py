"""A partner's scorecard: the dashboard's measures for one partner over the last four
calendar quarters, against its tier's requirements and its tier's average and median.

    card = scorecard(viewer, partner, as_of)

- Each measure comes from its owning app's selector, one aggregate grouped by
  quarter for the partner, and one grouped by partner for the benchmark; a measure
  whose records the viewer may not see (the model's partner-owned policy) is left
  out, benchmark and all.
- The benchmark is over the partners that hold the partner's tier now and that tier
  evaluation measures (active or at risk), the partner included; over the same four
  quarters (certified users: today), partners without a record counting as zero
  (the rating: over the partners that were rated). It is shown only when the tier
  has at least `MIN_PEERS` such partners, so no partner's figure can be worked back.
- The requirements are tier evaluation's (`requirements_report`), for the partner's
  tier and the next one up; the gap to the next is also worded in a sentence.

The number of queries does not depend on the number of partners in the tier.
"""

import datetime as dt
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from learning import selectors as learning
from learning.models import CertificationAward, Enrolment
from partner_portal.charts import Chart, Series
from partner_portal.deals import mdf_selectors as mdf
from partner_portal.deals import selectors as deals
from partner_portal.deals.models import Deal, FundClaim
from partner_portal.incentives import selectors as sales
from partner_portal.incentives.models import SalesRecord
from partner_portal.incentives.statements import wording
from partner_portal.partners.models import Partner, Tier, TierProgramSettings
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.tier_evaluation import (
    EVALUATED_STAGES,
    RequirementResult,
    requirements_report,
)
from partner_portal.support import selectors as support
from partner_portal.support.models import Ticket

from ..sections import Table

QUARTERS = 4
MIN_PEERS = 3
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Quarter:
    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"


def quarters_to(as_of: dt.date, count: int = QUARTERS) -> list[Quarter]:
    """The `count` calendar quarters up to the one `as_of` falls in, oldest first."""
    number = as_of.year * 4 + (as_of.month - 1) // 3
    quarters = []
    for back in range(count - 1, -1, -1):
        year, index = divmod(number - back, 4)
        first = dt.date(year, index * 3 + 1, 1)
        after = dt.date(year + (index == 3), (index + 1) % 4 * 3 + 1, 1)
        quarters.append(Quarter(first, after - dt.timedelta(days=1)))
    return quarters


@dataclass(frozen=True)
class Measure:
    """One measure of the partner: a value per quarter, the value over the four
    quarters, and the tier's average and median of that value (None: not shown)."""

    id: str
    label: str
    values: Sequence[Decimal | int | None]
    total: Decimal | int | None
    average: Decimal | None = None
    median: Decimal | None = None
    value_format: str = "number"
    currency: str = ""


@dataclass(frozen=True)
class Scorecard:
    partner: Partner
    as_of: dt.date
    quarters: Sequence[Quarter]
    measures: Sequence[Measure]
    charts: Sequence[Chart]
    benchmark: Table
    peers: int  # partners in the benchmark
    requirements: Sequence[RequirementResult]  # of the partner's own tier
    next_tier: Tier | None
    gap: Sequence[RequirementResult]  # the next tier's requirements
    gap_sentence: str

    @property
    def last_quarter(self) -> Quarter:
        return self.quarters[-1]

    @property
    def benchmarked(self) -> bool:
        return self.peers >= MIN_PEERS

    def exportable(self, export_id: str) -> Chart | Table | None:
        for item in (*self.charts, self.benchmark):
            if item.id == export_id:
                return item
        return None


@dataclass(frozen=True)
class _Source:
    """How one measure is read: from which model's records (its policy decides who
    sees them) with which selector, and how its values combine."""

    model: type[Model]
    # rows(records, first, last, by) -> [{*by, "count" | "amount" | "average"}]
    rows: Callable[[QuerySet, dt.date, dt.date, Sequence[str]], list[dict]]
    field: str  # "count" (summed), "amount" (summed, per currency), "average"


def _sales_rows(records, first, last, by):
    return sales.revenue_per(records.in_period(first, last), by=by)


SOURCES = {
    "revenue": _Source(SalesRecord, _sales_rows, "amount"),
    "registrations": _Source(
        Deal, lambda r, f, la, by: deals.registrations_per(r, f, la, by=by), "count"
    ),
    "wins": _Source(
        Deal, lambda r, f, la, by: deals.wins_per(r, f, la, by=by), "count"
    ),
    "completions": _Source(
        Enrolment,
        lambda r, f, la, by: learning.completions_per(r, f, la, by=by),
        "count",
    ),
    "mdf": _Source(
        FundClaim, lambda r, f, la, by: mdf.paid_per(r, f, la, by=by), "amount"
    ),
    "tickets": _Source(
        Ticket, lambda r, f, la, by: support.opened_per(r, f, la, by=by), "count"
    ),
    "rating": _Source(
        Ticket, lambda r, f, la, by: support.ratings_per(r, f, la, by=by), "average"
    ),
}


def _labels() -> dict[str, str]:
    return {
        "revenue": _("Revenue"),
        "registrations": _("Deal registrations"),
        "wins": _("Deals won"),
        "completions": _("Course completions"),
        "certified": _("Certified users"),
        "mdf": _("MDF paid"),
        "tickets": _("Support tickets opened"),
        "rating": _("Average support rating"),
    }


def _may_see(viewer, model: type[Model]) -> bool:
    """Whether the viewer may see the model's records of a partner in their reach
    (the view has checked the reach): staff by the model's view permission, a
    partner user by the policy's roles."""
    policy = partner_owned.policy_for(model)
    if viewer.is_staff:
        return viewer.has_perm(policy.permission("view"))
    return policy.partner_of(viewer) is not None


def _records(viewer, model, partners: QuerySet[Partner]) -> QuerySet:
    records = model._default_manager.filter(partner__in=partners)
    return partner_owned.policy_for(model).visible_to(viewer, records)


def _average(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def _statistics(values: list) -> tuple[Decimal, Decimal]:
    average = Decimal(sum(values, Decimal(0))) / len(values)
    median = Decimal(statistics.median(values))
    return average.quantize(CENT, ROUND_HALF_UP), median.quantize(CENT, ROUND_HALF_UP)


def scorecard(viewer, partner: Partner, as_of: dt.date) -> Scorecard:
    """The partner's scorecard as `viewer` may see it (the caller has checked that
    the partner is in the viewer's reach)."""
    quarters = quarters_to(as_of)
    first, last = quarters[0].first, as_of
    starts = [quarter.first for quarter in quarters]
    only = Partner.objects.filter(pk=partner.pk)
    peers = list(
        Partner.objects.filter(
            tier_id=partner.tier_id, stage__in=EVALUATED_STAGES
        ).values_list("pk", flat=True)
    )
    benchmarked = len(peers) >= MIN_PEERS
    peer_set = Partner.objects.filter(pk__in=peers)
    program_currency = TierProgramSettings.load().revenue_currency
    labels = _labels()
    measures: list[Measure] = []

    for code, source in SOURCES.items():
        if not _may_see(viewer, source.model):
            continue
        own = source.rows(
            _records(viewer, source.model, only), first, last, ("quarter",)
        )
        tier_rows = (
            source.rows(
                source.model._default_manager.filter(partner__in=peer_set),
                first,
                last,
                ("partner_id",),
            )
            if benchmarked
            else []
        )
        measures.extend(
            _measures(
                code,
                labels[code],
                source,
                own,
                tier_rows,
                starts,
                peers,
                benchmarked,
                program_currency if code == "revenue" else None,
            )
        )
        if code == "completions" and _may_see(viewer, CertificationAward):
            measures.append(
                _certified(viewer, labels["certified"], only, quarters, as_of, peers)
            )

    requirements, next_tier, gap = _requirements(partner, as_of)
    return Scorecard(
        partner=partner,
        as_of=as_of,
        quarters=quarters,
        measures=measures,
        charts=_charts(measures, quarters),
        benchmark=_benchmark_table(measures, benchmarked),
        peers=len(peers),
        requirements=requirements,
        next_tier=next_tier,
        gap=gap,
        gap_sentence=gap_in_words(partner.tier, next_tier, gap, program_currency),
    )


def _measures(
    code, label, source, own, tier_rows, starts, peers, benchmarked, currency
) -> list[Measure]:
    """The measure (one per currency for money) from the partner's rows by quarter
    and the tier's rows by partner."""
    field = source.field
    if field == "amount":
        currencies = sorted(
            {row["currency"] for row in own} | ({currency} if currency else set())
        )
        return [
            _one(
                f"{code}-{cur.lower()}",
                _("%(measure)s (%(currency)s)") % {"measure": label, "currency": cur},
                [row for row in own if row["currency"] == cur],
                [row for row in tier_rows if row["currency"] == cur],
                field,
                starts,
                peers,
                benchmarked,
                cur,
            )
            for cur in currencies
        ]
    return [_one(code, label, own, tier_rows, field, starts, peers, benchmarked, "")]


def _one(
    measure_id, label, own, tier_rows, field, starts, peers, benchmarked, currency
) -> Measure:
    by_quarter = {row["quarter"]: row for row in own}
    zero = ZERO if field == "amount" else 0
    if field == "average":
        values = [_average(by_quarter.get(s, {}).get("average")) for s in starts]
        rated = sum(row["count"] for row in own)
        total = (
            _average(
                sum(Decimal(str(row["average"])) * row["count"] for row in own) / rated
            )
            if rated
            else None
        )
        per_partner = [Decimal(str(row["average"])) for row in tier_rows]
    else:
        values = [by_quarter.get(s, {}).get(field, zero) for s in starts]
        total = sum(values, zero)
        got = {row["partner_id"]: row[field] for row in tier_rows}
        per_partner = [Decimal(got.get(pk, 0)) for pk in peers]
    average = median = None
    if benchmarked and per_partner:
        average, median = _statistics(per_partner)
    return Measure(
        id=measure_id,
        label=label,
        values=values,
        total=total,
        average=average,
        median=median,
        value_format="money" if field == "amount" else "number",
        currency=currency,
    )


def _certified(viewer, label, only, quarters, as_of, peers) -> Measure:
    """Users with an active certification on the last day of each quarter (today
    for the current one); the tier's figures are today's."""
    days = [min(quarter.last, as_of) for quarter in quarters]
    awards = _records(viewer, CertificationAward, only)
    on = learning.certified_users_on(awards, days)
    average = median = None
    if len(peers) >= MIN_PEERS:
        got = learning.compute_certified_users(peers, as_of)
        average, median = _statistics([Decimal(got.get(pk, 0)) for pk in peers])
    return Measure(
        id="certified",
        label=label,
        values=[on[day] for day in days],
        total=on[days[-1]],
        average=average,
        median=median,
    )


def _charts(measures: Sequence[Measure], quarters: Sequence[Quarter]) -> list[Chart]:
    categories = [quarter.label for quarter in quarters]
    charts = []
    counts = [m for m in measures if m.value_format == "number" and m.id != "rating"]
    for measure in measures:
        if measure.value_format == "money":
            charts.append(
                Chart(
                    id=f"scorecard-{measure.id}",
                    title=measure.label,
                    kind="bar",
                    categories=categories,
                    series=[Series(measure.label, list(measure.values))],
                    value_format="money",
                    currency=measure.currency,
                    category_label=_("Quarter"),
                )
            )
    if counts:
        charts.append(
            Chart(
                id="scorecard-activity",
                title=_("Activity by quarter"),
                kind="line",
                categories=categories,
                series=[Series(m.label, list(m.values)) for m in counts],
                category_label=_("Quarter"),
                caption=_(
                    "Certified users: those holding an active certification on the "
                    "quarter's last day (today for the current quarter)."
                )
                if any(m.id == "certified" for m in counts)
                else "",
            )
        )
    for measure in measures:
        if measure.id == "rating":
            charts.append(
                Chart(
                    id="scorecard-rating",
                    title=measure.label,
                    kind="line",
                    categories=categories,
                    series=[Series(measure.label, list(measure.values))],
                    category_label=_("Quarter"),
                    caption=_("From 1 (poor) to 5 (excellent)."),
                )
            )
    return charts


def _benchmark_table(measures: Sequence[Measure], benchmarked: bool) -> Table:
    rows = [
        [
            measure.label,
            measure.total,
            measure.average if benchmarked else None,
            measure.median if benchmarked else None,
        ]
        for measure in measures
    ]
    return Table(
        id="scorecard-tier",
        title=_("Against the tier"),
        header=[_("Measure"), _("This partner"), _("Tier average"), _("Tier median")],
        rows=rows,
        caption=_(
            "Over the four quarters shown (certified users: today). The tier's figures "
            "cover the active and at-risk partners of the same tier, the partner "
            "included; a partner without any counts as zero."
        ),
    )


def _requirements(partner: Partner, as_of: dt.date):
    """(the partner's tier's requirements, the next tier, its requirements): one
    evaluation of both tiers."""
    tiers = list(
        Tier.objects.filter(rank__gte=partner.tier.rank)
        .prefetch_related("required_agreements")
        .order_by("rank")[:2]
    )
    next_tier = tiers[1] if len(tiers) > 1 else None
    report = requirements_report([partner], as_of, tiers=tiers)[partner.pk]
    own = [row for row in report if row.tier == partner.tier.code]
    gap = [row for row in report if next_tier and row.tier == next_tier.code]
    return own, next_tier, gap


def gap_in_words(
    tier: Tier,
    next_tier: Tier | None,
    gap: Sequence[RequirementResult],
    currency: str,
) -> str:
    """The gap to the next tier in plain words: "42,000.00 CNY more revenue in the
    trailing 12 months and one more certified user to reach Gold."."""
    if next_tier is None:
        return _("%(tier)s is the top tier of the program.") % {"tier": str(tier)}
    if not gap:
        return _("%(tier)s has no requirements set yet: ask the program manager.") % {
            "tier": str(next_tier)
        }
    needs = []
    agreements = 0
    for row in gap:
        if row.met:
            continue
        if row.kind == "revenue":
            short = Decimal(row.required) - Decimal(row.actual)
            needs.append(
                _("%(amount)s more revenue in the trailing 12 months")
                % {"amount": wording.money(short, currency)}
            )
        elif row.kind == "certified_users":
            short = int(row.required) - int(row.actual)
            code = next_tier.required_certification
            if code:
                needs.append(
                    ngettext(
                        "one more user certified in %(code)s",
                        "%(count)s more users certified in %(code)s",
                        short,
                    )
                    % {"count": short, "code": code}
                )
            else:
                needs.append(
                    ngettext(
                        "one more certified user",
                        "%(count)s more certified users",
                        short,
                    )
                    % {"count": short}
                )
        else:
            agreements += 1
    if agreements:
        needs.append(
            ngettext(
                "one more agreement accepted",
                "%(count)s more agreements accepted",
                agreements,
            )
            % {"count": agreements}
        )
    if not needs:
        return _(
            "Every requirement of %(tier)s is met: the next tier evaluation moves "
            "the partner up."
        ) % {"tier": str(next_tier)}
    if len(needs) == 1:
        listed = needs[0]
    else:
        listed = _("%(first)s and %(last)s") % {
            "first": pgettext("between the items of a list", ", ").join(needs[:-1]),
            "last": needs[-1],
        }
    return _("%(needs)s to reach %(tier)s.") % {"needs": listed, "tier": str(next_tier)}
