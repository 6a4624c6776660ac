from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partner_portal.partners.models import Stage
from tests.factories import StaffFactory


def test_visitors_get_a_welcome_with_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "Welcome to the partner portal" in response.text
    assert reverse("login") in response.text


def test_partner_user_sees_their_partner_and_tier(client, partner_user_at):
    user = partner_user_at("gold", Stage.ACTIVE, user__first_name="Mei")
    client.force_login(user)
    response = client.get("/")
    assert "Welcome, Mei" in response.text
    assert user.membership.partner.name in response.text
    assert "Gold" in response.text
    assert "partner access is suspended" not in response.text


def test_suspended_partner_user_is_told_access_is_suspended_and_whom_to_ask(
    client, partner_user_at
):
    user = partner_user_at("gold", Stage.SUSPENDED)
    partner = user.membership.partner
    partner.account_manager = StaffFactory(
        first_name="Anna", last_name="Schmidt", email="anna@vendor.example"
    )
    partner.save()
    client.force_login(user)

    response = client.get("/")

    assert "partner access is suspended" in response.text
    assert "contact your channel account manager:" in response.text
    assert "<dd>Anna Schmidt</dd>" in response.text
    assert "mailto:anna@vendor.example" in response.text


def test_home_in_chinese_after_switching_language(client, partner_user_at):
    client.force_login(partner_user_at("silver", Stage.ACTIVE))
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/"}, follow=True
    )
    assert response.status_code == 200
    assert "您的合作伙伴账户" in response.text
    assert '<html lang="zh-hans">' in response.text


def test_sign_in_with_a_wrong_password_says_so(client, partner_user_at):
    user = partner_user_at()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text


def test_the_home_page_reads_the_users_membership_once(client, partner_user_at):
    """Its cards, menus and the access rule share one read of who the user is."""
    client.force_login(partner_user_at("gold", Stage.ONBOARDING))

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")

    assert response.status_code == 200
    # The rows a query reads are named before its first FROM: the user's own query
    # reads the membership with the user (partners.backends).
    memberships = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith("SELECT")
        and '"partners_partnermembership"."role"' in query["sql"].split(" FROM ")[0]
    ]
    assert len(memberships) == 1
