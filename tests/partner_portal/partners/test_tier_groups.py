"""Each tier's group holds exactly the active partner users at that tier."""

from partner_portal.partners.models import PartnerMembership, Stage, Tier
from partner_portal.partners.services import tier_groups_sync_all
from tests.factories import MembershipFactory, PartnerFactory, tier


def members(code):
    return set(
        Tier.objects.get(code=code).group.user_set.values_list("username", flat=True)
    )


def test_a_fresh_database_has_four_ranked_tiers_each_with_a_group(db):
    tiers = list(Tier.objects.values_list("code", "rank", "group__name"))
    assert tiers == [
        ("registered", 1, "Tier: registered"),
        ("silver", 2, "Tier: silver"),
        ("gold", 3, "Tier: gold"),
        ("platinum", 4, "Tier: platinum"),
    ]


def test_joining_moving_and_leaving_follow_the_partner(db):
    partner = PartnerFactory(tier=tier("silver"))
    user = MembershipFactory(partner=partner, user__username="ana").user
    assert members("silver") == {"ana"}

    partner.tier = tier("gold")
    partner.save()
    assert members("silver") == set()
    assert members("gold") == {"ana"}

    partner.stage = Stage.SUSPENDED
    partner.save()
    assert members("gold") == set()

    partner.stage = Stage.AT_RISK
    partner.save()
    assert members("gold") == {"ana"}

    user.is_active = False
    user.save()
    assert members("gold") == set()

    user.is_active = True
    user.save()
    PartnerMembership.objects.filter(user=user).delete()
    assert members("gold") == set()


def test_other_groups_are_left_alone(db):
    from django.contrib.auth.models import Group

    user = MembershipFactory(partner=PartnerFactory(tier=tier("gold"))).user
    editors = Group.objects.create(name="Newsletter")
    user.groups.add(editors)
    user.membership.partner.stage = Stage.TERMINATED
    user.membership.partner.save()
    assert list(user.groups.values_list("name", flat=True)) == ["Newsletter"]


def test_full_reconciliation_repairs_drift(db):
    user = MembershipFactory(
        partner=PartnerFactory(tier=tier("platinum")), user__username="bo"
    ).user
    stray = MembershipFactory(
        partner=PartnerFactory(tier=tier("registered")), user__username="cy"
    ).user
    Tier.objects.get(code="gold").group.user_set.add(user, stray)
    Tier.objects.get(code="platinum").group.user_set.remove(user)

    tier_groups_sync_all()

    assert members("gold") == set()
    assert members("platinum") == {"bo"}
    assert members("registered") == {"cy"}


def test_renaming_a_tier_code_renames_its_group(db):
    gold = Tier.objects.get(code="gold")
    gold.code = "gold-plus"
    gold.save()
    assert Tier.objects.get(pk=gold.pk).group.name == "Tier: gold-plus"
