"""The events outside systems may subscribe to.

The partner and certification events are the API's own, built from those apps'
signals (`signal_handlers.py`). Every other app declares its events through
`partner_portal.events` (`declare_event`, `announce`) and never imports this app;
`registered_events()` offers both, and an announcement is delivered like the rest.

`emit()` records one delivery per active subscription and hands them to the worker
once the surrounding transaction commits, so a rolled-back change sends nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partner_portal.events import declared_events

from ..models import WebhookDelivery, WebhookSubscription


@dataclass(frozen=True)
class Event:
    name: str
    description: str


_EVENTS: dict[str, Event] = {}


def register_event(name: str, description: str) -> Event:
    event = Event(name=name, description=description)
    _EVENTS[name] = event
    return event


def _known() -> dict[str, Event]:
    declared = {
        event.name: Event(name=event.name, description=event.description)
        for event in declared_events()
    }
    return {**declared, **_EVENTS}


def registered_events() -> list[Event]:
    return sorted(_known().values(), key=lambda event: event.name)


def event_choices() -> list[tuple[str, str]]:
    return [(event.name, event.name) for event in registered_events()]


register_event("partner.created", _("A partner was created."))
register_event(
    "partner.stage_changed", _("A partner moved to another lifecycle stage.")
)
register_event("partner.tier_changed", _("A partner moved to another tier."))
register_event(
    "certification.awarded", _("A partner user was awarded a certification.")
)
register_event(
    "certification.expired", _("A partner user's certification award expired.")
)


def deliver_announcement(sender, *, name, data, **kwargs):
    """Receiver of `partner_portal.events.event_announced`."""
    emit(name, data)


def emit(name: str, data: dict) -> list[WebhookDelivery]:
    """Queue `name` with `data` for every active subscription to it."""
    if name not in _known():
        raise ValueError(f"Unknown webhook event {name!r}; register it first.")
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(is_active=True)
        if name in subscription.events
    ]
    deliveries = [
        WebhookDelivery.objects.create(
            subscription=subscription, event=name, payload=data
        )
        for subscription in subscriptions
    ]
    if deliveries:
        from .tasks import deliver_webhook

        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(
            lambda: [deliver_webhook.enqueue(delivery_id=pk) for pk in ids]
        )
    return deliveries
