"""A partner's certifications and course activity in the partner's 360 view in
the admin (registered in AppConfig.ready(); see `partners.profile_sections`)."""

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.profile_sections import RECENT, may_view

from .models import CertificationAward, Enrolment
from .models.certifications import AwardStatus

# Enough rows for the holders of a large partner; the award list has them all.
AWARDS_SHOWN = 50


def certifications_section(user, partner) -> dict | None:
    """Each award of the partner with its holder and status today, active ones
    first, in one query; None without the view permission on awards."""
    if not may_view(user, CertificationAward):
        return None
    awards = (
        partner_owned.policy_for(CertificationAward)
        .rows_of(user, partner)
        .with_status_on(timezone.localdate())
        .select_related("certification", "user")
        # "active" sorts before "expired" and "revoked".
        .order_by("status", "certification__name", "user__last_name", "pk")
    )
    shown = list(awards[: AWARDS_SHOWN + 1])
    return {
        "awards": [
            {
                "award": award,
                "status": award.status,
                "word": AwardStatus(award.status).label,
            }
            for award in shown[:AWARDS_SHOWN]
        ],
        "more": len(shown) > AWARDS_SHOWN,
        "all_url": reverse("learning_awards:index")
        + "?"
        + urlencode({"q": partner.name}),
    }


def course_activity(user, partner) -> dict | None:
    """The partner's latest enrolments and completions, the latest event of each
    enrolment first, in one query; None without the view permission on
    enrolments."""
    if not may_view(user, Enrolment):
        return None
    enrolments = (
        partner_owned.policy_for(Enrolment)
        .rows_of(user, partner)
        .select_related("user", "course")
        # A completion comes after its enrolment: the latest event is either.
        .annotate(last_event=Coalesce("completed_at", "enrolled_at"))
        .order_by("-last_event", "-pk")
    )
    return {"enrolments": list(enrolments[:RECENT])}
