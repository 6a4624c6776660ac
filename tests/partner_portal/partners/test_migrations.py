"""What the partners migrations leave in the database."""

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partner_portal.partners.models import Stage, Tier
from tests.factories import MembershipFactory, PartnerFactory, tier

BEFORE_TIER_GROUPS_WENT = ("partners", "0006_onboarding")


def test_a_fresh_database_has_four_ranked_tiers(db):
    assert list(Tier.objects.values_list("code", "rank")) == [
        ("registered", 1),
        ("silver", 2),
        ("gold", 3),
        ("platinum", 4),
    ]


def _migrate(targets):
    """Migrate the test database (inside the test's transaction) to `targets`."""
    connection.check_constraints()  # no pending checks while tables are altered
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def test_the_tier_groups_are_deleted_and_come_back_when_migrating_back(db):
    ana = MembershipFactory(
        partner=PartnerFactory(tier=tier("gold")), user__username="ana"
    ).user
    MembershipFactory(
        partner=PartnerFactory(tier=tier("gold"), stage=Stage.SUSPENDED),
        user__username="bo",
    )
    ana.groups.add(Group.objects.create(name="Newsletter"))
    groups = set(Group.objects.values_list("name", flat=True))

    executor = _migrate([BEFORE_TIER_GROUPS_WENT])
    old_tier = executor.loader.project_state([BEFORE_TIER_GROUPS_WENT]).apps.get_model(
        "partners", "Tier"
    )
    assert {
        tier.group.name: set(tier.group.user_set.values_list("username", flat=True))
        for tier in old_tier.objects.select_related("group")
    } == {
        "Tier: registered": set(),
        "Tier: silver": set(),
        "Tier: gold": {"ana"},
        "Tier: platinum": set(),
    }

    _migrate(executor.loader.graph.leaf_nodes())

    assert set(Group.objects.values_list("name", flat=True)) == groups
    assert list(ana.groups.values_list("name", flat=True)) == ["Newsletter"]
