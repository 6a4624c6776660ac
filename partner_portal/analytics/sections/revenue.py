"""Revenue: by month against the year before, by tier, region and SKU family, and
the top and bottom partners; one figure per currency, never summed across them."""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partner_portal.charts import Chart, Series
from partner_portal.incentives import selectors as sales
from partner_portal.incentives.models import SalesRecord
from partner_portal.partners.models import Partner, Region, Tier
from partner_portal.partners.ownership import partner_owned

from ..scope import Scope
from . import Figure, Section, Table

TOP = 5
ZERO = Decimal("0.00")


def section(scope: Scope) -> Section | None:
    policy = partner_owned.policy_for(SalesRecord)
    if not scope.user.has_perm(policy.permission("view")):
        return None
    period = scope.period
    before = period.year_before()

    def lines(p):
        return policy.visible_to(
            scope.user, sales.lines_of(scope.partners, p.first, p.last)
        )

    now = sales.revenue_by_month(lines(period))
    then = sales.revenue_by_month(lines(before))
    if not now:
        return Section(
            "revenue",
            _("Revenue"),
            empty=_("No sales in this period for the partners you chose."),
        )
    current = lines(period)
    groups = {
        dimension: _by_currency(sales.revenue_by(current, dimension))
        for dimension in ("tier", "region", "sku_family", "partner")
    }
    tier_names = {tier.pk: str(tier) for tier in Tier.objects.all()}
    tier_order = list(Tier.objects.order_by("-rank").values_list("pk", flat=True))
    # By the regions one level below the region chosen (its children), or by
    # top-level region: Greater China's sales show as 华东, 华南….
    grouping = Region.objects.grouping(scope.filters.get("region"))
    figures, charts, tables = [], [], []
    for currency in sorted(now):
        total = sum(now[currency].values(), ZERO)
        previous = sum(then.get(currency, {}).values(), ZERO)
        figures.append(
            Figure(
                _("Revenue (%(currency)s)") % {"currency": currency},
                total,
                "money",
                currency,
                note=_change(total, previous),
            )
        )
        charts.append(_monthly(scope, currency, now[currency], then.get(currency, {})))
        by_tier = dict(groups["tier"].get(currency, []))
        charts.append(
            _bars(
                f"revenue-tier-{currency.lower()}",
                _("Revenue by tier (%(currency)s)") % {"currency": currency},
                [(tier_names[pk], by_tier[pk]) for pk in tier_order if pk in by_tier],
                currency,
                caption=_("Each sale counts under the tier the partner held that day."),
            )
        )
        charts.append(
            _bars(
                f"revenue-region-{currency.lower()}",
                _("Revenue by region (%(currency)s)") % {"currency": currency},
                grouping.rolled_up(groups["region"].get(currency, [])),
                currency,
            )
        )
        charts.append(
            _bars(
                f"revenue-sku-{currency.lower()}",
                _("Revenue by SKU family (%(currency)s)") % {"currency": currency},
                groups["sku_family"].get(currency, []),
                currency,
                caption=_("A SKU's family is its code up to the first hyphen."),
            )
        )
    tables.append(_top_and_bottom(groups["partner"]))
    return Section("revenue", _("Revenue"), figures, charts, tables)


def _by_currency(rows) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for row in rows:
        grouped.setdefault(row["currency"], []).append((row["key"], row["amount"]))
    return grouped


def _change(now: Decimal, then: Decimal) -> str:
    if not then:
        return _("Nothing a year before to compare with.")
    change = ((now - then) / abs(then) * 100).quantize(Decimal("1"))
    return _("%(change)+d%% on the same period a year before") % {"change": change}


def _monthly(scope: Scope, currency: str, now: dict, then: dict) -> Chart:
    months = scope.period.months()
    before = scope.period.year_before().months()
    return Chart(
        id=f"revenue-month-{currency.lower()}",
        title=_("Revenue by month (%(currency)s)") % {"currency": currency},
        kind="bar",
        categories=[date_format(month, "YEAR_MONTH_FORMAT") for month in months],
        series=[
            Series(_("This period"), [now.get(month, ZERO) for month in months]),
            Series(_("A year before"), [then.get(month, ZERO) for month in before]),
        ],
        value_format="money",
        currency=currency,
        caption=_("Returns and credit notes are deducted."),
    )


def _bars(chart_id, title, pairs, currency, caption="") -> Chart:
    return Chart(
        id=chart_id,
        title=title,
        kind="horizontal_bar",
        categories=[str(name) for name, _value in pairs],
        series=[Series(_("Revenue"), [value for _name, value in pairs])],
        value_format="money",
        currency=currency,
        caption=caption,
    )


def _top_and_bottom(by_partner: dict[str, list[tuple]]) -> Table:
    ids = {pk for rows in by_partner.values() for pk, _amount in rows}
    names = dict(Partner.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = []
    for currency, ranked in sorted(by_partner.items()):
        top = ranked[:TOP]
        bottom = [row for row in ranked[-TOP:] if row not in top]
        for place, (pk, amount) in enumerate(top, start=1):
            rows.append([_("Top"), place, names[pk], currency, amount])
        for place, (pk, amount) in enumerate(reversed(bottom), start=1):
            rows.append([_("Bottom"), place, names[pk], currency, amount])
    return Table(
        id="revenue-partners",
        title=_("Top and bottom partners by revenue"),
        header=[_("List"), _("Place"), _("Partner"), _("Currency"), _("Revenue")],
        rows=rows,
        caption=_("Among the partners with sales in the period."),
    )
