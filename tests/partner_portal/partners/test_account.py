"""Resetting a forgotten password from the sign-in page, and a language chosen once."""

import re

from django.core import mail
from django.urls import reverse

from wagtail.users.models import UserProfile

from tests.factories import MembershipFactory

PASSWORD = "secret-pass-123"
NEW_PASSWORD = "a-new-Passw0rd-2026"


def link_in(message) -> str:
    return re.search(r"https?://[^/]+(/\S+)", message.body).group(1)


def test_a_forgotten_password_is_reset_by_the_link_in_the_users_language(client, db):
    user = MembershipFactory(user__email="li.wei@example.cn").user
    UserProfile.objects.create(user=user, preferred_language="zh-hans")
    login_page = client.get(reverse("login"))
    assert reverse("password-reset") in login_page.text

    sent = client.post(reverse("password-reset"), {"email": "LI.WEI@example.cn"})

    assert sent.url == reverse("password-reset-done")
    (message,) = mail.outbox
    assert message.to == ["li.wei@example.cn"]
    assert message.subject == "重置合作伙伴门户密码"
    assert "您的用户名是" in message.body
    form = client.get(link_in(message), follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.url == reverse("password-reset-complete")
    signed_in = client.post(
        reverse("login"), {"username": user.username, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    # The link works once.
    client.logout()
    again = client.get(link_in(message), follow=True)
    assert "This link no longer works" in again.text


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(
        reverse("password-reset"), {"email": "nobody@example.com"}, follow=True
    )

    assert "Check your email" in response.text
    assert mail.outbox == []


def test_a_language_chosen_once_sticks_on_the_next_sign_in(client, db):
    user = MembershipFactory().user
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert UserProfile.get_for_user(user).preferred_language == "zh-hans"

    # Another browser: no cookie, an English page until the user signs in.
    client.cookies.clear()
    client.logout()
    assert 'lang="en"' in client.get(reverse("login")).text
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    home = client.get(reverse("portal-home"))

    assert 'lang="zh-hans"' in home.text
