"""MDF for tests: a partner's users, requests and claims made through the services,
on the 2026-Q4 allocation of `factories.allocation` (1 October to 31 December)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from guardian.shortcuts import assign_perm

from partner_portal.deals.services.mdf import (
    fund_claim_decide,
    fund_claim_submit,
    fund_request_decide,
    fund_request_submit,
)
from partner_portal.partners.models import Role
from partner_portal.partners.services import ACCOUNT_MANAGER_PERMISSIONS
from partner_portal.resources.demo import demo_pdf
from tests.factories import MembershipFactory, StaffFactory

D = Decimal
# The day requests are made, and the day claims come in, in 2026-Q4.
ASKED_ON = dt.date(2026, 10, 1)
CLAIMED_ON = dt.date(2026, 11, 20)
# The last day claims are taken with the default 30 days' grace.
CLAIM_BY = dt.date(2027, 1, 30)

MDF_STAFF_PERMISSIONS = (
    "view_fundallocation",
    "view_fundrequest",
    "view_fundclaim",
    "decide_fundrequest",
    "decide_fundclaim",
)


def marketer(partner, role=Role.MARKETING):
    return MembershipFactory(partner=partner, role=role).user


def pdf(name="invoice.pdf", text="Invoice 4411"):
    return SimpleUploadedFile(name, demo_pdf(text), content_type="application/pdf")


def mdf_staff(*partners, codenames=MDF_STAFF_PERMISSIONS, every_partner=False):
    """Staff who may use the MDF admin: for the partners assigned to them (a
    channel account manager) or for `every_partner` (a program manager)."""
    user = StaffFactory()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="deals", codename__in=codenames
        ),
        *Permission.objects.filter(
            content_type__app_label="partners",
            codename__in=["view_partner"] if every_partner else [],
        ),
    )
    for partner in partners:
        for codename in ACCOUNT_MANAGER_PERMISSIONS:
            assign_perm(f"partners.{codename}", user, partner)
    return user


def request_of(
    allocation, by=None, *, planned_cost="1000.00", today=ASKED_ON, **fields
):
    values = {
        "activity_type": "event",
        "title": "Partner summit",
        "description": "A half-day event for 40 customers.",
        "start_date": dt.date(2026, 11, 2),
        "end_date": dt.date(2026, 11, 3),
        "planned_cost": D(planned_cost),
        "expected_leads": 20,
        "expected_attendees": 40,
        **fields,
    }
    by = by or marketer(allocation.partner)
    return fund_request_submit(allocation=allocation, by=by, today=today, **values)


def approved(allocation, amount=None, *, planned_cost="1000.00", **fields):
    request = request_of(allocation, planned_cost=planned_cost, **fields)
    return fund_request_decide(
        request=request,
        by=StaffFactory(),
        approve=True,
        amount=None if amount is None else D(amount),
    )


def claim_of(request, actual_cost="900.00", *, files=None, today=CLAIMED_ON):
    return fund_claim_submit(
        request=request,
        by=request.requested_by,
        actual_cost=D(actual_cost),
        leads=12,
        attendees=35,
        results="35 came, 12 asked for a quote.",
        files=[pdf()] if files is None else files,
        today=today,
    )


def claim_approved(request, amount=None, actual_cost="900.00"):
    claim = claim_of(request, actual_cost)
    return fund_claim_decide(
        claim=claim,
        by=StaffFactory(),
        approve=True,
        amount=None if amount is None else D(amount),
    )
