"""What the outbox holds, for search_status and the admin's search status page;
what partners search for, for the search terms report and the dashboard."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from .models import OutboxEntry, SearchClick, SearchQuery

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


def search_terms(
    searches: QuerySet[SearchQuery], clicks: QuerySet[SearchClick] | None = None
) -> QuerySet:
    """`searches` grouped by their text, most searched first: "searches", those
    that "found_nothing", by how many "users", "last_searched", and with `clicks`
    the results opened under that text among them ("clicks"); never who
    searched."""
    counts = {
        "searches": Count("pk"),
        "found_nothing": Count("pk", filter=Q(results=0)),
        "users": Count("user", distinct=True),
        "last_searched": Max("searched_at"),
    }
    if clicks is not None:
        opened = (
            clicks.filter(text=OuterRef("text"))
            .order_by()
            .values("text")
            .annotate(n=Count("pk"))
            .values("n")
        )
        counts["clicks"] = Coalesce(Subquery(opened, output_field=IntegerField()), 0)
    return searches.values("text").annotate(**counts).order_by("-searches", "text")


def search_counts(searches: QuerySet[SearchQuery]) -> dict[str, int]:
    """{"searches", "found_nothing"} of `searches`; one aggregate."""
    return searches.aggregate(
        searches=Count("pk"), found_nothing=Count("pk", filter=Q(results=0))
    )


def searches_of(partners, first: datetime.date, last: datetime.date):
    """The searches by the users of `partners` (a queryset) from the local day
    `first` to `last`, both included."""
    return SearchQuery.objects.filter(
        user__membership__partner__in=partners,
        searched_at__date__range=(first, last),
    )
