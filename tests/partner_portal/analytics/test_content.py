"""The content section against hand-made downloads and searches of the conftest's
channel (Alpha's users a1, a2 are the account manager's; Beta's b1 is not), 2026-Q3.

Downloads:
| asset               | by (day)                                   | in Q3 |
| X Edge brochure     | a1 (5 Jul), a1 (6 Jul), a2 (1 Aug), b1 (1 Sep) | 4, 3 users |
| Y 云备份客户案例     | a1 (3 Aug), b1 (4 Aug)                      | 2, 2 users |
| Z Price list        | b1 (10 Sep)                                 | 1, 1 user  |
| a document, no page | a1 (9 Jul)                                  | 1          |
| X, Z                | a2 (30 Jun), b1 (1 Oct)                     | outside    |
All: 8 downloads by 3 users of 3 assets. Alpha: 5 downloads (X 3 by 2 users, Y 1,
the document 1) by 2 users of 2 assets.

Searches (results):
| text            | by (day, results)                                  |
| zero trust      | a1 (2 Jul, 0), a2 (2 Aug, 0), b1 (2 Sep, 0), a1 (5 Oct: outside) |
| sd-wan pricing  | a1 (3 Jul, 0) twice                                |
| backup          | b1 (4 Jul, 5 results)                              |
| internal        | a staff user, not a partner's (5 Jul, 0)           |
All: 6 searches by the partners' users, 5 found nothing: "zero trust" 3 (3 users,
last 2 Sep), "sd-wan pricing" 2 (1 user, last 3 Jul). Alpha: 4 searches, all found
nothing: "sd-wan pricing" 2 (1 user), "zero trust" 2 (2 users, last 2 Aug).
"""

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from wagtail.models import Site

import pytest

from partner_portal.analytics import sections
from partner_portal.analytics.scope import DashboardFilters
from partner_portal.partners.models import AccessLevel
from partner_portal.resources.models import (
    AssetPage,
    DownloadEvent,
    ResourceLibraryPage,
)
from search.models import SearchQuery
from tests.factories import MembershipFactory, StaffFactory

from .conftest import PERIOD, staff

DASHBOARD = reverse("analytics_dashboard")
CONTENT = ["view_downloadevent", "view_searchquery"]


def moment(text: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(9), tzinfo=dt.UTC)


def asset(library, slug, title, asset_type, language="en"):
    page = AssetPage(
        title=title,
        slug=slug,
        asset_type=asset_type,
        language=language,
        access_level=AccessLevel.PARTNER,
    )
    library.add_child(instance=page)
    return page


def download(user, day, page=None):
    DownloadEvent.objects.create(
        user=user,
        partner=user.membership.partner,
        asset=page,
        downloaded_at=moment(day),
    )


def searched(user, text, day, results=0):
    SearchQuery.objects.create(
        text=text,
        results=results,
        source="portal",
        user=user,
        searched_at=moment(day),
    )


@pytest.fixture
def content(channel):
    librarian = staff("librarian", "view_partner", *CONTENT)
    channel.cam.user_permissions.add(*Permission.objects.filter(codename__in=CONTENT))
    root = Site.objects.get(is_default_site=True).root_page
    library = ResourceLibraryPage(
        title="Library", slug="library-analytics", access_level=AccessLevel.PUBLIC
    )
    root.add_child(instance=library)
    x = asset(library, "edge-brochure", "Edge brochure", "brochure")
    y = asset(library, "backup-case", "云备份客户案例", "case_study", "zh-hans")
    z = asset(library, "price-list", "Price list", "price_list")
    a1, a2 = (MembershipFactory(partner=channel.alpha).user for _n in range(2))
    b1 = MembershipFactory(partner=channel.beta).user
    for user, day, page in [
        (a1, "2026-07-05", x),
        (a1, "2026-07-06", x),
        (a2, "2026-08-01", x),
        (b1, "2026-09-01", x),
        (a1, "2026-08-03", y),
        (b1, "2026-08-04", y),
        (b1, "2026-09-10", z),
        (a1, "2026-07-09", None),
        (a2, "2026-06-30", x),
        (b1, "2026-10-01", z),
    ]:
        download(user, day, page)
    for user, text, day, results in [
        (a1, "zero trust", "2026-07-02", 0),
        (a2, "zero trust", "2026-08-02", 0),
        (b1, "zero trust", "2026-09-02", 0),
        (a1, "zero trust", "2026-10-05", 0),
        (a1, "sd-wan pricing", "2026-07-03", 0),
        (a1, "sd-wan pricing", "2026-07-03", 0),
        (b1, "backup", "2026-07-04", 5),
        (StaffFactory(), "internal", "2026-07-05", 0),
    ]:
        searched(user, text, day, results)
    return SimpleNamespace(librarian=librarian, cam=channel.cam, pm=channel.pm)


