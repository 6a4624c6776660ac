"""The health score in a partner's 360 view (registered in AppConfig.ready())."""

from django.urls import reverse
from django.utils.formats import number_format

from partner_portal.partners.profile_facts import FactValue

from .selectors import scores_visible_to


def health_fact(user, partner) -> FactValue | None:
    """The partner's latest score the user may see, linking to its health page;
    None when there is none or the user may not see health scores."""
    score = scores_visible_to(user).filter(partner=partner).order_by("-day").first()
    if score is None:
        return None
    return FactValue(
        text=number_format(score.score, decimal_pos=0),
        url=reverse("analytics_partner_health", args=[partner.pk]),
    )
