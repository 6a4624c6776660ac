"""Cards on the partner home page. Each app registers its cards in AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string


@dataclass(frozen=True)
class HomeCard:
    order: int
    template: str
    # Returns the card's template context, or None when the card has nothing to show.
    context: Callable[[HttpRequest], dict | None]


_cards: list[HomeCard] = []


def register_home_card(card: HomeCard) -> None:
    if card not in _cards:
        _cards.append(card)
        _cards.sort(key=lambda c: c.order)


def render_home_cards(request: HttpRequest) -> list[str]:
    rendered = []
    for card in _cards:
        context = card.context(request)
        if context is not None:
            rendered.append(render_to_string(card.template, context, request=request))
    return rendered
