from django.test import override_settings

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from .conftest import token_client

pytestmark = pytest.mark.django_db


def rates(token, address):
    return override_settings(
        REST_FRAMEWORK={
            **_current(),
            "DEFAULT_THROTTLE_RATES": {"token": token, "address": address},
        }
    )


def _current():
    from django.conf import settings

    return settings.REST_FRAMEWORK


def test_per_token_limit_answers_429_with_retry_after(world):
    with rates("3/min", "100/min"):
        assert api_settings.DEFAULT_THROTTLE_RATES["token"] == "3/min"
        first = token_client(world.user_a)
        statuses = [first.get("/api/v1/partners/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = first.get("/api/v1/partners/")
        assert response.status_code == 429
        assert response.json()["code"] == "throttled"
        assert 0 < int(response["Retry-After"]) <= 60
        # Another token of the same user has its own allowance.
        second = token_client(world.user_a)
        assert second.get("/api/v1/partners/").status_code == 200


def test_per_address_limit_covers_every_caller(world):
    with rates("100/min", "3/min"):
        clients = [
            world.client("user_a"),
            world.client("user_b"),
            world.client("anonymous"),
        ]
        statuses = [client.get("/api/v1/partners/").status_code for client in clients]
        # Anonymous callers count too (token guessing is throttled by address).
        assert statuses == [200, 200, 401]
        response = world.client("staff").get(
            "/api/v1/partners/", REMOTE_ADDR="127.0.0.1"
        )
        assert response.status_code == 429
        assert "Retry-After" in response
        other = world.client("staff").get("/api/v1/partners/", REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 200


def test_429_message_speaks_the_callers_language(world):
    with rates("1/min", "100/min"):
        client = token_client(world.user_a)
        assert client.get("/api/v1/partners/").status_code == 200
        response = client.get("/api/v1/partners/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 429
        seconds = int(response["Retry-After"])
        assert response.json() == {
            "code": "throttled",
            "message": f"请求过多。请在 {seconds} 秒后重试。",
        }


def test_guessing_tokens_is_throttled_by_address(world):
    """Wrong tokens answer 401 until the caller's address has used its allowance."""
    with rates("100/min", "3/min"):
        guesser = APIClient()
        guesser.credentials(HTTP_AUTHORIZATION=f"Token {'0' * 64}")
        statuses = [guesser.get("/api/v1/partners/").status_code for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        response = guesser.get("/api/v1/partners/")
        assert response.json()["code"] == "throttled"
        assert "Retry-After" in response
        # A forged X-Forwarded-For is no way out (no proxy is configured)...
        forged = guesser.get("/api/v1/partners/", HTTP_X_FORWARDED_FOR="203.0.113.9")
        assert forged.status_code == 429
        # ...while the same guesses from another address are still only refused.
        elsewhere = guesser.get("/api/v1/partners/", REMOTE_ADDR="10.0.0.9")
        assert elsewhere.status_code == 401


def test_a_new_x_forwarded_for_each_time_is_still_one_address(world):
    """With no proxy configured (AXES_IPWARE_PROXY_COUNT=0, the default), the header
    is the client's own writing: the connection's address is counted."""
    with rates("100/min", "3/min"):
        guesser = APIClient()
        statuses = [
            guesser.get(
                "/api/v1/partners/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
            ).status_code
            for n in range(4)
        ]
        assert statuses == [401, 401, 401, 429]


def test_behind_a_proxy_each_client_is_counted_by_the_proxys_entry(world, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    with rates("100/min", "2/min"):
        client = APIClient()

        def call(forwarded):
            return client.get(
                "/api/v1/partners/",
                REMOTE_ADDR="10.0.0.1",  # the load balancer
                HTTP_X_FORWARDED_FOR=forwarded,
            ).status_code

        # One client, forging a new first entry each time: the proxy's entry (the
        # last) is what counts.
        assert [call(f"198.51.100.{n}, 203.0.113.7") for n in range(3)] == [
            401,
            401,
            429,
        ]
        # Another client behind the same balancer has its own allowance.
        assert call("203.0.113.8") == 401
