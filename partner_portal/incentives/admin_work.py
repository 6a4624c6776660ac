"""The incentives app's work on the admin home: statements to approve, and the
user's sales imports that failed this week."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from partner_portal.admin_home import FIRST_FEW, WorkCard, WorkItem
from partner_portal.partners.ownership import partner_owned

from .models import SalesImportJob, Statement
from .selectors import sales_import_jobs_visible_to

FAILED_IMPORTS_SINCE = dt.timedelta(days=7)


def statements_to_approve(request) -> WorkCard | None:
    user = request.user
    if not user.has_perm("incentives.approve_statement"):
        return None
    drafts = (
        partner_owned.policy_for(Statement)
        .visible_to(user)
        .filter(status=Statement.Status.DRAFT)
        .select_related("partner", "program")
        .order_by("period_end", "partner__name")
    )
    url = reverse("incentives_statement:index")
    return WorkCard(
        title=_("Statements to approve"),
        icon="doc-full",
        count=drafts.count(),
        url=f"{url}?{urlencode({'status': Statement.Status.DRAFT})}",
        empty=_("No draft statement is waiting for approval."),
        items=[
            WorkItem(
                label=statement.partner.name,
                url=reverse("incentives_statement:inspect", args=[statement.pk]),
                detail=f"{statement.program} · {statement.period}",
            )
            for statement in drafts[:FIRST_FEW]
        ],
    )


def failed_imports(request) -> WorkCard | None:
    if not request.user.has_perm("incentives.view_salesrecord"):
        return None
    failed = sales_import_jobs_visible_to(request.user).filter(
        status=SalesImportJob.Status.FAILED,
        created_at__gte=timezone.now() - FAILED_IMPORTS_SINCE,
    )
    return WorkCard(
        title=_("Sales imports that failed"),
        icon="warning",
        count=failed.count(),
        url=reverse("incentives_salesrecord:import"),
        empty=_("None of your sales imports failed this week."),
        urgent=failed.count(),
        urgent_label=_("to correct and import again"),
        items=[
            WorkItem(
                label=job.name,
                url=reverse("incentives_salesrecord:import_job", args=[job.pk]),
                detail=timezone.localtime(job.created_at).strftime("%Y-%m-%d %H:%M"),
                urgent=True,
            )
            for job in failed[:FIRST_FEW]
        ],
    )
