"""The admin reads as words: a program manager of the demo groups reaches every
setting the README says they edit, lists show "Flagged" or "Required" instead of
True/False, and each menu item opens a page of its own name."""

import html
import json
import re

from django.contrib.auth.models import Group

import pytest

from partner_portal.analytics.health.demo import _grant_group_permissions
from partner_portal.partners.demo import _staff_groups
from partner_portal.partners.models import OnboardingStep
from tests.factories import (
    ApplicationFactory,
    PartnerFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# The settings the README names as a program manager's (Recruitment, Onboarding).
PROGRAM_MANAGER_SETTINGS = [
    "/admin/scoringrule/",
    "/admin/specialisation/",
    "/admin/product/",
    "/admin/onboardingstep/",
    "/admin/tier/",
    "/admin/agreement/",
    "/admin/analytics/health-factors/",
    "/admin/settings/partners/tierprogramsettings/",
]


def program_manager():
    _staff_groups()
    _grant_group_permissions()
    user = StaffFactory()
    user.groups.add(Group.objects.get(name="Program managers"))
    return user


def cells(page):
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    ]


def title(page):
    return " ".join(re.search(r"<title>(.*?)</title>", page, re.S).group(1).split())


@pytest.mark.parametrize("url", PROGRAM_MANAGER_SETTINGS)
def test_a_program_manager_opens_each_setting_they_edit(client, url):
    client.force_login(program_manager())
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert not title(response.content.decode()).startswith("Dashboard")


def test_flags_and_booleans_read_as_words(client):
    ApplicationFactory(
        company_name="Heron Data",
        email_domain="heron.example",
        duplicate_flags=[{"reason": "same domain"}],
    )
    OnboardingStep.objects.create(
        title="Confirm the kick-off call",
        kind=OnboardingStep.Kind.MANUAL,
        required=False,
    )
    client.force_login(program_manager())

    applications = client.get("/admin/application/").content.decode()
    steps = client.get("/admin/onboardingstep/").content.decode()

    assert "Flagged" in cells(applications)
    assert "Is flagged" not in applications
    assert "Optional" in cells(steps)
    for page in (applications, steps):
        assert not {"True", "False", "None"} & set(cells(page))


def test_lists_name_countries_in_the_readers_language(client):
    ApplicationFactory(company_name="Heron Data", country="DE")
    PartnerFactory(name="Kestrel Networks", country="DE")
    client.force_login(program_manager())
    for url in ("/admin/application/", "/admin/partner/"):
        english = cells(client.get(url).content.decode())
        chinese = cells(
            client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        )
        assert "Germany" in english, url
        assert "德国" in chinese, url
        assert "DE" not in english + chinese, url


def menu_items(page):
    """(label, url) of every link in the admin sidebar."""
    props = json.loads(
        re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', page, re.S).group(
            1
        )
    )
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("_type") == "wagtail.sidebar.LinkMenuItem":
                found.append((node["_args"][0]["label"], node["_args"][0]["url"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(props)
    return found


def test_every_menu_item_opens_a_page_of_its_name(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    items = menu_items(client.get("/admin/").content.decode())
    reports = [url for _label, url in items if url.startswith("/admin/reports/")]
    assert len(reports) >= 5

    wrong = []
    for label, url in items:
        if not url.startswith("/admin/") or url == "/admin/pages/":
            continue
        page_title = title(client.get(url, follow=True).content.decode())
        if label.lower() not in page_title.lower() or page_title.startswith("Home"):
            wrong.append((label, page_title))
    assert wrong == []
