"""The sections other apps add to a partner's 360 view (`partners.profile_sections`):
sales from incentives, certifications and course activity from learning, downloads
from resources, and the sales imports that wrote the partner's lines."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Site

import lxml.html
import pytest

from learning.models import (
    Certification,
    CertificationAward,
    CourseIndexPage,
    CoursePage,
    Enrolment,
)
from partner_portal.resources.models import (
    AssetPage,
    DownloadEvent,
    ResourceLibraryPage,
)
from tests.factories import (
    MembershipFactory,
    SalesRecordFactory,
    SalesSourceFactory,
)
from tests.search.conftest import prefix  # noqa: F401 (the fixture, used below)

from .test_partner_360 import account_manager, managed_partner, open_360, visible_text

# Saving pages queues them for the search index: keep to this test's own indexes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("prefix")]

SECTION_PERMS = (
    ("incentives", "view_salesrecord"),
    ("incentives", "view_salessource"),
    ("learning", "view_certificationaward"),
    ("learning", "view_enrolment"),
    ("resources", "view_downloadevent"),
)


def manager_seeing_sections():
    """An account manager who also holds the view permissions of the sections."""
    user = account_manager()
    user.user_permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in SECTION_PERMS
        )
    )
    return user


def words(response) -> str:
    return " ".join(lxml.html.fromstring(response.content).text_content().split())


def section_titles(response) -> list[str]:
    page = lxml.html.fromstring(response.content)
    return [
        " ".join(h.text_content().split())
        for h in page.xpath('//section[contains(@class, "p360-section")]/h2')
    ]


@pytest.fixture
def pages():
    """An academy and a library to hang the partners' courses and assets on."""
    root = Site.objects.get(is_default_site=True).root_page
    academy = root.add_child(instance=CourseIndexPage(title="Academy", slug="academy"))
    library = root.add_child(
        instance=ResourceLibraryPage(
            title="Library", slug="library", access_level="public"
        )
    )
    return academy, library


def course(academy, code):
    return academy.add_child(
        instance=CoursePage(title=f"Course {code}", slug=code, code=code, summary="-")
    )


def asset(library, title):
    return library.add_child(
        instance=AssetPage(
            title=title, slug=title.lower().replace(" ", "-"), asset_type="brochure"
        )
    )


def give_activity(partner, person, pages, *, tag, sales=1, awards=1, events=1):
    """Sales lines, awards, enrolments and downloads of `partner`, each named by
    `tag` so a test can tell whose rows a page shows."""
    academy, library = pages
    today = timezone.localdate()
    certification = Certification.objects.create(
        code=f"cert-{tag}", name=f"Certified {tag}"
    )
    for number in range(sales):
        SalesRecordFactory(
            partner=partner,
            invoice_number=f"INV-{tag}-{number}",
            date=today,
            amount=Decimal("1234.50"),
            currency="EUR" if number % 2 == 0 else "USD",
            source=SalesSourceFactory(name=f"{tag}-sales-{number}.csv"),
        )
    for number in range(awards):
        CertificationAward.objects.create(
            user=person if number == 0 else MembershipFactory(partner=partner).user,
            partner=partner,
            certification=certification,
            issued_at=today - dt.timedelta(days=30),
            expires_at=today + dt.timedelta(days=700),
        )
    for number in range(events):
        Enrolment.objects.create(
            user=person,
            partner=partner,
            course=course(academy, f"{tag}-{number}"),
            completed_at=timezone.now() if number == 0 else None,
        )
        DownloadEvent.objects.create(
            user=person,
            partner=partner,
            asset=asset(library, f"Price list {tag} {number}"),
        )


