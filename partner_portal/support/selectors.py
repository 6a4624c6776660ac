"""Reads of support: survey results and their Net Promoter Score."""

from dataclasses import dataclass

from django.db.models import Avg, Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncQuarter

from .models import Rating, SurveyInvitation, Ticket
from .reports import Period, opened_in

# The scores each group of the NPS gave, lowest and highest.
DETRACTORS = (0, 6)
PASSIVES = (7, 8)
PROMOTERS = (9, 10)
PROMOTER = Q(score__range=PROMOTERS)
DETRACTOR = Q(score__range=DETRACTORS)


@dataclass(frozen=True)
class Nps:
    """The answers of a group and its NPS: % promoters minus % detractors."""

    invited: int
    answered: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> float | None:
        if not self.answered:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answered, 1)

    @property
    def response_rate(self) -> float | None:
        if not self.invited:
            return None
        return round(100 * self.answered / self.invited, 1)


def _counts():
    answered = Q(answered_at__isnull=False)
    return {
        "invited": Count("pk"),
        "answered": Count("pk", filter=answered),
        "promoters": Count("pk", filter=answered & PROMOTER),
        "passives": Count("pk", filter=answered & Q(score__range=PASSIVES)),
        "detractors": Count("pk", filter=answered & DETRACTOR),
    }


def nps(invitations: QuerySet[SurveyInvitation]) -> Nps:
    return Nps(**invitations.aggregate(**_counts()))


def nps_by(
    invitations: QuerySet[SurveyInvitation], field: str, order_by: str = ""
) -> list[tuple]:
    """[(value of `field`, Nps)] for each value among the invitations, in one query:
    `field` is "partner__name", "tier__name" or "region"; in the order of `order_by`
    (one value per value of `field`, as "tier__rank" for "tier__name"), else of
    `field`."""
    rows = invitations.values(field).annotate(**_counts()).order_by(order_by or field)
    return [(row.pop(field), Nps(**row)) for row in rows]


# A rating this low or lower is a poor one: the partner was not helped.
POOR_RATING = 2


def support_trouble_by_partner(
    tickets: QuerySet[Ticket], start, end, now
) -> dict[int, dict[str, int]]:
    """{partner id: {"tickets", "troubled"}} of the tickets opened from the moment
    `start` to just before `end`: how many, and how many of them missed an SLA
    target by `now` (`TicketQuerySet.breached`) or were rated `POOR_RATING` or
    lower; one aggregate."""
    breached = Ticket.objects.breached(now).values("pk")
    rows = (
        tickets.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("partner_id")
        .annotate(
            tickets=Count("pk"),
            troubled=Count(
                "pk",
                filter=Q(pk__in=breached) | Q(rating__score__lte=POOR_RATING),
            ),
        )
    )
    return {
        row["partner_id"]: {"tickets": row["tickets"], "troubled": row["troubled"]}
        for row in rows
    }


# Scorecards: grouped by `by`, any of "partner_id" and "quarter" (the first day of the
# calendar quarter, local time), each one aggregate ---------------------------------


def opened_per(tickets: QuerySet[Ticket], first, last, *, by) -> list[dict]:
    """[{*by, "count"}] of the tickets opened from the local day `first` to `last`,
    both included (`reports.opened_in`)."""
    return list(
        opened_in(tickets, Period(first, last))
        .annotate(quarter=TruncQuarter("created_at", output_field=DateField()))
        .order_by()
        .values(*by)
        .annotate(count=Count("pk"))
    )


def ratings_per(tickets: QuerySet[Ticket], first, last, *, by) -> list[dict]:
    """[{*by, "count", "average"}] of the ratings of `tickets` given from the local
    day `first` to `last`, both included, as `reports.satisfaction` counts them."""
    start, end = Period(first, last).bounds
    return list(
        Rating.objects.filter(ticket__in=tickets, at__gte=start, at__lt=end)
        .annotate(
            partner_id=F("ticket__partner_id"),
            quarter=TruncQuarter("at", output_field=DateField()),
        )
        .order_by()
        .values(*by)
        .annotate(count=Count("pk"), average=Avg("score"))
    )
