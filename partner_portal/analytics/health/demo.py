"""The health part of the demo: who may see and edit it, and the demo partners'
scores for today and each week of the last quarter, so the partner pages have a
history to draw and the at-risk list its partners."""

import datetime as dt

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from ..models import HealthScore
from .services import health_scores_compute

# Demo staff groups (partners.demo): what they may do with health scores, and the
# records of other apps the dashboard counts that no other demo grants them.
GROUP_PERMISSIONS = {
    "Channel account managers": [
        "analytics.view_healthscore",
        "learning.view_enrolment",
        "learning.view_certificationaward",
        "resources.view_downloadevent",
    ],
    "Program managers": [
        "analytics.view_healthscore",
        "analytics.view_healthfactor",
        "analytics.change_healthfactor",
        "learning.view_enrolment",
        "learning.view_certificationaward",
        "resources.view_downloadevent",
        "search.view_searchquery",
    ],
}
HISTORY_WEEKS = 12


def _grant_group_permissions():
    for name, permissions in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )


@transaction.atomic
def seed_health(*, stdout):
    _grant_group_permissions()
    if HealthScore.objects.exists():
        stdout.write("Health: scores exist already; no demo scores computed.")
        return
    today = timezone.localdate()
    for weeks in range(HISTORY_WEEKS, -1, -1):
        health_scores_compute(on=today - dt.timedelta(weeks=weeks))
    stdout.write(
        f"Health: {HealthScore.objects.count()} demo scores computed "
        f"({HISTORY_WEEKS + 1} days per partner)."
    )
