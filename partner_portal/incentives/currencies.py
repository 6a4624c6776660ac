"""ISO 4217 currency codes, from pycountry's copy of the standard."""

from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

import pycountry

# Codes ISO 4217 reserves for "no currency involved" and for testing: never money.
NOT_MONEY = frozenset({"XXX", "XTS"})


@cache
def currency_names() -> dict[str, str]:
    """{code: English name} of every ISO 4217 currency, sorted by code."""
    return {
        currency.alpha_3: currency.name
        for currency in sorted(pycountry.currencies, key=lambda c: c.alpha_3)
        if currency.alpha_3 not in NOT_MONEY
    }


def is_currency(code: str) -> bool:
    return code in currency_names()


def currency_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} · {name}") for code, name in currency_names().items()]


def validate_currency(value: str) -> None:
    if not is_currency(value):
        raise ValidationError(
            _("“%(code)s” is not an ISO 4217 currency code, such as USD or CNY."),
            code="currency",
            params={"code": value},
        )
