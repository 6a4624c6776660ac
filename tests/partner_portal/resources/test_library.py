"""Expiry, downloads, sorting and pagination of the resource library."""

import datetime

from django.urls import reverse
from django.utils import timezone

from partner_portal.partners.access import ANONYMOUS
from partner_portal.partners.models import AccessLevel
from partner_portal.resources.models import DownloadEvent
from partner_portal.resources.selectors import PAGE_SIZE, visible_assets

from .conftest import access_for, make_asset, make_library, publish


def test_an_asset_disappears_at_its_expiry_time(site_root, client):
    library = make_library(site_root)
    expires = timezone.now() + datetime.timedelta(hours=1)
    asset = make_asset(
        library, "aardvarkpublic", access_for("aardvarkpublic"), expires_at=expires
    )
    second_before = expires - datetime.timedelta(seconds=1)
    assert list(visible_assets(audience=ANONYMOUS, at=second_before)) == [asset]
    assert list(visible_assets(audience=ANONYMOUS, at=expires)) == []

    assert client.get(asset.url).status_code == 200
    assert client.get(asset.document.url).status_code == 200
    asset.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    asset.save()
    # No publishing job has to run: the page, its file and the listing are gone.
    assert client.get(asset.url).status_code == 404
    assert client.get(asset.document.url).status_code == 404
    listing = client.get(library.url)
    assert "Asset aardvarkpublic" not in listing.text
    assert listing.context["browse"].total == 0


def test_an_asset_appears_at_its_publish_time(site_root, client):
    library = make_library(site_root)
    asset = make_asset(
        library,
        "aardvarkpublic",
        access_for("aardvarkpublic"),
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert client.get(asset.url).status_code == 404
    assert "Asset aardvarkpublic" not in client.get(library.url).text
    asset.publish_at = timezone.now() - datetime.timedelta(seconds=1)
    asset.save()
    assert client.get(asset.url).status_code == 200


def test_each_download_is_recorded_with_user_partner_and_asset(
    site_root, client, partner_user_at
):
    library = make_library(site_root)
    asset = make_asset(library, "bisonpartner", access_for("bisonpartner"))
    user = partner_user_at("silver")
    client.force_login(user)
    response = client.get(f"{asset.document.url}?asset={asset.pk}")
    assert response.status_code == 200
    event = DownloadEvent.objects.get()
    assert (event.user, event.partner, event.asset, event.document) == (
        user,
        user.membership.partner,
        asset.page_ptr.specific,
        asset.document,
    )
    assert "Downloaded 1 time" in client.get(asset.url).text


def test_refused_downloads_are_not_recorded(site_root, client):
    library = make_library(site_root)
    asset = make_asset(library, "dingogold", access_for("dingogold"))
    assert client.get(asset.document.url).status_code == 404
    assert not DownloadEvent.objects.exists()


def test_library_sorts_by_downloads_and_paginates(site_root, client):
    library = make_library(site_root)
    public = access_for("aardvarkpublic")
    assets = [
        make_asset(library, "aardvarkpublic", public, slug=f"a{n}", title=f"Item {n}")
        for n in range(PAGE_SIZE + 2)
    ]
    popular = assets[3]
    for _ in range(2):
        client.get(popular.document.url)
    first = client.get(library.url, {"sort": "downloads"})
    assert first.context["browse"].page.object_list[0].pk == popular.pk
    assert first.context["browse"].total == PAGE_SIZE + 2
    assert len(first.context["browse"].page.object_list) == PAGE_SIZE
    second = client.get(library.url, {"sort": "downloads", "page": 2})
    assert len(second.context["browse"].page.object_list) == 2
    newest = client.get(library.url, {"sort": "newest"})
    assert newest.context["browse"].page.object_list[0].pk == assets[-1].pk


def test_facet_filters_narrow_the_list_and_the_counts(site_root, client):
    library = make_library(site_root)
    public = access_for("aardvarkpublic")
    make_asset(library, "aardvarkpublic", public, slug="b1", asset_type="brochure")
    make_asset(
        library,
        "aardvarkpublic",
        public,
        slug="d1",
        asset_type="datasheet",
        language="zh-hans",
        title="Datasheet zh",
    )
    response = client.get(library.url, {"type": "datasheet"})
    browse = response.context["browse"]
    assert [asset.title for asset in browse.page.object_list] == ["Datasheet zh"]
    languages = {g.name: g for g in browse.facets}["language"].values
    assert [(v.value, v.count) for v in languages] == [("zh-hans", 1)]


def test_the_library_listing_costs_a_bounded_number_of_queries(
    site_root, client, partner_user_at, django_assert_max_num_queries
):
    library = make_library(site_root)
    public = access_for("aardvarkpublic")
    for n in range(3):
        make_asset(library, "aardvarkpublic", public, slug=f"q{n}")
    client.force_login(partner_user_at("gold"))
    client.get(library.url)
    with django_assert_max_num_queries(30) as captured:
        client.get(library.url)
    few = len(captured.captured_queries)
    for n in range(3, 12):
        make_asset(library, "aardvarkpublic", public, slug=f"q{n}")
    with django_assert_max_num_queries(few):
        response = client.get(library.url)
    assert response.context["browse"].total == 12


def test_the_facets_count_the_total_and_types_and_languages_in_one_query(
    site_root, client, partner_user_at, django_assert_max_num_queries
):
    """One query counts each type and language pair, which gives both facets and the
    total; no other query counts the listing again (the page took 16 queries)."""
    library = make_library(site_root)
    public = access_for("aardvarkpublic")
    make_asset(library, "aardvarkpublic", public, slug="b1", asset_type="brochure")
    make_asset(library, "aardvarkpublic", public, slug="d1", asset_type="datasheet")
    make_asset(
        library,
        "aardvarkpublic",
        public,
        slug="d2",
        asset_type="datasheet",
        language="zh-hans",
    )
    client.force_login(partner_user_at("gold"))
    client.get(library.url)

    with django_assert_max_num_queries(14):
        response = client.get(library.url)

    browse = response.context["browse"]
    assert browse.total == 3
    assert "3 assets" in response.text
    facets = {group.name: group.values for group in browse.facets}
    assert list(facets) == ["type", "language", "product", "tag"]
    assert [(v.value, v.label, v.count) for v in facets["type"]] == [
        ("brochure", "Brochure", 1),
        ("datasheet", "Datasheet", 2),
    ]
    assert [(v.value, v.count) for v in facets["language"]] == [
        ("en", 2),
        ("zh-hans", 1),
    ]
    chinese = client.get(library.url, {"language": "zh-hans"}).context["browse"]
    assert chinese.total == 1
    assert [(v.value, v.count, v.selected) for v in chinese.facets[1].values] == [
        ("zh-hans", 1, True)
    ]


def test_the_navigation_links_to_the_first_library_the_user_may_see(
    site_root, client, partner_user_at
):
    staff_only = make_library(site_root, title="Staff library", slug="staff-library")
    staff_only.access_level = AccessLevel.STAFF
    publish(staff_only)
    make_library(site_root, title="Partner library", slug="partner-library")
    client.force_login(partner_user_at("silver"))

    response = client.get(reverse("portal-home"))

    assert '<a href="/partner-library/">Resources</a>' in response.text
    assert "/staff-library/" not in response.text
