"""Keep each tier's group equal to the active partner users at that tier."""

from django.db.models.signals import post_delete, post_save

from .models import Partner, PartnerMembership, Tier, User
from .services import (
    account_manager_permissions_sync,
    tier_groups_sync_partner,
    tier_groups_sync_user,
)


def _partner_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    tier_groups_sync_partner(partner=instance)
    account_manager_permissions_sync(partner=instance)


def _membership_changed(sender, instance, **kwargs):
    try:
        user = User.objects.get(pk=instance.user_id)
    except User.DoesNotExist:
        return
    tier_groups_sync_user(user=user)


def _user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # A sign-in only stamps last_login; nothing that decides tier groups changed.
    if created or raw or (update_fields and set(update_fields) == {"last_login"}):
        return
    tier_groups_sync_user(user=instance)


def _tier_deleted(sender, instance, **kwargs):
    instance.group.delete()


def connect():
    post_save.connect(_partner_saved, sender=Partner, dispatch_uid="tier_sync_partner")
    post_save.connect(
        _membership_changed, sender=PartnerMembership, dispatch_uid="tier_sync_m_save"
    )
    post_delete.connect(
        _membership_changed, sender=PartnerMembership, dispatch_uid="tier_sync_m_del"
    )
    post_save.connect(_user_saved, sender=User, dispatch_uid="tier_sync_user")
    post_delete.connect(_tier_deleted, sender=Tier, dispatch_uid="tier_group_delete")
