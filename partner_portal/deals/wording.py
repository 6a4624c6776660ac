"""How registrations read: a product, a reason a deal was lost and a country in the
active language, an amount with its currency, the days left in a window, who took a
step."""

import datetime as dt
import gettext
from functools import cache

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

import pycountry

from partner_portal.partners.wording import name_in_language

# All a registrant learns of a conflict, on every page and answer: never whose the
# other registration is, nor its value or status.
CONFLICT_NOTICE = gettext_lazy(
    "A registration for this customer already exists. Our channel team will review "
    "both and decide."
)


# The portal's wording (partner pages and the registrant's emails). Who took a step
# reads as "You", a colleague's name, or "Vendor team" for any of the vendor's staff:
# partners learn what was decided and why, not which member of staff decided it.


@cache
def _countries(chinese: bool) -> tuple[tuple[str, str, str], ...]:
    """(code, name, option label) of every ISO 3166 country, in option order; the
    Chinese names are pycountry's translation of the standard's."""
    countries = list(pycountry.countries)
    if not chinese:
        return tuple(
            (c.alpha_2, c.name, f"{c.name} ({c.alpha_2})")
            for c in sorted(countries, key=lambda c: c.name)
        )
    names = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    # Sorted by code and led by it: a reader types "CN" to reach 中国, as Chinese
    # names have no alphabetical order a select can jump through.
    return tuple(
        (c.alpha_2, names.gettext(c.name), f"{c.alpha_2} · {names.gettext(c.name)}")
        for c in sorted(countries, key=lambda c: c.alpha_2)
    )


@cache
def _country_names(chinese: bool) -> dict[str, str]:
    return {code: name for code, name, _label in _countries(chinese)}


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country for a select, named in the active language."""
    return [(code, label) for code, _name, label in _countries(_chinese())]


def country_name(code: str) -> str:
    return _country_names(_chinese()).get(code, code)


def _chinese() -> bool:
    return get_language() == "zh-hans"


def days_left(day: dt.date | None, today: dt.date | None = None) -> int | None:
    """Whole days from today to `day` (0 on the day itself)."""
    if day is None:
        return None
    return (day - (today or timezone.localdate())).days


def protection_left(day: dt.date) -> str:
    """How much of a protection window is left: "12 days left", "Ends today"."""
    left = days_left(day)
    if left > 0:
        return ngettext("%(days)s day left", "%(days)s days left", left) % {
            "days": left
        }
    return _("Ends today") if left == 0 else _("Ended")


def event_by(event, viewer) -> str:
    """Who took a step of a registration, as a partner user reads it."""
    if event.by_id is None:
        return _("Automatically")
    if event.by_id == getattr(viewer, "pk", None):
        return _("You")
    if event.by.is_staff:
        return _("Vendor team")
    return event.by.get_full_name() or event.by.username


def product_list(products) -> str:
    """The products' names, separated as the active language separates a list."""
    separator = pgettext("between the items of a list", ", ")
    return separator.join(name_in_language(product) for product in products)
