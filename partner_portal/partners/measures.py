"""Named measures of a partner that other apps own and register.

`partners` imports neither the sales ledger nor learning; tier requirements ask for
figures by name, and the owning app registers how to compute them in AppConfig.ready():

    register_measure(Measure(TRAILING_REVENUE, compute_trailing_revenue))

A measure computes values for many partners at once: `compute(partner_ids, as_of,
**params)` returns {partner_id: value}; partners missing from the answer count as zero.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured

TRAILING_REVENUE = "trailing_12_month_revenue"  # params: currency
CERTIFIED_USERS = "certified_users"  # params: certification_code ("" for any)


@dataclass(frozen=True)
class Measure:
    name: str
    compute: Callable[..., dict[int, object]]


_measures: dict[str, Measure] = {}


def register_measure(measure: Measure) -> None:
    _measures[measure.name] = measure


def measure_values(
    name: str, partner_ids: Iterable[int], as_of: date, **params
) -> dict[int, object]:
    try:
        measure = _measures[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"No app registers the measure {name!r} that a tier requirement needs."
        ) from None
    return measure.compute(list(partner_ids), as_of, **params)
