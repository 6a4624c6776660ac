"""Reads about partners and their users."""

from .models import PartnerMembership


def membership_for(user):
    """The user's partner membership with partner and tier, or None."""
    if not user.is_authenticated:
        return None
    return (
        PartnerMembership.objects.select_related("partner__tier")
        .filter(user=user)
        .first()
    )
