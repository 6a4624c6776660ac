"""Reads of support: survey results and their Net Promoter Score."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .models import SurveyInvitation

PROMOTER = Q(score__gte=9)
DETRACTOR = Q(score__lte=6)


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
        "passives": Count("pk", filter=answered & Q(score__in=(7, 8))),
        "detractors": Count("pk", filter=answered & DETRACTOR),
    }


def nps(invitations: QuerySet[SurveyInvitation]) -> Nps:
    return Nps(**invitations.aggregate(**_counts()))


def nps_by(invitations: QuerySet[SurveyInvitation], field: str) -> list[tuple]:
    """[(value of `field`, Nps)] for each value among the invitations, in one query:
    `field` is "partner__name", "tier__name" or "region"."""
    rows = invitations.values(field).annotate(**_counts()).order_by(field)
    return [(row.pop(field), Nps(**row)) for row in rows]
