"""The learning app's work on the admin home: certifications expiring within 30
days, of the partners in the user's reach."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partner_portal.admin_home import FIRST_FEW, WorkCard, WorkItem
from partner_portal.partners.ownership import partner_owned

from .models import CertificationAward

EXPIRING_WITHIN = dt.timedelta(days=30)


def certifications_expiring(request) -> WorkCard | None:
    user = request.user
    if not user.has_perm("learning.view_certificationaward"):
        return None
    today = timezone.localdate()
    awards = (
        partner_owned.policy_for(CertificationAward)
        .visible_to(
            user,
            CertificationAward.objects.expiring_between(today, today + EXPIRING_WITHIN),
        )
        .select_related("user", "partner", "certification")
        .order_by("expires_at")
    )
    return WorkCard(
        title=_("Certifications expiring in 30 days"),
        icon="tick-inverse",
        count=awards.count(),
        url=reverse("learning_awards:index"),
        empty=_("No certification expires in the next 30 days."),
        items=[
            WorkItem(
                label=f"{award.user.get_full_name() or award.user.email} · "
                f"{award.certification}",
                url=reverse("learning_awards:inspect", args=[award.pk]),
                detail=f"{award.partner} · {award.expires_at:%Y-%m-%d}",
            )
            for award in awards[:FIRST_FEW]
        ],
    )
