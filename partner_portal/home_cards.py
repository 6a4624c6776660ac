"""The partner home page: a to-do list first, then cards of the partner's state, then
news. Each app registers its to-dos and cards in AppConfig.ready(); the home never
imports an app."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string

# The home's sections, in the order the page shows them after the to-do list.
STATE = "state"
NEWS = "news"


@dataclass(frozen=True)
class HomeCard:
    order: int
    template: str
    # Returns the card's template context, or None when the card has nothing to show.
    context: Callable[[HttpRequest], dict | None]
    section: str = STATE


@dataclass(frozen=True)
class Todo:
    """One thing the user can do now, and the page where it is done.

    `text` is the whole sentence shown ("Acknowledge the policy “Data protection”."),
    `url` the page that does it; `note` an optional aside such as a due date. A
    source offers a to-do only when the user may open `url` (the same policy as the
    page), and stops offering it once the thing is done.
    """

    text: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class TodoSource:
    order: int
    # The request's user's to-dos from one app, [] when there is nothing to do.
    todos: Callable[[HttpRequest], list[Todo]]


_cards: list[HomeCard] = []
_todo_sources: list[TodoSource] = []


def register_home_card(card: HomeCard) -> None:
    if card not in _cards:
        _cards.append(card)
        _cards.sort(key=lambda c: c.order)


def register_todo(source: TodoSource) -> None:
    if source not in _todo_sources:
        _todo_sources.append(source)
        _todo_sources.sort(key=lambda s: s.order)


def collect_todos(request: HttpRequest) -> list[Todo]:
    """Every registered app's to-dos for the request's user, in registration order."""
    return [todo for source in _todo_sources for todo in source.todos(request)]


def render_home_cards(request: HttpRequest, section: str = STATE) -> list[str]:
    rendered = []
    for card in _cards:
        if card.section != section:
            continue
        context = card.context(request)
        if context is not None:
            rendered.append(render_to_string(card.template, context, request=request))
    return rendered
