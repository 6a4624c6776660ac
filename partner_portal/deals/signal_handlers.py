"""When staff change the legal suffixes, open registrations are keyed again."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import LegalSuffix


def _suffixes_changed(sender, **kwargs):
    from .customers import open_deals_rekey

    transaction.on_commit(open_deals_rekey)


def connect():
    for signal in (post_save, post_delete):
        signal.connect(
            _suffixes_changed, sender=LegalSuffix, dispatch_uid=f"deals_rekey_{signal}"
        )
