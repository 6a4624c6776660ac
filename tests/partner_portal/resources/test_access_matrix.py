"""No page, file, listing, count or sitemap entry above the user's level."""

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from partner_portal.partners.models import AccessLevel, Role
from partner_portal.resources.models import AssetPage, PolicyPage, PortalDocument
from tests.factories import MembershipFactory, StaffFactory
from tests.snapshots import replayed

from .conftest import MARKERS, VISIBLE, access_for, make_document, publish

ROLES = list(VISIBLE)


def hidden(role):
    return [marker for marker in MARKERS if marker not in VISIBLE[role]]


def assert_refused(response, role, marker):
    """A page above the user's level answers 404; a visitor who is not signed in is
    sent to sign in and back instead when every partner may see it (the lowest tier
    does), and answered 404 above that. Neither names the item."""
    if role == "anonymous" and marker in VISIBLE["registered"]:
        assert response.status_code == 302, marker
        assert response["Location"].startswith(f"{reverse('login')}?next=/"), marker
    else:
        assert response.status_code == 404, marker
    assert marker not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_asset_pages_answer_404_above_the_users_level(role, hub, client_as):
    client = client_as(role)
    for marker, asset in hub.assets.items():
        response = client.get(asset.url)
        if marker in VISIBLE[role]:
            assert response.status_code == 200, marker
            assert f"Asset {marker}" in response.text
        else:
            assert_refused(response, role, marker)


