from io import StringIO

from django.core.management import call_command

from partner_portal.partners.models import Partner, PartnerMembership, Tier, User
from tests.snapshots import demo_seed


def snapshot():
    return (
        list(User.objects.order_by("username").values()),
        list(Partner.objects.order_by("external_id").values()),
        list(PartnerMembership.objects.order_by("id").values()),
    )


def test_seed_demo_prints_logins_for_every_role_and_tier(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for username in ("admin", "cam", "editor"):
        assert f"  {username} " in text
    partner_tiers = set(
        PartnerMembership.objects.filter(partner__stage="active").values_list(
            "partner__tier__code", flat=True
        )
    )
    assert partner_tiers == set(Tier.objects.values_list("code", flat=True))
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="cam").managed_partners.exists()


def test_a_second_run_changes_nothing(db):
    demo_seed()
    before = snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert snapshot() == before
