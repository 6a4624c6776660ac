"""A partner's 360 view in the admin (/admin/partner/inspect/<pk>/)."""

import re

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from partner_portal.analytics.models import HealthScore
from partner_portal.partners.models import (
    PartnerMembership,
    Role,
    Stage,
    StageChange,
    TierEvaluation,
)
from partner_portal.partners.services import account_manager_permissions_sync
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory, tier

pytestmark = pytest.mark.django_db

# An account manager holds no model permission on partners, only the object
# permissions on their own that `account_manager_permissions_sync` grants.
MANAGER_PERMS = (
    "partners.view_partnermembership",
    "partners.view_stagechange",
    "partners.view_tierchange",
    "partners.view_tierevaluation",
    "partners.view_onboardingcompletion",
    "analytics.view_healthscore",
)


def account_manager():
    user = StaffFactory(first_name="Mei", last_name="Lin")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *(
            Permission.objects.get(
                content_type__app_label=perm.split(".")[0],
                codename=perm.split(".")[1],
            )
            for perm in MANAGER_PERMS
        ),
    )
    return user


def managed_partner(manager, **fields):
    partner = PartnerFactory(account_manager=manager, **fields)
    account_manager_permissions_sync(partner=partner)
    return partner


def open_360(client, user, partner, language="en"):
    client.force_login(user)
    return client.get(
        f"/admin/partner/inspect/{partner.pk}/", HTTP_ACCEPT_LANGUAGE=language
    )


def visible_text(page):
    """The words of the page's main content a reader sees (Wagtail's own markup
    carries a literal "None" in a breadcrumb class, which no one reads)."""
    main = page[page.index("<main") :]
    return re.sub(r"<[^>]+>", " ", main)


def test_a_manager_sees_their_partners_360(client):
    manager = account_manager()
    partner = managed_partner(
        manager, name="Kestrel Systems", legal_name="红隼系统有限公司"
    )
    MembershipFactory(
        partner=partner,
        role=Role.ADMIN,
        user__first_name="Ada",
        user__last_name="Byron",
        user__email="ada@kestrel.example",
    )
    StageChange.objects.create(
        partner=partner,
        from_stage=Stage.ONBOARDING,
        to_stage=Stage.ACTIVE,
        changed_by=manager,
        reason="Checklist complete.",
    )
    TierEvaluation.objects.create(
        partner=partner,
        as_of=timezone.localdate(),
        tier_before=tier("registered"),
        qualified_tier=tier("registered"),
        outcome=TierEvaluation.Outcome.KEPT,
        details=[
            {
                "tier": "silver",
                "requirement": "Active certifications",
                "required": "3",
                "actual": "1",
                "met": False,
            }
        ],
    )
    HealthScore.objects.create(partner=partner, day=timezone.localdate(), score=64)

    response = open_360(client, manager, partner)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Kestrel Systems" in page and "红隼系统有限公司" in page
    assert "Mei Lin" in page  # the account manager
    assert "Ada Byron" in page and "ada@kestrel.example" in page
    assert "Partner admin" in page or "Admin" in page
    assert "Checklist complete." in page
    assert "Active certifications" in page and "Short" in page
    assert f"/admin/analytics/health/{partner.pk}/" in page and ">64<" in page
    assert f"/admin/partner/edit/{partner.pk}/" in page
    assert "None" not in visible_text(page)
    for key in (partner.name_key, partner.legal_name_key):
        assert f">{key}<" not in page
    assert "name key" not in page.lower()


def test_another_manager_gets_404(client):
    partner = managed_partner(account_manager(), name="Kestrel Systems")

    response = open_360(client, account_manager(), partner)

    assert response.status_code == 404
    assert "Kestrel Systems" not in response.content.decode()


def test_empty_values_show_a_dash_and_no_health_is_left_out(client):
    manager = account_manager()
    partner = managed_partner(manager, joined_on=None)

    page = open_360(client, manager, partner).content.decode()

    assert "None" not in visible_text(page)
    assert "—" in page
    assert "Health score" not in page
    assert "This partner has no users yet." in page


def test_the_360_reads_in_chinese(client):
    manager = account_manager()
    partner = managed_partner(manager, name="Kestrel Systems")

    page = open_360(client, manager, partner, language="zh-hans").content.decode()

    assert "用户与角色" in page and "阶段变更记录" in page
    assert "Users and roles" not in page


def test_the_header_names_the_country_in_the_users_language(client):
    manager = account_manager()
    partner = managed_partner(manager, country="DE")

    english = visible_text(open_360(client, manager, partner).content.decode())
    chinese = visible_text(
        open_360(client, manager, partner, language="zh-hans").content.decode()
    )

    assert "Germany" in english
    assert "德国" in chinese


def test_the_query_count_stays_flat_with_more_users(client):
    manager = account_manager()
    partner = managed_partner(manager)
    MembershipFactory(partner=partner)
    client.force_login(manager)
    url = f"/admin/partner/inspect/{partner.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for role in [Role.SALES] * 9:
        MembershipFactory(partner=partner, role=role)
        StageChange.objects.create(
            partner=partner, from_stage=Stage.ACTIVE, to_stage=Stage.AT_RISK
        )
    assert PartnerMembership.objects.filter(partner=partner).count() == 10
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url).status_code == 200

    assert len(ten) == len(one)
