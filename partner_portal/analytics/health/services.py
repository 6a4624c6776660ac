"""Computing the health scores, and the optional automatic move to "at risk"."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partner_portal.partners.models import Partner, Stage
from partner_portal.partners.services import partner_update

from ..models import HealthFactor, HealthScore, HealthScoreFactor
from .measures import MEASURES, Window

TENTH = Decimal("0.1")


def threshold() -> Decimal:
    """Partners whose latest score is below this are at risk (a setting)."""
    return Decimal(str(settings.PARTNER_HEALTH_AT_RISK_BELOW))


# Partners in these stages get a score. One still onboarding has no history to
# judge by yet (and cannot move to "at risk"); the others have left the channel.
SCORED_STAGES = (Stage.ACTIVE, Stage.AT_RISK)


def scored_partners(partners: QuerySet[Partner] | None = None) -> QuerySet[Partner]:
    """The partners that get a score (of `partners` when given): active or at
    risk."""
    partners = Partner.objects.all() if partners is None else partners
    return partners.filter(stage__in=SCORED_STAGES)


@transaction.atomic
def health_scores_compute(
    *, partners: QuerySet[Partner] | None = None, on: dt.date | None = None
) -> int:
    """Compute the scores of `on` (today) for the scored partners (of `partners`),
    replacing any of that day; returns how many were computed.

    Each factor's measure is a query or a few for all the partners together, and
    the scores and their factors are written in two bulk inserts, so the number of
    queries does not grow with the number of partners. With no enabled factor of
    some weight there is nothing to score by, and nothing is written.
    """
    on = on or timezone.localdate()
    factors = list(HealthFactor.objects.filter(enabled=True, weight__gt=0))
    total_weight = sum((factor.weight for factor in factors), Decimal(0))
    partners = scored_partners(partners)
    ids = list(partners.values_list("pk", flat=True))
    if not (ids and total_weight):
        return 0
    window = Window.as_of(on)
    measured = {
        factor.code: MEASURES[factor.code](partners, ids, window) for factor in factors
    }
    HealthScoreFactor.objects.filter(score__partner_id__in=ids, score__day=on).delete()
    HealthScore.objects.filter(partner_id__in=ids, day=on).delete()
    rows: dict[int, list[HealthScoreFactor]] = {}
    for pk in ids:
        rows[pk] = []
        for factor in factors:
            measure = measured[factor.code][pk]
            normalised = (
                measure.fallback
                if measure.raw is None
                else factor.normalise(measure.raw)
            )
            most = (100 * factor.weight / total_weight).quantize(TENTH, ROUND_HALF_UP)
            rows[pk].append(
                HealthScoreFactor(
                    factor=factor,
                    raw=measure.raw,
                    normalised=normalised,
                    weight=factor.weight,
                    points=(100 * factor.weight / total_weight * normalised).quantize(
                        TENTH, ROUND_HALF_UP
                    ),
                    max_points=most,
                    detail=measure.detail,
                )
            )
    scores = HealthScore.objects.bulk_create(
        HealthScore(
            partner_id=pk,
            day=on,
            score=sum((row.points for row in rows[pk]), Decimal(0)),
        )
        for pk in ids
    )
    for score in scores:
        for row in rows[score.partner_id]:
            row.score = score
    HealthScoreFactor.objects.bulk_create(row for pk in ids for row in rows[pk])
    return len(scores)


def health_at_risk_auto(*, on: dt.date | None = None) -> list[Partner]:
    """Move every active partner whose score of `on` is below the threshold to
    "at risk", through the stage transition, with the score as the reason; returns
    the partners moved. Run nightly when PARTNER_HEALTH_AUTO_AT_RISK is on."""
    on = on or timezone.localdate()
    below = threshold()
    scores = HealthScore.objects.filter(
        day=on, score__lt=below, partner__stage=Stage.ACTIVE
    ).select_related("partner")
    moved = []
    # The stage history keeps the reason in the site's language, as staff type it.
    with translation.override(settings.LANGUAGE_CODE):
        for score in scores:
            reason = _(
                "Health score %(score)s on %(day)s, below the at-risk threshold of "
                "%(threshold)s (moved automatically)."
            ) % {"score": score.score, "day": on.isoformat(), "threshold": below}
            moved.append(
                partner_update(
                    partner=score.partner, by=None, reason=reason, stage=Stage.AT_RISK
                )
            )
    return moved
