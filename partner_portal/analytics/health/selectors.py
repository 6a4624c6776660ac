"""Reads of the health scores, scoped by the partner-owned policy of HealthScore:
program managers see every partner's, an account manager their partners' only."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from partner_portal.partners.ownership import partner_owned

from ..models import HealthScore, HealthScoreFactor
from .services import scored_partners, threshold

# The reasons an at-risk partner is listed with: the factors that cost most.
REASONS = 2
HISTORY_DAYS = 365


def scores_visible_to(user) -> QuerySet[HealthScore]:
    return partner_owned.policy_for(HealthScore).visible_to(user)


def _with_factors(scores: QuerySet[HealthScore]) -> QuerySet[HealthScore]:
    return scores.select_related("partner__tier").prefetch_related(
        Prefetch(
            "factors",
            queryset=HealthScoreFactor.objects.select_related("factor").order_by(
                "factor__sort_order"
            ),
        )
    )


def latest_scores(user) -> QuerySet[HealthScore]:
    """Each scored partner's latest score the user may see, with its factors."""
    latest = HealthScore.objects.filter(partner=OuterRef("partner")).order_by("-day")
    return _with_factors(
        scores_visible_to(user).filter(
            pk=Subquery(latest.values("pk")[:1]),
            partner__in=scored_partners(),
        )
    ).order_by("score", "partner__name")


@dataclass(frozen=True)
class AtRisk:
    score: HealthScore
    reasons: list[HealthScoreFactor]


def reasons_of(score: HealthScore) -> list[HealthScoreFactor]:
    """The factors that cost the score most points, most first (none that cost
    nothing)."""
    costly = [row for row in score.factors.all() if row.points_lost > 0]
    costly.sort(key=lambda row: (-row.points_lost, row.factor.sort_order))
    return costly[:REASONS]


def at_risk(user) -> list[AtRisk]:
    """The partners whose latest score is below the threshold, lowest first."""
    scores = latest_scores(user).filter(score__lt=threshold())
    return [AtRisk(score, reasons_of(score)) for score in scores]


def history(user, partner) -> list[HealthScore]:
    """The partner's scores over the last year, oldest first, with their factors."""
    scores = scores_visible_to(user).filter(partner=partner).order_by("-day")
    return list(reversed(_with_factors(scores)[:HISTORY_DAYS]))
