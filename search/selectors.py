"""What the outbox holds, for search_status and the admin's search status page."""

import datetime
from dataclasses import dataclass

from django.db.models import Min

from .models import OutboxEntry

# How many of the entries that failed a report lists, most tried first.
LISTED = 50


@dataclass(frozen=True)
class OutboxSummary:
    waiting: int
    oldest: datetime.datetime | None
    # Entries Elasticsearch has refused or could not take, with their last error.
    failing: list[OutboxEntry]


def outbox_summary() -> OutboxSummary:
    totals = OutboxEntry.objects.aggregate(oldest=Min("created_at"))
    return OutboxSummary(
        waiting=OutboxEntry.objects.count(),
        oldest=totals["oldest"],
        failing=list(
            OutboxEntry.objects.filter(attempts__gt=0).order_by("-attempts", "pk")[
                :LISTED
            ]
        ),
    )
