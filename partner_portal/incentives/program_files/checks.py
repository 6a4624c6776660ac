"""Reading and checking a program file: every error, each with its place."""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

import yaml

from learning.selectors import certification_choices
from partner_portal.partners.models import Tier

from .. import rules as r
from ..currencies import is_currency
from ..models import PeriodKind, ProgramKind

FIELDS = (
    "code",
    "name",
    "kind",
    "currency",
    "start",
    "end",
    "period",
    "eligible_tiers",
    "rules",
    "cap_per_period",
)
RULE_FIELDS = {
    r.PERCENT_OF_REVENUE: ({"type", "rates"}, {"skus"}),
    r.VOLUME_BANDS: ({"type", "mode", "bands"}, {"skus"}),
    r.PER_UNIT: ({"type", "amounts"}, set()),
    r.CERTIFICATION_BONUS: (
        {"type", "certification", "min_certified_users", "amount"},
        set(),
    ),
}


class ProgramFileError(ValueError):
    """The file's errors, each with its place; nothing was written."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class _DecimalLoader(yaml.SafeLoader):
    """YAML whose floats are Decimals read from their text."""


_DecimalLoader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", "")),
)


def read_program_file(text: str, name: str = "") -> list:
    """The file's programs as plain data (JSON, or YAML for .yaml/.yml names)."""
    try:
        if name.lower().endswith((".yaml", ".yml")):
            data = yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 (safe loader)
        else:
            data = json.loads(text, parse_float=Decimal)
    except (ValueError, yaml.YAMLError, InvalidOperation) as error:
        raise ProgramFileError(
            [_("The file cannot be read: %(error)s") % {"error": error}]
        ) from None
    return data if isinstance(data, list) else [data]


