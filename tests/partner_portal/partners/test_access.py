"""The access rule over every combination of access level, tier and lifecycle stage."""

import itertools

from django.contrib.auth.models import AnonymousUser

import pytest

from partner_portal.partners.access import audience_for
from partner_portal.partners.models import AccessLevel, Stage, Tier
from tests.factories import StaffFactory, UserFactory
from tests.testapp.models import GatedItem

TIER_CODES = ["registered", "silver", "gold", "platinum"]
STAGES_WITH_ACCESS = {Stage.ONBOARDING, Stage.ACTIVE, Stage.AT_RISK}


@pytest.fixture
def items(db):
    """One item per access level and one per minimum tier, titled by what they need."""
    made = [
        GatedItem.objects.create(title="public", access_level=AccessLevel.PUBLIC),
        GatedItem.objects.create(title="partner", access_level=AccessLevel.PARTNER),
        GatedItem.objects.create(title="staff", access_level=AccessLevel.STAFF),
    ]
    for tier in Tier.objects.all():
        made.append(
            GatedItem.objects.create(
                title=f"tier:{tier.code}", access_level=AccessLevel.TIER, min_tier=tier
            )
        )
    return made


def titles_visible(audience, items):
    by_item = {item.title for item in items if audience.may_see(item)}
    by_query = set(
        GatedItem.objects.filter(audience.q()).values_list("title", flat=True)
    )
    assert by_item == by_query, "may_see and q() must agree"
    return by_item


@pytest.mark.parametrize(
    ("tier_code", "stage"), list(itertools.product(TIER_CODES, Stage.values))
)
def test_partner_user_sees_up_to_their_tier_only_while_stage_grants_access(
    partner_user_at, items, tier_code, stage
):
    user = partner_user_at(tier_code, stage)
    visible = titles_visible(audience_for(user), items)
    if stage in STAGES_WITH_ACCESS:
        reachable = TIER_CODES[: TIER_CODES.index(tier_code) + 1]
        assert visible == {"public", "partner"} | {f"tier:{c}" for c in reachable}
    else:
        assert visible == {"public"}


def test_anonymous_sees_public_only(items):
    assert titles_visible(audience_for(AnonymousUser()), items) == {"public"}


def test_staff_see_everything(items):
    assert titles_visible(audience_for(StaffFactory()), items) == {
        item.title for item in items
    }


def test_user_without_partner_sees_public_only(items):
    assert titles_visible(audience_for(UserFactory()), items) == {"public"}


def test_deactivated_partner_user_sees_public_only(partner_user_at, items):
    user = partner_user_at("platinum", Stage.ACTIVE)
    user.is_active = False
    user.save()
    assert titles_visible(audience_for(user), items) == {"public"}


def test_suspension_ends_access_on_the_next_request(partner_user_at, items):
    user = partner_user_at("gold", Stage.ACTIVE)
    assert "tier:gold" in titles_visible(audience_for(user), items)
    partner = user.membership.partner
    partner.stage = Stage.SUSPENDED
    partner.save()
    # Each request loads its user afresh; the audience follows the partner's stage.
    fresh = type(user).objects.get(pk=user.pk)
    assert titles_visible(audience_for(fresh), items) == {"public"}


def test_re_ranking_a_tier_moves_what_its_partners_see(partner_user_at, items):
    user = partner_user_at("silver", Stage.ACTIVE)
    gold, silver = Tier.objects.get(code="gold"), Tier.objects.get(code="silver")
    gold.rank, silver.rank = 90, 91
    gold.save()
    silver.save()
    fresh = type(user).objects.get(pk=user.pk)
    assert "tier:gold" in titles_visible(audience_for(fresh), items)


def test_tier_level_requires_a_minimum_tier(db):
    item = GatedItem(title="x", access_level=AccessLevel.TIER)
    with pytest.raises(Exception, match="minimum tier"):
        item.full_clean()
