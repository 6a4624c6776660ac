"""The MDF part of the demo data set: this quarter's allocations for the demo
partners, and for two of them requests in every state: awaiting a decision,
approved with a claim awaiting a decision (with a proof PDF), approved and not
claimed yet, and paid.

Made through the services, as partners and staff would; an activity already over
was requested on the first day of the quarter (the services' `today`). The demo
staff groups get the MDF permissions: channel account managers see and decide
their own partners' requests and claims, program managers every partner's, and set
allocations, import them and mark claims paid.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from partner_portal.incentives.models import PeriodKind
from partner_portal.incentives.periods import calendar_period, label_for
from partner_portal.partners.models import Partner, User
from partner_portal.resources.demo import demo_pdf

from .models import FundAllocation
from .services.mdf import (
    allocation_set,
    fund_claim_decide,
    fund_claim_pay,
    fund_claim_submit,
    fund_request_decide,
    fund_request_submit,
)

CENT = Decimal("0.01")
SEES = ["view_fundallocation", "view_fundrequest", "view_fundclaim"]
GROUP_PERMISSIONS = {
    "Channel account managers": [*SEES, "decide_fundrequest", "decide_fundclaim"],
    "Program managers": [
        *SEES,
        "add_fundallocation",
        "change_fundallocation",
        "decide_fundrequest",
        "decide_fundclaim",
        "pay_fundclaim",
    ],
}
# partner: (currency, amount allocated this quarter)
ALLOCATIONS = {
    "P-1001": ("USD", "10000.00"),
    "P-1002": ("USD", "15000.00"),
    "P-1003": ("CNY", "200000.00"),
    "P-1004": ("EUR", "25000.00"),
    "P-1005": ("AUD", "5000.00"),
}
# (partner, requester, kind, title, description, planned cost, what becomes of it)
REQUESTS = [
    (
        "P-1001",
        "registered.user",
        "event",
        "Cloud security breakfast, Leeds",
        "A breakfast briefing for 30 IT managers of Yorkshire retailers, with a "
        "live demonstration of the Edge Gateway.",
        "3000.00",
        "submitted",
    ),
    (
        "P-1001",
        "registered.user",
        "digital",
        "Zero Trust webinar series",
        "Three webinars promoted on LinkedIn, with the vendor's solution engineer.",
        "2500.00",
        "claimed",
    ),
    (
        "P-1001",
        "registered.user",
        "co_branded",
        "Co-branded customer brochure",
        "A four-page brochure on managed firewalls, printed in 2,000 copies.",
        "1500.00",
        "paid",
    ),
    (
        "P-1001",
        "registered.user",
        "training",
        "Hands-on training day for resellers",
        "One day of hands-on labs for the sales engineers of six sub-resellers.",
        "1200.00",
        "approved",
    ),
    (
        "P-1003",
        "gold.user",
        "event",
        "华东区合作伙伴峰会",
        # Chinese punctuation, as a Chinese partner writes.
        "在上海举办的半天峰会，面向 80 位制造业客户的 IT 负责人，展示零信任方案。",  # noqa: RUF001
        "60000.00",
        "submitted",
    ),
    (
        "P-1003",
        "gold.user",
        "digital",
        "零信任线上推广活动",
        "在微信和百度投放为期四周的线上广告，引流至联合品牌落地页。",  # noqa: RUF001
        "30000.00",
        "claimed",
    ),
]


def _grant_group_permissions():
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="deals", codename__in=codenames
                )
            )


def _staff():
    return (
        User.objects.filter(username="pm").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
    )


def _activity_dates(state, quarter, today):
    """An activity over by today for requests that are claimed or to be claimed,
    one still to come for a request awaiting a decision; inside the quarter."""
    if state == "submitted":
        day = min(today + dt.timedelta(days=14), quarter.last)
        return day, day
    return quarter.first, min(quarter.first + dt.timedelta(days=9), today)


def _demo_request(row, allocations, quarter, today, staff):
    external_id, username, kind, title, description, cost, state = row
    allocation = allocations.get(external_id)
    requester = User.objects.filter(username=username).first()
    if allocation is None or requester is None:
        return
    start, end = _activity_dates(state, quarter, today)
    request = fund_request_submit(
        allocation=allocation,
        by=requester,
        today=quarter.first if state != "submitted" else today,
        activity_type=kind,
        title=title,
        description=description,
        start_date=start,
        end_date=end,
        planned_cost=Decimal(cost),
        expected_leads=20,
        expected_attendees=40 if kind in ("event", "training") else None,
    )
    if state == "submitted":
        return
    request = fund_request_decide(request=request, by=staff, approve=True)
    if state == "approved":
        return
    invoice = f"Invoice {external_id}-{request.pk:04d}"
    claim = fund_claim_submit(
        request=request,
        by=requester,
        actual_cost=(request.approved_amount * Decimal("0.92")).quantize(CENT),
        leads=14,
        attendees=36 if kind in ("event", "training") else None,
        results="14 qualified leads, 3 quotes sent.",
        files=[
            SimpleUploadedFile(
                f"invoice-{external_id}-{request.pk:04d}.pdf",
                demo_pdf(invoice),
                content_type="application/pdf",
            )
        ],
        today=today,
    )
    if state == "paid":
        claim = fund_claim_decide(claim=claim, by=staff, approve=True)
        fund_claim_pay(claim=claim, by=staff, reference=f"PAY-DEMO-{claim.pk:04d}")


@transaction.atomic
def seed_mdf(*, stdout):
    _grant_group_permissions()
    partners = {
        partner.external_id: partner
        for partner in Partner.objects.filter(external_id__in=ALLOCATIONS)
    }
    if FundAllocation.objects.filter(partner__in=partners.values()).exists():
        stdout.write("MDF: the demo partners have allocations; no demo funds added.")
        return
    if not partners:
        stdout.write("MDF: no demo partners; no demo funds added.")
        return
    today = timezone.localdate()
    quarter = calendar_period(
        label_for(PeriodKind.QUARTER, today), (PeriodKind.QUARTER,)
    )
    staff = _staff()
    allocations = {
        external_id: allocation_set(
            partner=partner,
            period=quarter.label,
            currency=ALLOCATIONS[external_id][0],
            amount=Decimal(ALLOCATIONS[external_id][1]),
            by=staff,
        )
        for external_id, partner in partners.items()
    }
    for row in REQUESTS:
        _demo_request(row, allocations, quarter, today, staff)
    stdout.write(
        f"MDF: {len(allocations)} allocations for {quarter.label}, "
        f"{len(REQUESTS)} demo requests."
    )
