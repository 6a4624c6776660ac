"""Reads about partners and their users."""

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from .models import Partner, PartnerMembership, Stage, Tier, TierChange


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


def tier_choices() -> list[tuple[str, str]]:
    """(code, name) of every tier, lowest first, for forms that name tiers by code."""
    return list(Tier.objects.order_by("rank").values_list("code", "name"))


def tiers_on(partner_ids, day) -> dict[int, Tier]:
    """{partner_id: the tier in effect on `day`}, from the tier history, one query.

    A partner holds a tier from a change's `effective_from` to the next change; one
    whose changes all come after `day` had not joined yet and is left out, and one
    with no history at all (made before histories were kept) holds its tier.
    """
    history = TierChange.objects.filter(partner=OuterRef("pk"))
    rows = (
        Partner.objects.filter(pk__in=partner_ids)
        .annotate(
            held=Subquery(
                history.filter(effective_from__lte=day)
                .order_by("-effective_from", "-id")
                .values("tier_id")[:1]
            ),
            has_history=Exists(history),
        )
        .values_list("pk", "held", "has_history", "tier_id")
    )
    tiers = {tier.pk: tier for tier in Tier.objects.all()}
    return {
        pk: tiers[held if has_history else current]
        for pk, held, has_history, current in rows
        if held is not None or not has_history
    }


def tier_progress(partner, as_of):
    """The partner's current tier, the next one up, and the gap to it."""
    from .tier_evaluation import requirements_report

    next_tier = (
        Tier.objects.filter(rank__gt=partner.tier.rank)
        .prefetch_related("required_agreements")
        .order_by("rank")
        .first()
    )
    if next_tier is None:
        return {"tier": partner.tier, "next_tier": None, "gap": []}
    gap = requirements_report([partner], as_of, tiers=[next_tier])[partner.pk]
    return {"tier": partner.tier, "next_tier": next_tier, "gap": gap}


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
