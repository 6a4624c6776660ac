"""The partner admin: account managers reach only their partners; lifecycle holds."""

from django.contrib.auth.models import Group
from django.urls import reverse

import pytest

from partner_portal.partners.models import Partner, StageChange, User
from tests.snapshots import demo_seed


@pytest.fixture
def demo(db):
    demo_seed()


def partner(external_id):
    return Partner.objects.get(external_id=external_id)


def test_account_manager_lists_only_assigned_partners(client, demo):
    client.force_login(User.objects.get(username="cam"))
    response = client.get(reverse("partner:index"))
    assert response.status_code == 200
    for assigned in Partner.objects.filter(account_manager__username="cam"):
        assert assigned.name in response.text
    for other in Partner.objects.exclude(account_manager__username="cam"):
        assert other.name not in response.text


@pytest.mark.parametrize("view", ["edit", "inspect", "history", "delete"])
def test_account_manager_gets_404_for_another_managers_partner(client, demo, view):
    client.force_login(User.objects.get(username="cam"))
    foreign = partner("P-1003")  # no account manager
    assert foreign.account_manager is None
    response = client.get(reverse(f"partner:{view}", args=[foreign.pk]))
    assert response.status_code == 404
    assert foreign.name not in response.text


def test_account_manager_can_edit_their_own_partner(client, demo):
    client.force_login(User.objects.get(username="cam"))
    response = client.get(reverse("partner:edit", args=[partner("P-1002").pk]))
    assert response.status_code == 200


def test_program_manager_and_administrator_see_every_partner(client, demo):
    for username in ("pm", "admin"):
        client.force_login(User.objects.get(username=username))
        # The demo has more partners than a page holds: read every page.
        first = client.get(reverse("partner:index"))
        pages = [first.text] + [
            client.get(reverse("partner:index"), {"p": number}).text
            for number in range(2, first.context["paginator"].num_pages + 1)
        ]
        for each in Partner.objects.all():
            assert any(each.name in page for page in pages), (username, each.name)


def test_reassigning_a_partner_moves_the_access(client, demo):
    other = User.objects.create_user("cam2", is_staff=True)
    other.groups.add(Group.objects.get(name="Channel account managers"))
    moved = partner("P-1002")
    moved.account_manager = other
    moved.save()
    client.force_login(User.objects.get(username="cam"))
    assert client.get(reverse("partner:edit", args=[moved.pk])).status_code == 404
    client.force_login(other)
    assert client.get(reverse("partner:edit", args=[moved.pk])).status_code == 200


def edit_form(item, **changes):
    data = {
        "external_id": item.external_id,
        "name": item.name,
        "legal_name": item.legal_name,
        "country": item.country,
        "region": item.region_id,
        "partner_type": item.partner_type,
        "tier": item.tier_id,
        "stage": item.stage,
        "joined_on": item.joined_on.isoformat() if item.joined_on else "",
        "email_domain": item.email_domain,
        "account_manager": item.account_manager_id or "",
        "change_reason": "",
    }
    data.update(changes)
    return data


def test_admin_refuses_an_illegal_stage_change(client, demo):
    client.force_login(User.objects.get(username="pm"))
    item = partner("P-1001")
    item.stage = "terminated"
    item.save()
    response = client.post(
        reverse("partner:edit", args=[item.pk]),
        edit_form(item, stage="active", change_reason="Try to revive"),
    )
    assert response.status_code == 200
    assert "cannot move from" in response.text
    assert partner("P-1001").stage == "terminated"


def test_admin_stage_change_needs_a_reason_and_is_recorded(client, demo):
    client.force_login(User.objects.get(username="pm"))
    item = partner("P-1002")
    url = reverse("partner:edit", args=[item.pk])
    refused = client.post(url, edit_form(item, stage="at_risk"))
    assert "Say why the lifecycle stage or tier changes" in refused.text
    assert partner("P-1002").stage == "active"

    client.post(url, edit_form(item, stage="at_risk", change_reason="Revenue fell"))
    assert partner("P-1002").stage == "at_risk"
    change = StageChange.objects.filter(partner=item).first()
    assert (change.to_stage, change.changed_by.username, change.reason) == (
        "at_risk",
        "pm",
        "Revenue fell",
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_partner_directory_exports_only_what_the_user_may_see(client, demo, fmt):
    import io

    import openpyxl

    client.force_login(User.objects.get(username="cam"))
    response = client.get(reverse("partner:index"), {"export": fmt})
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if fmt == "csv":
        text = body.decode("utf-8-sig")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        text = "\n".join(
            ",".join(str(c) for c in row if c is not None)
            for row in sheet.iter_rows(values_only=True)
        )
    mine = set(
        Partner.objects.filter(account_manager__username="cam").values_list(
            "external_id", flat=True
        )
    )
    assert mine
    for external_id in Partner.objects.values_list("external_id", flat=True):
        assert (external_id in text) == (external_id in mine), external_id


def test_the_directory_filters_by_tier_and_stage(client, demo):
    client.force_login(User.objects.get(username="pm"))
    gold = Partner.objects.filter(tier__code="gold").first().tier
    response = client.get(
        reverse("partner:index"), {"tier": gold.pk, "stage": "suspended"}
    )
    assert "Litware Partners" in response.text
    assert "华东渠道科技" not in response.text
