"""Support: tickets and their SLA clock, answers found before a ticket, ratings,
surveys."""

from .surveys import Survey, SurveyInvitation, SurveyQuestion
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
    "Survey",
    "SurveyInvitation",
    "SurveyQuestion",
    "Ticket",
    "TicketAttachment",
    "TicketEvent",
    "TicketMessage",
]
