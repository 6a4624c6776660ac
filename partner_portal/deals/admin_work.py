"""Deal registration's and MDF's work on the admin home: registrations awaiting a
decision (the overdue ones first and counted), MDF requests and claims to decide."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from partner_portal.admin_home import FIRST_FEW, WorkCard, WorkItem
from partner_portal.partners.ownership import partner_owned

from .models import Deal, FundClaim, FundRequest


def _filtered(name: str, **filters) -> str:
    return f"{reverse(name)}?{urlencode(filters)}"


def deals_to_decide(request) -> WorkCard | None:
    user = request.user
    if not user.has_perm("deals.decide_deal"):
        return None
    now = timezone.now()
    waiting = (
        partner_owned.policy_for(Deal)
        .visible_to(user)
        .filter(status=Deal.Status.SUBMITTED)
        .select_related("partner")
        .order_by("decision_due", "pk")
    )
    overdue = waiting.filter(decision_due__lt=now)
    return WorkCard(
        title=_("Registrations awaiting a decision"),
        icon="crosshairs",
        count=waiting.count(),
        url=_filtered("deals_admin:index", status=Deal.Status.SUBMITTED),
        empty=_("No deal registration is waiting for a decision."),
        urgent=overdue.count(),
        urgent_label=_("past the decision SLA"),
        items=[
            WorkItem(
                label=f"{deal.customer_name} · {deal.partner.name}",
                url=reverse("deals_admin:decide", args=[deal.pk]),
                detail=(_("conflict") + " · " if deal.conflict else "")
                + _("due %(when)s")
                % {
                    "when": date_format(
                        timezone.localtime(deal.decision_due), "SHORT_DATETIME_FORMAT"
                    )
                },
                urgent=deal.decision_due < now,
            )
            for deal in waiting[:FIRST_FEW]
        ],
    )


def mdf_to_decide(request) -> WorkCard | None:
    user = request.user
    may_requests = user.has_perm("deals.decide_fundrequest")
    may_claims = user.has_perm("deals.decide_fundclaim")
    if not (may_requests or may_claims):
        return None
    requests = (
        partner_owned.policy_for(FundRequest)
        .visible_to(user)
        .filter(status=FundRequest.Status.SUBMITTED)
        .select_related("partner")
        .order_by("submitted_at")
        if may_requests
        else FundRequest.objects.none()
    )
    claims = (
        partner_owned.policy_for(FundClaim)
        .visible_to(user)
        .filter(status=FundClaim.Status.SUBMITTED)
        .select_related("partner", "request")
        .order_by("submitted_at")
        if may_claims
        else FundClaim.objects.none()
    )
    items = [
        WorkItem(
            label=f"{fund_request.title} · {fund_request.partner.name}",
            url=reverse("mdf_requests:decide", args=[fund_request.pk]),
            detail=_("request"),
        )
        for fund_request in requests[:FIRST_FEW]
    ] + [
        WorkItem(
            label=f"{claim.request.title} · {claim.partner.name}",
            url=reverse("mdf_claims:decide", args=[claim.pk]),
            detail=_("claim"),
        )
        for claim in claims[:FIRST_FEW]
    ]
    return WorkCard(
        title=_("MDF to decide"),
        icon="list-ul",
        count=requests.count() + claims.count(),
        url=_filtered(
            "mdf_requests:index" if may_requests else "mdf_claims:index",
            status=FundRequest.Status.SUBMITTED,
        ),
        empty=_("No MDF request or claim is waiting for a decision."),
        items=items[:FIRST_FEW],
    )
