"""Events an app offers outside systems, declared by the app without importing the API.

An app declares each of its events once, in its `AppConfig.ready()`, and announces
one when it happens, inside the transaction that makes it so:

    from partner_portal.events import announce, declare_event

    declare_event("deal.registered", _("A partner registered a deal."))
    announce("deal.registered", {"deal": deal.pk})

The API app reads the declared events (webhook subscriptions offer them) and turns
each announcement into signed webhook deliveries, sent once the transaction commits;
nothing imports the API app.
"""

from dataclasses import dataclass

from django.dispatch import Signal


@dataclass(frozen=True)
class DeclaredEvent:
    name: str
    description: str


_DECLARED: dict[str, DeclaredEvent] = {}

# Sent by `announce()` with `name` and `data`; the API app delivers it.
event_announced = Signal()


def declare_event(name: str, description: str) -> DeclaredEvent:
    event = DeclaredEvent(name=name, description=description)
    _DECLARED[name] = event
    return event


def declared_events() -> list[DeclaredEvent]:
    return list(_DECLARED.values())


def announce(name: str, data: dict) -> None:
    """Tell outside systems that `name` happened; `data` must be JSON-serialisable."""
    if name not in _DECLARED:
        raise ValueError(f"Unknown event {name!r}: declare it first.")
    event_announced.send(sender=None, name=name, data=data)
