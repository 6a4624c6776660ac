"""The rules of an incentive program, as the calculation reads them.

Rules come from the program's StreamField (`incentives.blocks`) or from a file
(`program_files`); both become these frozen objects, so the calculation has one
input. Percentages and amounts are Decimals, never floats.
"""

from dataclasses import dataclass
from decimal import Decimal

PERCENT_OF_REVENUE = "percent_of_revenue"
VOLUME_BANDS = "volume_bands"
PER_UNIT = "per_unit"
CERTIFICATION_BONUS = "certification_bonus"
RULE_TYPES = (PERCENT_OF_REVENUE, VOLUME_BANDS, PER_UNIT, CERTIFICATION_BONUS)
MARGINAL = "marginal"
RETROACTIVE = "retroactive"


@dataclass(frozen=True)
class PercentOfRevenue:
    rates: dict[str, Decimal]  # tier code -> percent
    skus: tuple[str, ...] = ()  # empty: every SKU
    type = PERCENT_OF_REVENUE


@dataclass(frozen=True)
class Band:
    start: Decimal  # "from" in files: the revenue from which the rate applies
    percent: Decimal


@dataclass(frozen=True)
class VolumeBands:
    mode: str
    bands: tuple[Band, ...]  # sorted by start
    skus: tuple[str, ...] = ()
    type = VOLUME_BANDS


@dataclass(frozen=True)
class PerUnit:
    amounts: dict[str, Decimal]  # SKU -> amount per unit
    type = PER_UNIT

    @property
    def skus(self) -> tuple[str, ...]:
        return tuple(self.amounts)


@dataclass(frozen=True)
class CertificationBonus:
    certification: str
    min_certified_users: int
    amount: Decimal
    type = CERTIFICATION_BONUS


Rule = PercentOfRevenue | VolumeBands | PerUnit | CertificationBonus


def _skus(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(sku.strip() for sku in values or () if sku.strip()))


def rule_from_value(rule_type: str, value) -> Rule:
    """One rule from a block's value (a StructValue or a dict of the same keys)."""
    if rule_type == PERCENT_OF_REVENUE:
        return PercentOfRevenue(
            rates={rate["tier"]: Decimal(rate["percent"]) for rate in value["rates"]},
            skus=_skus(value.get("skus")),
        )
    if rule_type == VOLUME_BANDS:
        bands = sorted(
            (Band(Decimal(b["start"]), Decimal(b["percent"])) for b in value["bands"]),
            key=lambda band: band.start,
        )
        return VolumeBands(
            mode=value["mode"], bands=tuple(bands), skus=_skus(value.get("skus"))
        )
    if rule_type == PER_UNIT:
        return PerUnit(
            amounts={
                item["sku"].strip(): Decimal(item["amount"])
                for item in value["amounts"]
            }
        )
    if rule_type == CERTIFICATION_BONUS:
        return CertificationBonus(
            certification=value["certification"],
            min_certified_users=int(value["min_certified_users"]),
            amount=Decimal(value["amount"]),
        )
    raise ValueError(f"Unknown rule type {rule_type!r}.")


def rules_from_stream(stream) -> list[Rule]:
    """The rules of a program's StreamField value, in the order they were placed."""
    return [rule_from_value(child.block_type, child.value) for child in stream]
