"""Give a partner's account manager, and nobody else, object permissions on it."""

from django.db.models.signals import post_save

from .models import Partner
from .services import account_manager_permissions_sync


def _partner_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    account_manager_permissions_sync(partner=instance)


def connect():
    post_save.connect(
        _partner_saved, sender=Partner, dispatch_uid="account_manager_permissions"
    )
