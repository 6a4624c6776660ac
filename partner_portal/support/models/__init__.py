"""Support: tickets and their SLA clock, answers found before a ticket, ratings."""

from .tickets import (
    Category,
    Deflection,
    Priority,
    Rating,
    SlaTarget,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)

__all__ = [
    "Category",
    "Deflection",
    "Priority",
    "Rating",
    "SlaTarget",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketMessage",
]
