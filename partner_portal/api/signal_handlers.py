"""Partner events for webhooks, from the partners app's own signals.

`partners` knows nothing of the API: these receivers listen to its models' saves.
"""

from django.db.models.signals import post_save

from partner_portal.partners.models import Partner, StageChange, TierChange

from .webhooks.events import emit


def partner_payload(partner):
    return {
        "id": partner.pk,
        "external_id": partner.external_id,
        "name": partner.name,
        "stage": partner.stage,
        "tier": partner.tier.code,
    }


def _partner_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        emit("partner.created", {"partner": partner_payload(instance)})


def _stage_changed(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.from_stage:
        emit(
            "partner.stage_changed",
            {
                # The partner row still holds the old stage while this is written.
                "partner": partner_payload(instance.partner)
                | {"stage": instance.to_stage},
                "from_stage": instance.from_stage,
                "to_stage": instance.to_stage,
                "reason": instance.reason,
            },
        )


def _tier_changed(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    previous = (
        TierChange.objects.filter(partner_id=instance.partner_id)
        .exclude(pk=instance.pk)
        .order_by("-effective_from", "-id")
        .select_related("tier")
        .first()
    )
    if previous is None:
        return  # The partner's first tier: partner.created says it.
    emit(
        "partner.tier_changed",
        {
            "partner": partner_payload(instance.partner) | {"tier": instance.tier.code},
            "from_tier": previous.tier.code,
            "to_tier": instance.tier.code,
            "effective_from": instance.effective_from.isoformat(),
            "reason": instance.reason,
        },
    )


def connect():
    post_save.connect(_partner_saved, sender=Partner, dispatch_uid="api_partner_new")
    post_save.connect(_stage_changed, sender=StageChange, dispatch_uid="api_stage")
    post_save.connect(_tier_changed, sender=TierChange, dispatch_uid="api_tier")
