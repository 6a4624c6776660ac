"""Searches, searches that found nothing and opened results are recorded, and editors
see them aggregated in a report under Reports, which nobody else can open."""

import csv
import datetime
import io
import re
import uuid

from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from wagtail.models import Site

import pytest

from partner_portal.partners.models import AccessLevel
from partner_portal.resources.models import AssetPage
from search.client import get_client
from search.index import drain
from search.models import SearchClick, SearchQuery
from tests.factories import StaffFactory
from tests.partner_portal.api.conftest import token_client
from tests.partner_portal.resources.conftest import make_library, publish


@pytest.fixture
def asset(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ELASTICSEARCH_INDEX_PREFIX = f"cplms-test-{uuid.uuid4().hex[:8]}"
    library = make_library(Site.objects.get(is_default_site=True).root_page)
    page = AssetPage(
        title="Narwhal pricing guide",
        asset_type="brochure",
        access_level=AccessLevel.PUBLIC,
    )
    library.add_child(instance=page)
    publish(page)
    drain()
    yield page
    get_client().indices.delete(
        index=f"{settings.ELASTICSEARCH_INDEX_PREFIX}-*", ignore_unavailable=True
    )


@pytest.fixture
def partner(client, partner_user_at):
    user = partner_user_at("gold")
    client.force_login(user)
    return user


def test_a_search_is_recorded_once_with_its_result_count(client, asset, partner):
    client.get("/search/", {"q": "  Narwhal   PRICING "})
    client.get("/search/", {"q": "Narwhal pricing", "page": 2})
    client.get("/search/", {"q": "unicornwidget"})

    recorded = SearchQuery.objects.order_by("pk")
    assert [(q.text, q.results, q.source) for q in recorded] == [
        ("narwhal pricing", 1, "portal"),
        ("unicornwidget", 0, "portal"),
    ]
    assert {q.user for q in recorded} == {partner}


def test_api_searches_are_recorded_too(asset, partner_user_at):
    token_client(partner_user_at("silver")).get("/api/v1/search/", {"q": "narwhal"})
    [query] = SearchQuery.objects.all()
    assert (query.text, query.results, query.source) == ("narwhal", 1, "api")


def test_opening_a_result_is_recorded_and_leads_to_it(client, asset, partner):
    page = client.get("/search/", {"q": "narwhal"}).text
    [link] = re.findall(r'href="(/search/go/[^"]+/)"', page)

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == asset.url
    [click] = SearchClick.objects.all()
    assert (click.text, click.kind, click.object_id) == (
        "narwhal",
        "asset",
        str(asset.pk),
    )


def test_a_forged_click_link_goes_nowhere(client, asset, partner):
    page = client.get("/search/", {"q": "narwhal"}).text
    [link] = re.findall(r'href="(/search/go/[^"]+/)"', page)
    forged = link.replace("/search/go/", "/search/go/x")
    assert client.get(forged).status_code == 404
    assert client.get("/search/go/https%3A%2F%2Fevil.example/").status_code == 404
    assert not SearchClick.objects.exists()


def record(text, results, *, days_ago=0, user=None, clicks=0):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    SearchQuery.objects.create(
        text=text, results=results, source="portal", user=user, searched_at=at
    )
    for _n in range(clicks):
        SearchClick.objects.create(
            text=text, kind="asset", object_id="1", url="/x/", clicked_at=at
        )


@pytest.fixture
def history(db):
    someone = StaffFactory(username="searcher.person")
    for _n in range(3):
        record("vpn setup", 4, user=someone, clicks=1)
    record("vpn setup", 0)
    record("mdf claim form", 0)
    record("mdf claim form", 0, user=someone)
    record("old question", 0, days_ago=40)


@pytest.fixture
def editor(client, db):
    user = StaffFactory(username="content.editor")
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


REPORT = "/admin/reports/search-terms/"


def rows(page_text):
    """(query, searches, found nothing, users, opened) per row of the report."""
    listing = page_text[page_text.index('class="listing') :]
    cells = re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", listing, flags=re.S)
    return [tuple(cells[i : i + 5]) for i in range(0, len(cells), 6)]


def test_editors_see_top_queries_and_top_queries_that_found_nothing(
    client, editor, history
):
    page = client.get(REPORT)
    assert page.status_code == 200
    assert rows(page.text) == [
        ("vpn setup", "4", "1", "1", "3"),
        ("mdf claim form", "2", "2", "1", "0"),
        ("old question", "1", "1", "0", "0"),
    ]
    assert "searcher.person" not in page.text

    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    nothing = client.get(REPORT, {"found_nothing": "true", "searched_at_after": since})
    assert rows(nothing.text) == [
        ("mdf claim form", "2", "2", "1", "0"),
        ("vpn setup", "1", "1", "0", "3"),
    ]


def test_the_report_exports_csv_and_xlsx(client, editor, history):
    exported = client.get(REPORT, {"export": "csv", "found_nothing": "true"})
    assert exported.status_code == 200
    table = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert table[0][:3] == ["Query", "Searches", "Searches that found nothing"]
    assert [row[:3] for row in table[1:]] == [
        ["mdf claim form", "2", "2"],
        ["old question", "1", "1"],
        ["vpn setup", "1", "1"],
    ]
    xlsx = client.get(REPORT, {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_formula_typed_as_a_query_is_exported_as_text(client, editor):
    record("=cmd|' /c calc'!a0", 0)
    exported = client.get(REPORT, {"export": "csv"})
    table = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert table[1][0] == "'=cmd|' /c calc'!a0"


def test_only_staff_with_the_permission_open_the_report(
    client, history, partner_user_at
):
    client.force_login(partner_user_at("platinum"))
    response = client.get(REPORT)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    response = client.get(REPORT)
    assert response.status_code == 302
    assert "vpn setup" not in client.get(response["Location"]).text
