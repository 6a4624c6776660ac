"""The admin home shows each member of staff the work waiting for them, in their
scope: an account manager sees their own partners' work only."""

import datetime as dt

from django.contrib.auth.models import Permission
from django.utils import timezone

import pytest

from partner_portal.analytics.models import HealthScore
from partner_portal.partners.models import Stage, StageChange
from partner_portal.partners.services import account_manager_permissions_sync
from tests.factories import ApplicationFactory, PartnerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def staff(*perms):
    user = StaffFactory()
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *(
            Permission.objects.get(
                content_type__app_label=perm.split(".")[0],
                codename=perm.split(".")[1],
            )
            for perm in perms
        ),
    )
    return user


def home(client, user):
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_account_manager_sees_their_own_partners_at_risk_only(client):
    manager = staff()
    mine = PartnerFactory(
        name="Kestrel Systems", stage=Stage.AT_RISK, account_manager=manager
    )
    account_manager_permissions_sync(partner=mine)
    PartnerFactory(name="Osprey Networks", stage=Stage.AT_RISK)

    page = home(client, manager)

    assert "Work waiting for you" in page
    assert "Partners at risk" in page and "Kestrel Systems" in page
    assert "Osprey Networks" not in page
    assert "Applications to review" not in page


def test_a_program_manager_sees_every_partner_and_the_applications(client):
    manager = staff(
        "partners.view_partner",
        "partners.change_partner",
        "partners.change_application",
    )
    PartnerFactory(name="Osprey Networks", stage=Stage.AT_RISK)
    ApplicationFactory(
        company_name="Heron Data",
        email_domain="heron.example",
        duplicate_flags=[{"reason": "same domain"}],
    )

    page = home(client, manager)

    assert "Osprey Networks" in page
    assert "Applications to review" in page and "Heron Data" in page
    assert "1 flagged as possible duplicates" in page


def test_partners_onboarding_for_over_two_weeks_are_stuck(client):
    manager = staff("partners.view_partner", "partners.change_partner")
    stuck = PartnerFactory(name="Slow Starter", stage=Stage.ONBOARDING)
    fresh = PartnerFactory(name="New Arrival", stage=Stage.ONBOARDING)
    for partner, days in ((stuck, 20), (fresh, 3)):
        change = StageChange.objects.create(partner=partner, to_stage=Stage.ONBOARDING)
        StageChange.objects.filter(pk=change.pk).update(
            changed_at=timezone.now() - dt.timedelta(days=days)
        )

    page = home(client, manager)

    assert "Stuck in onboarding" in page
    assert "Slow Starter" in page and "onboarding for 20 days" in page
    assert "New Arrival" not in page


def test_nothing_waiting_says_so_and_no_permission_shows_no_panel(client):
    page = home(client, staff("partners.view_partner", "partners.change_partner"))
    assert "No partner is at risk or due for demotion." in page

    assert "Work waiting for you" not in home(client, staff())


def test_an_account_manager_sees_their_partners_demotion_due_and_low_health(client):
    manager = staff("analytics.view_healthscore")
    mine = PartnerFactory(
        name="Kestrel Systems",
        stage=Stage.ACTIVE,
        account_manager=manager,
        demotion_due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    account_manager_permissions_sync(partner=mine)
    weak = PartnerFactory(name="Plover Data", account_manager=manager)
    account_manager_permissions_sync(partner=weak)
    theirs = PartnerFactory(
        name="Osprey Networks",
        demotion_due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    for partner in (weak, theirs):
        HealthScore.objects.create(partner=partner, day=timezone.localdate(), score=12)

    page = home(client, manager)

    assert "Kestrel Systems" in page and "demotion due" in page
    assert "Low health scores" in page and "Plover Data" in page
    assert "12.0 out of 100" in page
    assert "Osprey Networks" not in page
