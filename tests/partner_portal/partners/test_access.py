"""The access rule over every combination of access level, tier and lifecycle stage."""

import itertools
import uuid

from django.contrib.auth.models import AnonymousUser

import pytest

from partner_portal.partners.access import audience_for, users_who_may_see
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


@pytest.fixture
def es_index(items):
    """The items as documents carrying the access fields, in a throwaway index."""
    from search.client import get_client

    client = get_client()
    name = f"cplms-test-access-{uuid.uuid4().hex[:8]}"
    client.indices.create(
        index=name,
        mappings={
            "properties": {
                "title": {"type": "keyword"},
                "access_level": {"type": "keyword"},
                "min_tier_id": {"type": "long"},
            }
        },
    )
    for item in items:
        client.index(
            index=name,
            id=str(item.pk),
            document={
                "title": item.title,
                "access_level": item.access_level,
                "min_tier_id": item.min_tier_id,
            },
        )
    client.indices.refresh(index=name)
    yield client, name
    client.indices.delete(index=name)


def titles_in_elasticsearch(es_index, audience):
    client, name = es_index
    query = audience.es_filter()
    body = {"match_all": {}} if query is None else query.to_dict()
    hits = client.search(index=name, query=body, size=100)["hits"]["hits"]
    return {hit["_source"]["title"] for hit in hits}


def test_every_form_of_the_rule_agrees_at_every_tier_and_stage(
    partner_user_at, items, es_index
):
    """may_see, q(), the Elasticsearch filter and users_who_may_see give one answer
    for anonymous visitors, staff and a partner user at every tier and stage."""
    users = [
        partner_user_at(tier_code, stage)
        for tier_code, stage in itertools.product(TIER_CODES, Stage.values)
    ]
    for who in [AnonymousUser(), StaffFactory(), *users]:
        audience = audience_for(who)
        by_item = titles_visible(audience, items)
        assert titles_in_elasticsearch(es_index, audience) == by_item, who
    for item in items:
        expected = {
            user.pk
            for user in users
            if audience_for(user).is_partner and audience_for(user).may_see(item)
        }
        found = set(
            users_who_may_see(item)
            .filter(pk__in=[user.pk for user in users])
            .values_list("pk", flat=True)
        )
        assert found == expected, item.title
