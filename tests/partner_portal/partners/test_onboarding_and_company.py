"""Onboarding checklist, and partner admins managing their company in the portal."""

from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from partner_portal.partners.models import (
    Agreement,
    OnboardingStep,
    Partner,
    PartnerMembership,
    Role,
    Stage,
    StageChange,
)
from partner_portal.partners.onboarding import onboarding_event
from tests.factories import MembershipFactory, PartnerFactory, tier


@pytest.fixture
def steps(db):
    nda = Agreement.objects.create(code="nda", version=3, title="Mutual NDA", body="…")
    return {
        "nda": OnboardingStep.objects.create(
            title="Sign the NDA",
            title_zh="签署保密协议",
            kind="accept_agreement",
            agreement=nda,
            sort_order=1,
        ),
        "profile": OnboardingStep.objects.create(
            title="Complete your company profile", kind="complete_profile", sort_order=2
        ),
        "course": OnboardingStep.objects.create(
            title="Finish Sales 101",
            kind="complete_course",
            reference="SALES-101",
            sort_order=3,
        ),
        "webinar": OnboardingStep.objects.create(
            title="Join a welcome webinar", kind="manual", required=False, sort_order=4
        ),
    }


@pytest.fixture
def onboarding_admin(db):
    partner = PartnerFactory(stage=Stage.ONBOARDING, tier=tier("registered"))
    return MembershipFactory(partner=partner, role=Role.ADMIN).user


def test_the_partner_becomes_active_when_every_required_step_is_done(
    client, steps, onboarding_admin
):
    client.force_login(onboarding_admin)
    partner = onboarding_admin.membership.partner
    home = client.get("/")
    assert "3 required steps are left" in home.text
    assert "Sign the NDA" in home.text

    client.post(reverse("onboarding-agreement", args=[steps["nda"].pk]))
    client.post(
        reverse("company-profile"),
        {
            "legal_name": "Checklist GmbH",
            "website": "https://checklist.example",
            "phone": "+49 30 1234",
            "address": "Unter den Linden 1, Berlin",
        },
    )
    assert "1 required step is left" in client.get("/").text
    assert Partner.objects.get(pk=partner.pk).stage == Stage.ONBOARDING

    onboarding_event(partner=partner, kind="complete_course", reference="OTHER")
    assert Partner.objects.get(pk=partner.pk).stage == Stage.ONBOARDING
    became_active = onboarding_event(
        partner=partner, kind="complete_course", reference="SALES-101"
    )

    assert became_active
    assert Partner.objects.get(pk=partner.pk).stage == Stage.ACTIVE
    change = StageChange.objects.filter(partner=partner).first()
    assert (change.from_stage, change.to_stage) == ("onboarding", "active")
    assert "Getting started" not in client.get("/").text


def test_the_checklist_speaks_chinese(client, steps, onboarding_admin):
    client.force_login(onboarding_admin)
    client.cookies["django_language"] = "zh-hans"
    text = client.get("/").text
    assert "签署保密协议" in text
    assert "入门" in text


def test_only_partner_admins_accept_agreements(client, steps):
    partner = PartnerFactory(stage=Stage.ONBOARDING)
    sales = MembershipFactory(partner=partner, role=Role.SALES).user
    client.force_login(sales)
    url = reverse("onboarding-agreement", args=[steps["nda"].pk])
    assert "A partner admin of your company must accept" in client.get(url).text
    assert client.post(url).status_code == 403
    assert not partner.acceptances.exists()


def test_partner_admin_invites_changes_roles_and_deactivates_users(
    client, onboarding_admin, django_capture_on_commit_callbacks
):
    partner = onboarding_admin.membership.partner
    client.force_login(onboarding_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("company-users"),
            {
                "email": "new.hire@example.com",
                "first_name": "New",
                "last_name": "Hire",
                "role": "sales",
            },
        )
    assert response.status_code == 302
    invited = PartnerMembership.objects.get(user__email="new.hire@example.com")
    assert invited.partner == partner
    assert "/accounts/invitation/" in mail.outbox[0].body

    update = reverse("company-user-update", args=[invited.pk])
    client.post(update, {"role": "technical"})
    client.post(update, {"active": "0"})
    invited.refresh_from_db()
    invited.user.refresh_from_db()
    assert (invited.role, invited.user.is_active) == ("technical", False)

    messages = [
        entry.message
        for entry in ModelLogEntry.objects.filter(object_id=str(partner.pk)).order_by(
            "timestamp"
        )
    ]
    assert messages == [
        "Invited new.hire@example.com as sales",
        "Changed the role of new.hire@example.com from sales to technical",
        "Deactivated new.hire@example.com",
    ]


def test_the_last_admin_cannot_be_removed(client, onboarding_admin):
    partner = onboarding_admin.membership.partner
    other = MembershipFactory(partner=partner, role=Role.SALES)
    client.force_login(onboarding_admin)
    own = reverse("company-user-update", args=[onboarding_admin.membership.pk])
    response = client.post(own, {"role": "sales"}, follow=True)
    assert "at least one active partner admin" in response.text
    assert PartnerMembership.objects.get(user=onboarding_admin).role == Role.ADMIN
    # A user of another partner is out of reach.
    foreign = MembershipFactory()
    url = reverse("company-user-update", args=[foreign.pk])
    assert client.post(url, {"active": "0"}).status_code == 404
    assert other.user.is_active


def test_non_admins_see_but_cannot_change_the_company(client, onboarding_admin):
    sales = MembershipFactory(
        partner=onboarding_admin.membership.partner, role=Role.SALES
    ).user
    client.force_login(sales)
    assert (
        "Only your company's partner admins"
        in client.get(reverse("company-profile")).text
    )
    assert (
        client.post(reverse("company-profile"), {"legal_name": "x"}).status_code == 403
    )
    assert client.post(reverse("company-users"), {}).status_code == 403


def test_suspended_partners_have_no_company_pages(client, db):
    partner = PartnerFactory(stage=Stage.SUSPENDED)
    client.force_login(MembershipFactory(partner=partner, role=Role.ADMIN).user)
    assert client.get(reverse("company-profile")).status_code == 404
    assert client.get(reverse("company-users")).status_code == 404


def test_staff_read_the_audit_in_the_partner_history(client, onboarding_admin):
    call_command("seed_demo", stdout=StringIO())
    client.force_login(onboarding_admin)
    client.post(
        reverse("company-profile"),
        {"legal_name": "Audit Ltd", "website": "", "phone": "", "address": ""},
    )
    from partner_portal.partners.models import User

    client.force_login(User.objects.get(username="admin"))
    partner = onboarding_admin.membership.partner
    history = client.get(reverse("partner:history", args=[partner.pk]))
    assert "Company profile updated: legal_name" in history.text
