"""Reads about partners and their users."""

from django.utils import timezone

from .models import PartnerMembership, Stage, Tier


def membership_for(user):
    """The user's partner membership with partner and tier, or None.

    Read once per user object, which Django loads afresh for each request: the
    cards of a page, its menus and the access rule share one query.
    """
    if user is None or not user.is_authenticated:
        return None
    # Django's cache of `user.membership`, which templates read too.
    cached = PartnerMembership.user.field.remote_field
    if not cached.is_cached(user):
        cached.set_cached_value(
            user,
            PartnerMembership.objects.select_related("partner__tier")
            .filter(user=user)
            .first(),
        )
    return cached.get_cached_value(user)


def tier_progress(partner, as_of):
    """The partner's current tier, the next one up, and the gap to it."""
    from .tier_evaluation import requirements_report

    next_tier = Tier.objects.filter(rank__gt=partner.tier.rank).order_by("rank").first()
    if next_tier is None:
        return {"tier": partner.tier, "next_tier": None, "gap": []}
    results = requirements_report([partner], as_of)[partner.pk]
    return {
        "tier": partner.tier,
        "next_tier": next_tier,
        "gap": [result for result in results if result.tier == next_tier.code],
    }


def tier_progress_card(request):
    """Context of the partner home's tier card; hidden without partner access."""
    # The access rule reads memberships through this module, so it is imported here.
    from .access import partner_with_access

    partner = partner_with_access(request.user)
    if partner is None:
        return None
    return tier_progress(partner, timezone.localdate())


def onboarding_card(request):
    """The checklist, shown while the partner is onboarding."""
    from .onboarding import onboarding_checklist

    membership = membership_for(request.user)
    if membership is None or membership.partner.stage != Stage.ONBOARDING:
        return None
    checklist = onboarding_checklist(membership.partner)
    if not checklist:
        return None
    remaining = sum(1 for i in checklist if i["step"].required and not i["done"])
    return {"checklist": checklist, "remaining": remaining}
