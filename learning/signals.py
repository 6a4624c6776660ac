"""Signals of the learning app, for apps that react to it without it knowing them."""

from django.dispatch import Signal

# Sent once per award, with `award`, inside the transaction that records its expiry.
award_expired = Signal()