def test_a_manager_sees_their_partners_sales_certifications_and_activity(client, pages):
    manager = manager_seeing_sections()
    partner = managed_partner(manager, name="Kestrel Systems")
    ada = MembershipFactory(
        partner=partner, user__first_name="Ada", user__last_name="Byron"
    ).user
    give_activity(partner, ada, pages, tag="kestrel", sales=2)
    # Another manager's partner: none of its rows may show on Kestrel's page.
    other = managed_partner(account_manager(), name="Osprey Ltd")
    otto = MembershipFactory(
        partner=other, user__first_name="Otto", user__last_name="Other"
    ).user
    give_activity(other, otto, pages, tag="osprey")

    response = open_360(client, manager, partner)

    assert response.status_code == 200
    text = words(response)
    assert section_titles(response)[:3] == [
        "Users and roles",
        "Sales",
        "Certifications",
    ]
    # The sales: a chart per currency, the lines with their exact amounts.
    assert 'id="chart-revenue-eur"' in response.text
    assert 'id="chart-revenue-usd"' in response.text
    assert "1,234.50\N{NO-BREAK SPACE}EUR" in response.text
    assert "1,234.50\N{NO-BREAK SPACE}USD" in response.text
    assert "INV-kestrel-0, line 1" in text
    # Who holds which certification.
    assert "Certified kestrel" in text and "Ada Byron" in text and "Active" in text
    # Recent activity: course, download and the imports that wrote the lines.
    assert "Ada Byron completed “Course kestrel-0”." in text
    assert "Ada Byron downloaded “Price list kestrel 0”." in text
    assert "kestrel-sales-1.csv: 1 line of this partner." in text
    for other_words in ("osprey", "Otto Other", "Osprey"):
        assert other_words not in text
    assert "None" not in visible_text(response.content.decode())


def test_staff_without_the_view_permissions_see_no_section(client, pages):
    manager = account_manager()
    partner = managed_partner(manager)
    person = MembershipFactory(partner=partner).user
    give_activity(partner, person, pages, tag="kestrel")

    response = open_360(client, manager, partner)

    assert response.status_code == 200
    text = words(response)
    assert "Sales" not in section_titles(response)
    assert "Certifications" not in section_titles(response)
    for hidden in ("INV-kestrel", "Certified kestrel", "Price list", "Course kestrel"):
        assert hidden not in text
    assert "kestrel-sales" not in text
    assert 'id="p360-downloads"' not in response.text


def test_empty_sections_say_so(client):
    manager = manager_seeing_sections()
    partner = managed_partner(manager)

    response = open_360(client, manager, partner)

    text = words(response)
    assert "No sales of this partner are on record for the last 12 months." in text
    assert "This partner has no sales lines on record." in text
    assert "Nobody at this partner holds a certification yet." in text
    assert "Nobody at this partner has downloaded a file yet." in text
    assert "Nobody at this partner has enrolled in a course yet." in text
    assert "No sales import has written lines of this partner." in text
    assert "None" not in visible_text(response.content.decode())


def test_the_sections_read_in_chinese(client, pages):
    manager = manager_seeing_sections()
    partner = managed_partner(manager)
    person = MembershipFactory(
        partner=partner, user__first_name="伟", user__last_name="李"
    ).user
    give_activity(partner, person, pages, tag="kestrel")

    response = open_360(client, manager, partner, language="zh-hans")

    text = words(response)
    assert section_titles(response)[1:3] == ["销售", "认证"]
    assert "1,234.50\N{NO-BREAK SPACE}EUR" in response.text
    assert "李伟 完成了课程“Course kestrel-0”。" in text
    assert "有效" in text  # a valid certification, not 活跃 as a partner is
    assert "Latest sales lines" not in text and "Course activity" not in text


def test_the_query_count_stays_flat_with_more_rows(client, pages):
    manager = manager_seeing_sections()
    partner = managed_partner(manager)
    person = MembershipFactory(partner=partner).user
    give_activity(partner, person, pages, tag="one")
    client.force_login(manager)
    url = f"/admin/partner/inspect/{partner.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    give_activity(partner, person, pages, tag="many", sales=12, awards=8, events=12)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert "Price list many 11" in words(response)
    assert len(many) == len(one)


def test_a_manager_without_any_view_permission_sees_the_header_only(client, pages):
    """No part says "no users yet" to someone who may not see the users."""
    manager = account_manager()
    manager.user_permissions.remove(
        *manager.user_permissions.exclude(codename="access_admin")
    )
    partner = managed_partner(manager, name="Kestrel Systems")
    person = MembershipFactory(
        partner=partner, user__first_name="Ada", user__last_name="Byron"
    ).user
    give_activity(partner, person, pages, tag="kestrel")

    response = open_360(client, manager, partner)

    assert response.status_code == 200
    text = words(response)
    assert "Kestrel Systems" in text
    assert section_titles(response) == ["Recent activity", "Admin history"]
    assert "This partner has no users yet." not in text
    assert "None of this partner's activity is open to you." in text
    assert "Ada Byron" not in text