@pytest.mark.parametrize("role", ROLES)
def test_documents_download_only_at_the_users_level(role, hub, client_as):
    client = client_as(role)
    for marker, asset in hub.assets.items():
        response = client.get(asset.document.url)
        if marker in VISIBLE[role]:
            assert response.status_code == 200, marker
            assert b"".join(response.streaming_content).startswith(b"%PDF")
        else:
            assert response.status_code == 404, marker
            assert marker not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_images_are_served_only_at_the_users_level(role, hub, client_as):
    client = client_as(role)
    for marker, asset in hub.assets.items():
        url = reverse("resources-image", args=(asset.thumbnail.pk, "fill-400x300"))
        response = client.get(url)
        if marker in VISIBLE[role]:
            assert response.status_code == 200, marker
            assert response["Content-Type"] == "image/png"
            assert b"".join(response.streaming_content).startswith(b"\x89PNG")
        else:
            assert response.status_code == 404, marker
            assert marker not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_library_lists_and_counts_only_visible_assets(role, hub, client_as):
    response = client_as(role).get(hub.library.url)
    assert response.status_code == 200
    for marker in VISIBLE[role]:
        assert f"Asset {marker}" in response.text
    for marker in hidden(role):
        # Not in the listing, nor as a tag facet, nor anywhere else.
        assert marker not in response.text
    browse = response.context["browse"]
    count = len(VISIBLE[role])
    assert browse.total == count
    facets = {group.name: group.values for group in browse.facets}
    assert [(f.label, f.count) for f in facets["type"]] == [("Brochure", count)]
    assert [(f.label, f.count) for f in facets["product"]] == [("Edge Gateway", count)]
    assert [(f.label, f.count) for f in facets["language"]] == [("English", count)]
    assert sorted(f.label for f in facets["tag"]) == sorted(VISIBLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_announcements_on_home_and_pages_follow_the_level(role, hub, client_as):
    client = client_as(role)
    home = client.get("/")
    if role not in ("anonymous", "suspended"):
        # The home card shows the latest five the user may see, newest first; a
        # suspended partner's user gets the page saying their access is suspended.
        for marker in list(reversed(VISIBLE[role]))[:5]:
            assert f"News {marker}" in home.text
    for marker in hidden(role):
        assert marker not in home.text
    for marker, announcement in hub.announcements.items():
        response = client.get(announcement.url)
        if marker in VISIBLE[role]:
            assert response.status_code == 200, marker
        else:
            assert_refused(response, role, marker)


def _make_policies(hub):
    made = {}
    for number, marker in enumerate(MARKERS):
        policy = PolicyPage(
            title=f"Policy {marker}",
            slug=f"policy-{number}",
            policy_type="other",
            body=f"<p>Rules for {marker}.</p>",
            requires_acknowledgement=True,
            **access_for(marker),
        )
        hub.library.get_parent().add_child(instance=policy)
        made[marker] = publish(policy).pk
    return made


@pytest.fixture
def policies(hub):
    """One policy per access level, to be acknowledged, its marker in title and body
    (made once, then put back by COPY: tests/snapshots.py)."""
    made = replayed("resources-policies", lambda: _make_policies(hub))
    return {marker: PolicyPage.objects.get(pk=pk) for marker, pk in made.items()}


@pytest.mark.parametrize("role", ROLES)
def test_policies_and_their_banner_follow_the_level(role, policies, client_as):
    client = client_as(role)
    for marker, policy in policies.items():
        response = client.get(policy.url)
        if marker in VISIBLE[role]:
            assert response.status_code == 200, marker
            assert f"Rules for {marker}." in response.text
        else:
            assert_refused(response, role, marker)
    home = client.get("/").text
    for marker in hidden(role):
        assert marker not in home
    # Partner users are asked to acknowledge exactly the policies they may read.
    asks = role not in ("anonymous", "suspended", "staff")
    for marker in VISIBLE[role]:
        assert (f"Policy {marker}" in home) is asks, marker


@pytest.mark.parametrize("role", ROLES)
def test_sitemap_and_feed_list_only_public_items_whoever_asks(
    role, policies, client_as
):
    client = client_as(role)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    text = response.content.decode()
    # Slugs are numbered in marker order: 0 is the public item.
    assert "/library/asset-0/" in text
    assert "/library/news-0/" in text
    assert "/policy-0/" in text
    for number in range(1, len(MARKERS)):
        assert f"/asset-{number}/" not in text
        assert f"/news-{number}/" not in text
        assert f"/policy-{number}/" not in text
    feed = client.get(reverse("resources-announcements-feed")).content.decode()
    assert "News aardvarkpublic" in feed
    for marker in MARKERS[1:]:
        assert marker not in feed


def test_the_document_url_with_a_wrong_filename_reveals_nothing(hub, client):
    asset = hub.assets["dingogold"]
    response = client.get(f"/documents/{asset.document.pk}/anything.pdf")
    assert response.status_code == 404
    assert "dingogold" not in response.content.decode()


def test_a_suspended_partners_user_loses_downloads_at_once(hub, client, user_as):
    user = user_as("gold")
    client.force_login(user)
    url = hub.assets["dingogold"].document.url
    assert client.get(url).status_code == 200
    partner = user.membership.partner
    partner.stage = "suspended"
    partner.save(update_fields=["stage"])
    assert client.get(url).status_code == 404


def test_unknown_image_sizes_are_refused(hub, client):
    image = hub.assets["aardvarkpublic"].thumbnail
    url = reverse("resources-image", args=(image.pk, "fill-4000x4000"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/admin/documents/", "/admin/images/"])
def test_staff_manage_documents_and_images_in_the_admin(hub, client, url):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    assert "falconstaff" in response.text


def test_a_partners_own_file_downloads_for_its_users_and_staff_only(client, user_as):
    """An MDF claim's proof or a ticket's attachment: its partner and staff, and
    nobody else learns it exists (not another partner at a higher tier)."""
    owner = user_as("registered")
    partner = owner.membership.partner
    document = make_document(
        "Invoice 7781",
        "invoice-7781.pdf",
        {"access_level": AccessLevel.OWNER, "owner_partner": partner},
    )
    for user, status in [
        (owner, 200),
        (MembershipFactory(partner=partner, role=Role.MARKETING).user, 200),
        (StaffFactory(), 200),
        (user_as("platinum"), 404),
        (None, 404),
    ]:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(document.url)
        assert response.status_code == status, user
        if status == 404:
            assert b"7781" not in response.content
    client.force_login(owner)
    partner.stage = "suspended"
    partner.save(update_fields=["stage"])
    assert client.get(document.url).status_code == 404


def test_a_partners_own_file_needs_its_partner_and_no_other_item_may_claim_one(db):
    with pytest.raises(ValidationError) as refused:
        PortalDocument(title="Proof", access_level=AccessLevel.OWNER).full_clean(
            exclude=["file"]
        )
    assert "owner_partner" in refused.value.message_dict
    level = AssetPage._meta.get_field("access_level")
    assert AccessLevel.OWNER not in dict(level.choices)
