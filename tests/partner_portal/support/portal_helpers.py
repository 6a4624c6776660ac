"""What the portal and email tests of support share: tickets, agents, files."""

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

import lxml.html

from partner_portal.partners.models import Role
from partner_portal.resources.demo import demo_pdf, demo_png
from partner_portal.support.models import Category, Ticket
from partner_portal.support.services.tickets import ticket_open
from tests.factories import MembershipFactory, StaffFactory


def user_of(partner, role=Role.SALES, **fields):
    return MembershipFactory(partner=partner, role=role, **fields).user


def agent(**fields):
    """A support agent who answers every partner's tickets."""
    user = StaffFactory(**fields)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["answer_ticket", "view_ticket", "view_partner"]
        )
    )
    return user


def png(name="screenshot.png"):
    return SimpleUploadedFile(name, demo_png(), content_type="image/png")


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, demo_pdf(name), content_type="application/pdf")


def open_ticket(partner, by, subject="VPN tunnel drops every hour", **fields) -> Ticket:
    return ticket_open(
        partner=partner,
        by=by,
        category=fields.pop("category", None) or Category.objects.get(code="technical"),
        priority=fields.pop("priority", "normal"),
        subject=subject,
        description=fields.pop("description", "The tunnel to the branch drops."),
        **fields,
    )


def words(response) -> str:
    """The page's text as a reader sees it, whitespace as one space."""
    return " ".join(lxml.html.fromstring(response.text).text_content().split())
