"""Acknowledging each published version of a policy; coverage and export."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Page

from partner_portal.partners.models import AccessLevel
from partner_portal.resources.models import PolicyAcknowledgement, PolicyPage
from tests.factories import StaffFactory, tier

from .conftest import publish

BANNER = "Please read and acknowledge"


def make_policy(parent, **fields):
    policy = PolicyPage(
        title=fields.pop("title", "Partner code of conduct"),
        slug=fields.pop("slug", "conduct"),
        policy_type="code_of_conduct",
        body="<p>Be honest.</p>",
        requires_acknowledgement=True,
        access_level=fields.pop("access_level", AccessLevel.PARTNER),
        **fields,
    )
    parent.add_child(instance=policy)
    return publish(policy)


def test_a_new_policy_version_must_be_acknowledged_again(
    site_root, client, partner_user_at
):
    policy = make_policy(site_root)
    user = partner_user_at("registered")
    client.force_login(user)

    home = client.get("/")
    assert BANNER in home.text
    assert f'<a href="{policy.url}">Partner code of conduct</a>' in home.text
    # The banner is on every portal page, not only the home page.
    for url in (reverse("policies-pending"), reverse("company-profile")):
        assert BANNER in client.get(url).text, url
    page = client.get(policy.url)
    assert "I have read and acknowledge this policy" in page.text

    response = client.post(reverse("policy-acknowledge", args=(policy.pk,)))
    assert response.status_code == 302
    assert BANNER not in client.get("/").text
    assert "You have acknowledged this version" in client.get(policy.url).text

    # An editor publishes a new version: the banner comes back.
    policy.body = "<p>Be honest, and protect customer data.</p>"
    publish(policy)
    assert BANNER in client.get("/").text
    client.post(reverse("policy-acknowledge", args=(policy.pk,)))
    assert BANNER not in client.get("/").text
    assert PolicyAcknowledgement.objects.filter(user=user).count() == 2


def test_the_banner_asks_only_the_policys_audience(site_root, client, partner_user_at):
    make_policy(
        site_root,
        title="Gold rebate policy",
        slug="gold-rebates",
        access_level=AccessLevel.TIER,
        min_tier=tier("gold"),
    )
    client.force_login(partner_user_at("silver"))
    assert BANNER not in client.get("/").text
    client.force_login(partner_user_at("gold"))
    assert "Gold rebate policy" in client.get("/").text
    client.force_login(partner_user_at("gold", "suspended"))
    assert BANNER not in client.get("/").text
    client.force_login(StaffFactory())
    assert BANNER not in client.get("/").text


def test_the_banner_costs_the_same_queries_for_one_policy_or_five(
    site_root, client, partner_user_at
):
    client.force_login(partner_user_at("gold"))
    counts = []
    for n in range(5):
        make_policy(site_root, title=f"Policy {n}", slug=f"policy-{n}")
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            assert f"Policy {n}" in client.get("/").text
        counts.append(len(queries))
    assert counts == [counts[0]] * 5, counts


def test_staff_see_coverage_per_version_and_export_who_is_missing(
    site_root, client, partner_user_at
):
    policy = make_policy(site_root)
    done = partner_user_at("silver", user__username="done-user")
    missing = partner_user_at("gold", user__username="missing-user")
    partner_user_at("gold", "suspended", user__username="suspended-user")
    client.force_login(done)
    client.post(reverse("policy-acknowledge", args=(policy.pk,)))

    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    coverage = client.get(reverse("resources_policy_coverage", args=(policy.pk,)))
    assert coverage.status_code == 200
    row = coverage.context["coverage"][0]
    assert (row["acknowledged"], row["missing"], row["audience"]) == (1, 1, 2)

    export = client.get(reverse("resources_policy_missing_csv", args=(policy.pk,)))
    text = export.content.decode("utf-8-sig")
    assert "missing-user" in text
    assert "done-user" not in text
    assert "suspended-user" not in text
    assert missing.email in text

    # A new version: both are missing again; the old version keeps its count.
    publish(Page.objects.get(pk=policy.pk).specific)
    coverage = client.get(reverse("resources_policy_coverage", args=(policy.pk,)))
    rows = coverage.context["coverage"]
    assert [(r["is_current"], r["acknowledged"]) for r in rows] == [
        (True, 0),
        (False, 1),
    ]
    export = client.get(reverse("resources_policy_missing_csv", args=(policy.pk,)))
    assert "done-user" in export.content.decode("utf-8-sig")


def test_partner_users_cannot_see_coverage(site_root, client, partner_user_at):
    policy = make_policy(site_root)
    client.force_login(partner_user_at("platinum"))
    url = reverse("resources_policy_missing_csv", args=(policy.pk,))
    assert client.get(url).status_code in (302, 403)


def test_announcements_record_who_read_them(site_root, client, partner_user_at):
    from partner_portal.resources.models import AnnouncementPage, AnnouncementRead

    announcement = AnnouncementPage(
        title="Price update", slug="price-update", access_level=AccessLevel.PARTNER
    )
    site_root.add_child(instance=announcement)
    publish(announcement)
    user = partner_user_at("registered")
    client.force_login(user)
    assert "New" in client.get("/").text
    client.get(announcement.url)
    client.get(announcement.url)
    assert AnnouncementRead.objects.filter(user=user).count() == 1
    home = client.get("/")
    assert 'class="read"' in home.text


def test_an_account_manager_sees_coverage_and_exports_of_their_partners_only(
    site_root, client, partner_user_at
):
    from django.contrib.auth.models import Permission

    from partner_portal.partners.services import account_manager_permissions_sync

    policy = make_policy(site_root)
    mine = partner_user_at("silver", user__username="my-partner-user")
    partner_user_at("gold", user__username="someone-elses-user")
    manager = StaffFactory()
    manager.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_policyacknowledgement"),
    )
    partner = mine.membership.partner
    partner.account_manager = manager
    partner.save()
    account_manager_permissions_sync(partner=partner)
    client.force_login(manager)

    coverage = client.get(reverse("resources_policy_coverage", args=(policy.pk,)))
    export = client.get(reverse("resources_policy_missing_csv", args=(policy.pk,)))

    assert coverage.context["coverage"][0]["audience"] == 1
    text = export.content.decode("utf-8-sig")
    assert "my-partner-user" in text
    assert "someone-elses-user" not in text
