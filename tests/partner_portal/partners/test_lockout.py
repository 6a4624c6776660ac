"""Sign-in lockout: wrong passwords lock a username at one address; staff unlock it."""

import datetime
import re

from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import pytest
from axes.models import AccessAttempt

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's
PORTAL = reverse("login")
ADMIN = reverse("wagtailadmin_login")
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def sign_in(client, username, password, *, address=HOME, url=PORTAL, **headers):
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, username, times, **kwargs):
    return [sign_in(client, username, "wrong", **kwargs) for _ in range(times)]


def signed_in(client):
    return "_auth_user_id" in client.session


def main_content(response):
    """The page's <main>, which does not change from one request to the next."""
    return re.search(r"<main.*</main>", response.text, re.DOTALL).group()


def unlocker(*codenames):
    user = StaffFactory(username="unlocker")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="axes", codename__in=codenames
        ),
    )
    client = Client()
    client.force_login(user)
    return client


def test_wrong_passwords_lock_the_portal_sign_in_even_with_the_right_one(
    client, partner_user_at
):
    user = partner_user_at()
    *before, last = fail(client, user.username, 5)
    for response in before:
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text
    assert last.status_code == 429

    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    assert "<h1>Too many wrong passwords</h1>" in response.text
    assert "You can try again after 15 minutes." in response.text
    assert "staff can unlock your sign-in" in response.text
    assert user.username not in response.text


def test_the_lockout_page_speaks_chinese(client, partner_user_at):
    user = partner_user_at()
    fail(client, user.username, 5)
    response = sign_in(client, user.username, PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert '<html lang="zh-hans">' in response.text
    assert "<h1>密码错误次数过多</h1>" in response.text
    assert "请在 15 分钟后再试。" in response.text
    assert "工作人员可以立即为您解锁登录" in response.text


def test_the_lockout_page_does_not_tell_whether_the_username_exists(
    client, partner_user_at
):
    user = partner_user_at()
    fail(client, user.username, 5)
    fail(client, "nobody-by-this-name", 5)
    real = sign_in(client, user.username, PASSWORD)
    unknown = sign_in(client, "nobody-by-this-name", PASSWORD)
    assert (real.status_code, unknown.status_code) == (429, 429)
    assert main_content(real) == main_content(unknown)
    assert "nobody-by-this-name" not in unknown.text


def test_another_address_is_not_locked_and_a_forged_header_does_not_help(
    client, partner_user_at
):
    user = partner_user_at()
    fail(client, user.username, 5)
    # Without a configured proxy, X-Forwarded-For is the client's own writing.
    forged = sign_in(
        client, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert forged.status_code == 429

    response = sign_in(client, user.username, PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert signed_in(client)


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_a_proxy_the_address_it_saw_counts(client, partner_user_at):
    user = partner_user_at()
    proxy = "10.9.0.1"
    # The client may write anything to the left; the proxy appends what it saw.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        sign_in(
            client,
            user.username,
            "wrong",
            address=proxy,
            HTTP_X_FORWARDED_FOR=f"{forged}, 198.51.100.7",
        )
    locked = sign_in(
        client,
        user.username,
        PASSWORD,
        address=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert locked.status_code == 429

    other = sign_in(
        client,
        user.username,
        PASSWORD,
        address=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 302


def test_the_admin_sign_in_locks_the_same_way(client):
    staff = StaffFactory(is_superuser=True)
    *before, last = fail(client, staff.username, 5, url=ADMIN)
    assert [response.status_code for response in before] == [200] * 4
    assert last.status_code == 429

    response = sign_in(client, staff.username, PASSWORD, url=ADMIN)
    assert response.status_code == 429
    assert not signed_in(client)
    assert "<h1>Too many wrong passwords</h1>" in response.text
    assert "You can try again after 15 minutes." in response.text


def test_a_successful_sign_in_before_the_limit_starts_the_count_again(
    client, partner_user_at
):
    user = partner_user_at()
    fail(client, user.username, 4)
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()

    again = fail(client, user.username, 4)
    assert [response.status_code for response in again] == [200] * 4
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_ends_after_the_cool_off(client, partner_user_at):
    user = partner_user_at()
    fail(client, user.username, 5)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert sign_in(client, user.username, PASSWORD).status_code == 302


@override_settings(AXES_COOLOFF_TIME=None)
def test_without_a_cool_off_the_page_says_staff_must_unlock(client, partner_user_at):
    user = partner_user_at()
    fail(client, user.username, 5)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Signing in stays locked until staff unlock it." in response.text
    assert "try again after" not in response.text


def test_staff_with_the_permission_see_the_lockout_and_unlock_it(
    client, partner_user_at
):
    user = partner_user_at(user__username="locked.user")
    fail(client, user.username, 5)
    fail(client, user.username, 2, address=ELSEWHERE)  # not locked there
    staff = unlocker("delete_accessattempt")

    assert "Sign-in lockouts" in staff.get(reverse("wagtailadmin_home")).text
    listing = staff.get(reverse("partners_lockouts"))
    assert listing.status_code == 200
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", listing.text
    )
    assert rows == [("locked.user", HOME, "5")]

    unlocked = staff.post(
        reverse("partners_lockouts"),
        {"username": "locked.user", "ip_address": HOME},
        follow=True,
    )
    assert f"locked.user can sign in from {HOME} again." in unlocked.text
    assert "No sign-in is locked out at the moment." in unlocked.text

    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)

    garbled = staff.post(
        reverse("partners_lockouts"), {"username": "x", "ip_address": "not-an-ip"}
    )
    assert garbled.status_code == 400


def test_the_lockout_listing_in_chinese(client, partner_user_at):
    user = partner_user_at()
    fail(client, user.username, 5)
    staff = unlocker("delete_accessattempt")
    listing = staff.get(reverse("partners_lockouts"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "登录锁定" in listing.text
    assert "失败次数" in listing.text
    assert ">解锁<" in listing.text


def test_staff_without_the_permission_get_no_access(client, partner_user_at):
    user = partner_user_at(user__username="locked.user")
    fail(client, user.username, 5)
    staff = unlocker("view_accessattempt")

    assert "Sign-in lockouts" not in staff.get(reverse("wagtailadmin_home")).text
    listing = staff.get(reverse("partners_lockouts"), follow=True)
    assert listing.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert "you do not have permission to access this area" in listing.text
    assert "locked.user" not in listing.text
    unlock = staff.post(
        reverse("partners_lockouts"), {"username": "locked.user", "ip_address": HOME}
    )
    assert unlock.status_code == 302
    assert sign_in(client, user.username, PASSWORD).status_code == 429


def test_partner_users_get_no_access(client, partner_user_at):
    client.force_login(partner_user_at())
    response = client.get(reverse("partners_lockouts"))
    assert response.status_code in (302, 403)
    assert "Sign-in lockouts" not in response.text
