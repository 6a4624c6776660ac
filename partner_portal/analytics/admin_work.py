"""Analytics' work on the admin home: the partners whose latest health score is
below the threshold, as the at-risk list shows them (an account manager: their
partners only). The partners app's "Partners at risk" card counts the stage and
demotions due; this one catches a partner before anyone has moved it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from partner_portal.admin_home import FIRST_FEW, WorkCard, WorkItem

from .health import selectors
from .health.views import may_see_health
from .router import analytics_reads


def low_health(request) -> WorkCard | None:
    user = request.user
    if not may_see_health(user):
        return None
    with analytics_reads():
        listed = selectors.at_risk(user)
    return WorkCard(
        title=_("Low health scores"),
        icon="warning",
        count=len(listed),
        url=reverse("analytics_health"),
        empty=_("Every partner's health score is above the threshold."),
        items=[
            WorkItem(
                label=item.score.partner.name,
                url=reverse("analytics_partner_health", args=[item.score.partner.pk]),
                detail=_("%(score)s out of 100") % {"score": item.score.score},
                urgent=True,
            )
            for item in listed[:FIRST_FEW]
        ],
    )
