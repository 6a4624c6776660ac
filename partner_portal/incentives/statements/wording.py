"""How statements read to partners: amounts, rates and what each line is.

The portal's pages, the statement PDF and the CSV download word a line the same way.
Amounts carry their currency code and two decimals, grouped as the active language
groups numbers; percentages lose trailing zeros (2.5%, not 2.5000%).
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from learning.selectors import certification_choices

from .. import rules as r
from ..models import StatementLine

Basis = StatementLine.Basis


def _trimmed(value: Decimal) -> Decimal:
    value = value.normalize()
    return value.quantize(1) if value == value.to_integral() else value


def amount(value: Decimal, places: int = 2) -> str:
    """A money amount without its currency: two decimals, grouped."""
    return number_format(value, places, force_grouping=True)


def money(value: Decimal, currency: str) -> str:
    return f"{amount(value)}\N{NO-BREAK SPACE}{currency}"


def unit_money(value: Decimal, currency: str) -> str:
    """An amount per unit: two decimals, or up to the four a program may give."""
    places = max(2, -_trimmed(value).as_tuple().exponent)
    return f"{amount(value, places)}\N{NO-BREAK SPACE}{currency}"


def percent(value: Decimal) -> str:
    return f"{number_format(_trimmed(value), force_grouping=True)}%"


def count(value) -> str:
    return number_format(int(value), force_grouping=True)


RULE_NAMES = {
    r.PERCENT_OF_REVENUE: gettext_lazy("Percent of revenue"),
    r.VOLUME_BANDS: gettext_lazy("Volume bands"),
    r.PER_UNIT: gettext_lazy("Per unit"),
    r.CERTIFICATION_BONUS: gettext_lazy("Certification bonus"),
    StatementLine.CAP: gettext_lazy("Cap per period"),
}


def certification_name(code: str) -> str:
    return dict(certification_choices()).get(code, code)


def line_rule(line) -> str:
    """What a line (stored, or computed by an estimate) is, in a few words."""
    if line.rule_type == r.VOLUME_BANDS:
        if line.detail.get("mode") == r.RETROACTIVE:
            return _("Volume bands, retroactive")
        return _("Volume bands, marginal")
    if line.rule_type == r.CERTIFICATION_BONUS:
        return _("Certification bonus: %(certification)s") % {
            "certification": certification_name(line.detail.get("certification", ""))
        }
    if line.rule_type == StatementLine.CORRECTION:
        return _("Agreed correction of line %(line)s") % {
            "line": line.detail.get("disputed_line", "")
        }
    return str(RULE_NAMES.get(line.rule_type, line.rule_type))


def line_skus(line) -> str:
    """The SKUs a line counted: its own for a per-unit line, else its rule's."""
    if line.sku:
        return line.sku
    if line.rule_type in (r.PERCENT_OF_REVENUE, r.VOLUME_BANDS):
        return ", ".join(line.skus) if line.skus else _("All SKUs")
    return ""


def line_basis(line, currency: str) -> str:
    if line.basis_kind == Basis.UNITS:
        units = int(line.basis)
        return ngettext("%(count)s unit", "%(count)s units", abs(units)) % {
            "count": count(units)
        }
    if line.basis_kind == Basis.CERTIFIED_USERS:
        users = int(line.basis)
        return ngettext(
            "%(count)s certified user", "%(count)s certified users", users
        ) % {"count": count(users)}
    return money(line.basis, currency)


def line_rate(line, currency: str) -> str:
    """The rate or amount per unit the line applied; empty when it has neither."""
    if line.unit_amount is not None:
        return _("%(amount)s per unit") % {
            "amount": unit_money(line.unit_amount, currency)
        }
    if line.rate is not None:
        return percent(line.rate)
    if line.rule_type == r.VOLUME_BANDS and line.detail.get("bands"):
        return _("By band")
    if line.rule_type == StatementLine.CAP:
        return _("Capped at %(cap)s") % {
            "cap": money(Decimal(line.detail["cap"]), currency)
        }
    return ""


def warning_text(warning: dict) -> str:
    """A statement's warning: sales left out for their currency."""
    lines = int(warning["lines"])
    return ngettext(
        "%(count)s sales line in %(currency)s (%(amount)s in all) is not in the "
        "program currency and was left out.",
        "%(count)s sales lines in %(currency)s (%(amount)s in all) are not in the "
        "program currency and were left out.",
        lines,
    ) % {
        "count": count(lines),
        "currency": warning["currency"],
        "amount": money(Decimal(warning["amount"]), warning["currency"]),
    }


def bands_crossed(line) -> list[dict]:
    """A band line's parts: [{"from", "rate", "revenue"}] as Decimals."""
    return [
        {key: Decimal(part[key]) for key in ("from", "rate", "revenue")}
        for part in line.detail.get("bands", [])
    ]


def _rule_terms(rule, tier_code: str, currency: str) -> dict:
    """{"text", "skus", "items"}: what the rule pays, the SKUs it is limited to
    (empty: every SKU), and its bands or amounts per SKU."""
    if isinstance(rule, r.PercentOfRevenue):
        rate = rule.rates.get(tier_code)
        if rate is None:
            text = _("Your tier earns nothing from this rule.")
        else:
            text = _("%(rate)s of your revenue.") % {"rate": percent(rate)}
        return {"text": text, "skus": ", ".join(rule.skus), "items": []}
    if isinstance(rule, r.VolumeBands):
        if rule.mode == r.RETROACTIVE:
            text = _(
                "All of your revenue earns the rate of the highest band it reaches."
            )
        else:
            text = _("Each part of your revenue earns the rate of the band it is in.")
        items = [
            _("From %(from)s: %(rate)s")
            % {"from": money(band.start, currency), "rate": percent(band.percent)}
            for band in rule.bands
        ]
        return {"text": text, "skus": ", ".join(rule.skus), "items": items}
    if isinstance(rule, r.PerUnit):
        items = [
            _("%(sku)s: %(amount)s per unit")
            % {"sku": sku, "amount": unit_money(value, currency)}
            for sku, value in rule.amounts.items()
        ]
        return {
            "text": _("A fixed amount for each unit sold."),
            "skus": "",
            "items": items,
        }
    text = ngettext(
        "%(amount)s once a period when at least %(count)s of your users holds the "
        "%(certification)s certification on its last day.",
        "%(amount)s once a period when at least %(count)s of your users hold the "
        "%(certification)s certification on its last day.",
        rule.min_certified_users,
    ) % {
        "amount": money(rule.amount, currency),
        "count": count(rule.min_certified_users),
        "certification": certification_name(rule.certification),
    }
    return {"text": text, "skus": "", "items": []}


def program_terms(program, tier_code: str) -> list[dict]:
    """Each rule of `program` as a partner of the tier `tier_code` earns from it:
    [{"name", "text", "skus", "items"}], and the cap last."""
    terms = [
        {
            "name": RULE_NAMES[rule.type],
            **_rule_terms(rule, tier_code, program.currency),
        }
        for rule in program.rule_list()
    ]
    if program.cap_per_period is not None:
        terms.append(
            {
                "name": RULE_NAMES[StatementLine.CAP],
                "text": _("You earn at most %(cap)s in one period.")
                % {"cap": money(program.cap_per_period, program.currency)},
                "skus": "",
                "items": [],
            }
        )
    return terms
