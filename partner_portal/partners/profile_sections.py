"""Sections other apps add to a partner's 360 view in the admin.

`partners` imports none of the apps that own a partner's sales, certifications,
courses or downloads: each registers a `ProfileSection` in its `AppConfig.ready()`,
and the 360 view renders every registered section whose context callable returns a
context for the viewing user. A callable returns None when the user may not see the
section at all (no view permission on its model), and a context (perhaps of empty
lists, which its template words as a short sentence) otherwise; it reads its rows
through the model's partner-owned policy, in a fixed number of queries.

`part` places a section: SECTION is a section of its own, with its title in the
page's table of contents; ACTIVITY is a part of "Recent activity".
"""

from collections.abc import Callable
from dataclasses import dataclass

from .ownership import partner_owned

# How many rows of each history or list the 360 view shows; the full lists are
# one link away.
RECENT = 10

SECTION = "section"
ACTIVITY = "activity"


@dataclass(frozen=True)
class ProfileSection:
    order: int
    # The anchor of the section on the page: "p360-<slug>".
    slug: str
    title: str
    template: str
    # (user, partner) -> the template's context, or None to leave the section out.
    context: Callable[..., dict | None]
    part: str = SECTION


@dataclass(frozen=True)
class ShownSection:
    """A section the user may see, with the context its template renders."""

    slug: str
    title: str
    template: str
    context: dict


_sections: list[ProfileSection] = []


def register_profile_section(section: ProfileSection) -> None:
    if section.part not in (SECTION, ACTIVITY):
        raise ValueError(f"Unknown part {section.part!r}: {SECTION} or {ACTIVITY}.")
    if section not in _sections:
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def profile_sections(user, partner, part: str = SECTION) -> list[ShownSection]:
    """The registered sections of `part` the user may see for the partner."""
    shown = []
    for section in _sections:
        if section.part != part:
            continue
        context = section.context(user, partner)
        if context is not None:
            shown.append(
                ShownSection(
                    slug=section.slug,
                    title=section.title,
                    template=section.template,
                    context=context,
                )
            )
    return shown


def may_view(user, model) -> bool:
    """Whether the staff user holds the view permission on a partner-owned model,
    which decides whether its section is shown at all (the rows shown are then
    those of the partners in the user's scope)."""
    return user.has_perm(partner_owned.policy_for(model).permission("view"))