def content_section(user, **filters):
    form = DashboardFilters({**PERIOD, **filters}, user=user)
    assert form.is_valid(), form.errors
    built = sections.build(form.scope(), only="content")
    return built[0] if built else None


def figures(section) -> dict:
    return {figure.label: figure.value for figure in section.figures}


def table(section, table_id):
    (found,) = [t for t in section.tables if t.id == table_id]
    return [list(row) for row in found.rows]


def test_downloads_top_assets_and_searches_that_found_nothing(content):
    section = content_section(content.librarian)

    assert figures(section) == {
        "Downloads": 8,
        "Users who downloaded": 3,
        "Assets downloaded": 3,
        "Searches that found nothing": 5,
    }
    (note,) = [f.note for f in section.figures if f.label.startswith("Searches")]
    assert note == "Of 6 searches by the partners' users."
    assert table(section, "content-assets") == [
        ["Edge brochure", "Brochure", "English", 4, 3],
        ["云备份客户案例", "Case study", "Simplified Chinese", 2, 2],
        ["Price list", "Price list", "English", 1, 1],
    ]
    assert table(section, "content-searches") == [
        ["zero trust", 3, 3, dt.date(2026, 9, 2)],
        ["sd-wan pricing", 2, 1, dt.date(2026, 7, 3)],
    ]
    (chart,) = section.charts
    assert dict(zip(chart.categories, chart.series[0].values, strict=True)) == {
        "Edge brochure": 4,
        "云备份客户案例": 2,
        "Price list": 1,
    }


def test_an_account_manager_sees_only_their_partners_downloads_and_searches(content):
    section = content_section(content.cam)

    assert figures(section) == {
        "Downloads": 5,
        "Users who downloaded": 2,
        "Assets downloaded": 2,
        "Searches that found nothing": 4,
    }
    assert [row[0::3] for row in table(section, "content-assets")] == [
        ["Edge brochure", 3],
        ["云备份客户案例", 1],
    ]
    assert table(section, "content-searches") == [
        ["sd-wan pricing", 2, 1, dt.date(2026, 7, 3)],
        ["zero trust", 2, 2, dt.date(2026, 8, 2)],
    ]


def test_the_asset_table_speaks_the_users_language(content):
    with translation.override("zh-hans"):
        section = content_section(content.librarian)

    assert table(section, "content-assets")[1][:3] == [
        "云备份客户案例",
        "客户案例",
        "简体中文",
    ]


def test_staff_see_only_what_their_permissions_cover(content):
    # The conftest's program manager may see neither downloads nor searches.
    assert content_section(content.pm) is None

    searches_only = staff("seo", "view_partner", "view_searchquery")
    section = content_section(searches_only)
    assert set(figures(section)) == {"Searches that found nothing"}
    assert [t.id for t in section.tables] == ["content-searches"]


def test_the_dashboard_shows_the_content_section_and_exports_it(client, content):
    client.force_login(content.librarian)

    page = client.get(DASHBOARD, PERIOD)

    assert page.status_code == 200
    assert 'id="section-content"' in page.text
    exported = client.get(
        DASHBOARD, {**PERIOD, "export": "content-searches", "format": "csv"}
    )
    assert exported.status_code == 200
    rows = exported.content.decode("utf-8-sig").splitlines()
    assert rows[1:] == ["zero trust,3,3,2026-09-02", "sd-wan pricing,2,1,2026-07-03"]