@dataclass
class _Checker:
    tiers: set[str]
    certifications: set[str]
    errors: list[str] = field(default_factory=list)

    def error(self, place: str, message: str) -> None:
        self.errors.append(f"{place}: {message}")

    def decimal(self, place, value, *, places=2, minimum=None) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.error(place, _("a number is needed, written as a string or a number."))
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.error(place, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if not number.is_finite():
            self.error(place, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if -number.as_tuple().exponent > places:
            self.error(
                place,
                _("at most %(places)s decimal places are allowed.")
                % {"places": places},
            )
        if minimum is not None and number < minimum:
            self.error(place, _("must be at least %(minimum)s.") % {"minimum": minimum})
        return number

    def date(self, place, value) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.error(
                place,
                _("“%(value)s” is not a date like 2026-07-01.") % {"value": value},
            )
            return None

    def keys(self, place, obj, required: set, optional: set) -> bool:
        if not isinstance(obj, dict):
            self.error(place, _("an object with named fields is needed."))
            return False
        for key in sorted(required - obj.keys()):
            self.error(place, _("“%(field)s” is missing.") % {"field": key})
        for key in sorted(obj.keys() - required - optional):
            self.error(place, _("“%(field)s” is not a field here.") % {"field": key})
        return required <= obj.keys()

    def skus(self, place, value) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(s, str) and s.strip() for s in value
        ):
            self.error(place, _("a list of SKUs is needed."))
            return []
        return [sku.strip() for sku in value]

    def rule(self, place, rule) -> dict | None:
        """The rule as the program's StreamField stores it, or None."""
        if not isinstance(rule, dict) or rule.get("type") not in RULE_FIELDS:
            self.error(
                place,
                _("“type” must be one of %(types)s.")
                % {"types": ", ".join(r.RULE_TYPES)},
            )
            return None
        required, optional = RULE_FIELDS[rule["type"]]
        if not self.keys(place, rule, required, optional):
            return None
        value = getattr(self, f"_{rule['type']}")(place, rule)
        return {"type": rule["type"], "value": value}

    def _percent_of_revenue(self, place, rule):
        rates = rule["rates"]
        if not isinstance(rates, dict) or not rates:
            self.error(
                f"{place}.rates",
                _("an object of tier codes and percentages is needed."),
            )
            rates = {}
        for tier in rates:
            if tier not in self.tiers:
                self.error(
                    f"{place}.rates.{tier}", _("there is no tier with this code.")
                )
        return {
            "rates": [
                {
                    "tier": tier,
                    "percent": self.decimal(
                        f"{place}.rates.{tier}", percent, places=4, minimum=0
                    ),
                }
                for tier, percent in rates.items()
            ],
            "skus": self.skus(f"{place}.skus", rule.get("skus")),
        }

    def _volume_bands(self, place, rule):
        if rule["mode"] not in (r.MARGINAL, r.RETROACTIVE):
            self.error(f"{place}.mode", _("must be “marginal” or “retroactive”."))
        bands = rule["bands"] if isinstance(rule["bands"], list) else []
        if not bands:
            self.error(f"{place}.bands", _("a list of at least one band is needed."))
        values, starts = [], set()
        for index, band in enumerate(bands):
            band_place = f"{place}.bands[{index}]"
            if not self.keys(band_place, band, {"from", "rate"}, set()):
                continue
            start = self.decimal(f"{band_place}.from", band["from"], minimum=0)
            if start in starts:
                self.error(f"{band_place}.from", _("another band starts here too."))
            starts.add(start)
            values.append(
                {
                    "start": start,
                    "percent": self.decimal(
                        f"{band_place}.rate", band["rate"], places=4, minimum=0
                    ),
                }
            )
        return {
            "mode": rule["mode"],
            "bands": values,
            "skus": self.skus(f"{place}.skus", rule.get("skus")),
        }

    def _per_unit(self, place, rule):
        amounts = rule["amounts"]
        if not isinstance(amounts, dict) or not amounts:
            self.error(
                f"{place}.amounts",
                _("an object of SKUs and amounts per unit is needed."),
            )
            amounts = {}
        return {
            "amounts": [
                {
                    "sku": sku,
                    "amount": self.decimal(f"{place}.amounts.{sku}", amount, places=4),
                }
                for sku, amount in amounts.items()
            ]
        }

    def _certification_bonus(self, place, rule):
        if rule["certification"] not in self.certifications:
            self.error(
                f"{place}.certification", _("there is no certification with this code.")
            )
        users = rule["min_certified_users"]
        if isinstance(users, bool) or not isinstance(users, int) or users < 1:
            self.error(
                f"{place}.min_certified_users",
                _("a whole number of at least 1 is needed."),
            )
        return {
            "certification": rule["certification"],
            "min_certified_users": users,
            "amount": self.decimal(f"{place}.amount", rule["amount"], minimum=0),
        }

    def program(self, place, data) -> dict | None:
        """The model's fields from one program object, or None."""
        required = set(FIELDS) - {"cap_per_period"}
        if not self.keys(place, data, required, {"cap_per_period"}):
            return None
        if not isinstance(data["code"], str) or not data["code"].strip():
            self.error(f"{place}.code", _("a code is needed."))
        if data["kind"] not in ProgramKind.values:
            self.error(
                f"{place}.kind",
                _("must be one of %(kinds)s.")
                % {"kinds": ", ".join(ProgramKind.values)},
            )
        if not (isinstance(data["currency"], str) and is_currency(data["currency"])):
            self.error(
                f"{place}.currency",
                _("“%(code)s” is not an ISO 4217 currency code, such as USD or CNY.")
                % {"code": data["currency"]},
            )
        if data["period"] not in PeriodKind.values:
            self.error(
                f"{place}.period",
                _("must be one of %(kinds)s.")
                % {"kinds": ", ".join(PeriodKind.values)},
            )
        start, end = (
            self.date(f"{place}.start", data["start"]),
            self.date(f"{place}.end", data["end"]),
        )
        if start and end and end < start:
            self.error(f"{place}.end", _("A program cannot end before it starts."))
        tiers = data["eligible_tiers"]
        if not isinstance(tiers, list) or not tiers:
            self.error(
                f"{place}.eligible_tiers",
                _("a list of at least one tier code is needed."),
            )
            tiers = []
        for index, tier in enumerate(tiers):
            if tier not in self.tiers:
                self.error(
                    f"{place}.eligible_tiers[{index}]",
                    _("there is no tier with this code."),
                )
        rules = data["rules"] if isinstance(data["rules"], list) else []
        if not rules:
            self.error(f"{place}.rules", _("a list of at least one rule is needed."))
        stream = [
            self.rule(f"{place}.rules[{index}]", rule)
            for index, rule in enumerate(rules)
        ]
        cap = data.get("cap_per_period")
        return {
            "code": str(data["code"]).strip(),
            "name": data["name"],
            "kind": data["kind"],
            "currency": data["currency"],
            "start": start,
            "end": end,
            "period": data["period"],
            "eligible_tiers": tiers,
            "rules": stream,
            "cap_per_period": None
            if cap is None
            else self.decimal(f"{place}.cap_per_period", cap, minimum=0),
        }


def check_programs(data: list) -> list[dict]:
    """Every program's fields; raises ProgramFileError naming every error."""
    checker = _Checker(
        tiers=set(Tier.objects.values_list("code", flat=True)),
        certifications={code for code, _name in certification_choices()},
    )
    programs, codes = [], set()
    for index, item in enumerate(data):
        fields = checker.program(f"programs[{index}]", item)
        if fields is None:
            continue
        if fields["code"] in codes:
            checker.error(
                f"programs[{index}].code",
                _("another program in the file has this code."),
            )
        codes.add(fields["code"])
        programs.append(fields)
    if checker.errors:
        raise ProgramFileError(checker.errors)
    return programs
