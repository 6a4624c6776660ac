"""Figures other apps add to a partner's 360 view in the admin.

`partners` imports none of the apps that own these figures (analytics' health
score, for one): each registers a `ProfileFact` in its `AppConfig.ready()`, and the
360 header shows whatever the registered facts return for the viewing user.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class FactValue:
    """What the header shows: `text` (already formatted), and the page behind it."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class ProfileFact:
    order: int
    label: str
    # (user, partner) -> the value the user may see, or None to leave the fact out.
    value: Callable[..., FactValue | None]


_facts: list[ProfileFact] = []


def register_profile_fact(fact: ProfileFact) -> None:
    if fact not in _facts:
        _facts.append(fact)
        _facts.sort(key=lambda f: f.order)


def profile_facts(user, partner) -> list[tuple[str, FactValue]]:
    """Each registered fact the user may see for the partner, as (label, value)."""
    shown = []
    for fact in _facts:
        value = fact.value(user, partner)
        if value is not None:
            shown.append((fact.label, value))
    return shown
