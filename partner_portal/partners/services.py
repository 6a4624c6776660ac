"""Writes that touch several partner models."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import AUDIENCE_STAGES, Partner, Tier, User


def _desired_tier_group_ids(user):
    if not user.is_active or user.is_staff:
        return set()
    rows = Partner.objects.filter(
        memberships__user=user, stage__in=AUDIENCE_STAGES
    ).values_list("tier__group_id", flat=True)
    return set(rows)


@transaction.atomic
def tier_groups_sync_user(*, user: User) -> None:
    """Make the user's tier groups match their partner's tier while it has access."""
    desired = _desired_tier_group_ids(user)
    current = set(user.groups.filter(tier__isnull=False).values_list("id", flat=True))
    if current - desired:
        user.groups.remove(*(current - desired))
    if desired - current:
        user.groups.add(*(desired - current))


@transaction.atomic
def tier_groups_sync_partner(*, partner: Partner) -> None:
    for user in User.objects.filter(membership__partner=partner):
        tier_groups_sync_user(user=user)


@transaction.atomic
def tier_groups_sync_all() -> None:
    """Reconcile every tier group with the active partner users at its tier."""
    for tier in Tier.objects.select_related("group"):
        tier.group.user_set.set(
            User.objects.filter(
                is_active=True,
                is_staff=False,
                membership__partner__tier=tier,
                membership__partner__stage__in=AUDIENCE_STAGES,
            )
        )
    Group.user_set.through.objects.filter(
        group__tier__isnull=False, user__is_active=False
    ).delete()
