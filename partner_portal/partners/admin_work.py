"""The partners app's work on the admin home: applications to review, partners at
risk or with a demotion due, partners stuck in onboarding. Each card counts what the
list it links to shows the user (their partners only for an account manager)."""

import datetime as dt

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partner_portal.admin_home import FIRST_FEW, WorkCard, WorkItem

from .models import Application, Stage
from .permissions import partners_visible_to

# A partner in onboarding for longer than this is stuck.
ONBOARDING_STUCK_AFTER = dt.timedelta(days=14)


def _list_url(name: str, **filters) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(filters)}" if filters else url


def applications_to_review(request) -> WorkCard | None:
    if not request.user.has_perm("partners.change_application"):
        return None
    waiting = Application.objects.open().order_by("submitted_at")
    flagged = waiting.exclude(duplicate_flags=[])
    return WorkCard(
        title=_("Applications to review"),
        icon="form",
        count=waiting.count(),
        url=_list_url("application:index", status=Application.Status.SUBMITTED),
        empty=_("No application is waiting."),
        urgent=flagged.count(),
        urgent_label=_("flagged as possible duplicates"),
        items=[
            WorkItem(
                label=application.company_name,
                url=reverse("application:review", args=[application.pk]),
                detail=timezone.localtime(application.submitted_at).strftime(
                    "%Y-%m-%d"
                ),
                urgent=application.is_flagged,
            )
            for application in waiting[:FIRST_FEW]
        ],
    )


def _in_reach(user):
    """The partners the user may see (all with the model permission, an account
    manager's own), or None for a user who may see none."""
    partners = partners_visible_to(user)
    if user.has_perm("partners.view_partner") or partners.exists():
        return partners
    return None


def partners_at_risk(request) -> WorkCard | None:
    partners = _in_reach(request.user)
    if partners is None:
        return None
    partners = partners.filter(
        Q(stage=Stage.AT_RISK) | Q(demotion_due_on__isnull=False)
    )
    partners = partners.order_by("demotion_due_on", "name")
    return WorkCard(
        title=_("Partners at risk"),
        icon="warning",
        count=partners.count(),
        url=_list_url("partner:index", stage=Stage.AT_RISK),
        empty=_("No partner is at risk or due for demotion."),
        urgent=partners.filter(demotion_due_on__isnull=False).count(),
        urgent_label=_("with a demotion due"),
        items=[
            WorkItem(
                label=partner.name,
                url=reverse("partner:inspect", args=[partner.pk]),
                detail=(
                    _("demotion due %(date)s") % {"date": partner.demotion_due_on}
                    if partner.demotion_due_on
                    else partner.get_stage_display()
                ),
                urgent=partner.demotion_due_on is not None,
            )
            for partner in partners[:FIRST_FEW]
        ],
    )


def onboarding_stuck(request) -> WorkCard | None:
    partners = _in_reach(request.user)
    if partners is None:
        return None
    since = timezone.now() - ONBOARDING_STUCK_AFTER
    partners = (
        partners.filter(stage=Stage.ONBOARDING)
        .annotate(
            onboarding_since=Max(
                "stage_changes__changed_at",
                filter=Q(stage_changes__to_stage=Stage.ONBOARDING),
            )
        )
        .filter(onboarding_since__lt=since)
        .order_by("onboarding_since")
    )
    now = timezone.now()
    return WorkCard(
        title=_("Stuck in onboarding"),
        icon="time",
        count=partners.count(),
        url=_list_url("partner:index", stage=Stage.ONBOARDING),
        empty=_("No partner has been onboarding for more than 14 days."),
        items=[
            WorkItem(
                label=partner.name,
                url=reverse("partner:inspect", args=[partner.pk]),
                detail=ngettext(
                    "onboarding for %(days)d day",
                    "onboarding for %(days)d days",
                    (now - partner.onboarding_since).days,
                )
                % {"days": (now - partner.onboarding_since).days},
            )
            for partner in partners[:FIRST_FEW]
        ],
    )
