"""Every per-address limit reads the client's address one way: the connection's,
or behind AXES_IPWARE_PROXY_COUNT proxies the one the outermost of them saw."""

from django.test import RequestFactory
from django.urls import reverse

import pytest

from partner_portal.client_address import client_address
from tests.partner_portal.partners.test_recruitment import answers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (2, "203.0.113.9", "203.0.113.9"),
        (1, "not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.AXES_IPWARE_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_address(request) == expected


def test_behind_a_proxy_applications_are_limited_per_client(client, settings):
    """All applicants reach the application through the balancer: without reading
    the entry the balancer writes, the sixth applicant of the hour, whoever it is,
    would be refused."""
    settings.AXES_IPWARE_PROXY_COUNT = 1

    def apply(applicant, n):
        return client.post(
            reverse("application-apply"),
            answers(company_name=f"Company {n}", legal_name=f"Company {n} Ltd"),
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=applicant,
        ).status_code

    assert [apply("203.0.113.9", n) for n in range(6)] == [302] * 5 + [429]
    assert apply("203.0.113.10", 6) == 302
