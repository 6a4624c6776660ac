"""The work waiting for a member of staff, on the admin home.

Each app registers the cards of its work in `AppConfig.ready()`:

    register_work(WorkSource(order=20, card=applications_to_review))

A source gets the request and returns a `WorkCard` (a count, the first few items and
the link to the whole filtered list), or None when the user may not do that work (no
permission): their home shows only what is theirs to do, in their scope, since each
source asks the same policy as the list it links to. A card with nothing waiting
says so in a line. One Wagtail home panel (`WorkWaitingPanel`) shows every card.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest

from wagtail.admin.ui.components import Component

# How many items a card lists before its link to the whole list.
FIRST_FEW = 4


@dataclass(frozen=True)
class WorkItem:
    label: str
    url: str
    detail: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class WorkCard:
    title: str
    count: int
    url: str
    empty: str
    items: Sequence[WorkItem] = field(default_factory=tuple)
    # How many of `count` are late (overdue, breached), and what to call them.
    urgent: int = 0
    urgent_label: str = ""
    icon: str = "tasks"


@dataclass(frozen=True)
class WorkSource:
    order: int
    card: Callable[[HttpRequest], WorkCard | None]


_sources: list[WorkSource] = []


def register_work(source: WorkSource) -> None:
    if source not in _sources:
        _sources.append(source)
        _sources.sort(key=lambda s: s.order)


def work_cards(request: HttpRequest) -> list[WorkCard]:
    return [card for source in _sources if (card := source.card(request)) is not None]


class WorkWaitingPanel(Component):
    name = "work_waiting"
    template_name = "admin_home/work_waiting.html"
    order = 50

    def __init__(self, request: HttpRequest):
        self.cards = work_cards(request)

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["cards"] = self.cards
        return context

    def render_html(self, parent_context=None) -> str:
        if not self.cards:
            return ""
        return super().render_html(parent_context)
