"""Partner and certification events for webhooks, from the owning apps' signals.

`partners` and `learning` know nothing of the API: these receivers listen to their
models' saves and to `learning.signals.award_expired`.
"""

from django.db.models.signals import post_save
from django.utils import timezone

from learning.models import CertificationAward
from learning.models.certifications import AwardStatus
from learning.signals import award_expired
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


def award_payload(award, status):
    return {
        "id": award.pk,
        "credential_id": award.credential_id,
        "certification": award.certification.code,
        "holder": {"id": award.user_id, "email": award.user.email},
        "partner": {"id": award.partner_id, "external_id": award.partner.external_id},
        "issued_at": award.issued_at.isoformat(),
        "expires_at": award.expires_at.isoformat(),
        "status": status,
        # "imported" for awards brought over from an earlier system.
        "source": award.source,
    }


def _award_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        status = instance.status_on(timezone.localdate())
        emit("certification.awarded", {"award": award_payload(instance, status)})


def _award_expired(sender, award, **kwargs):
    emit(
        "certification.expired",
        {"award": award_payload(award, AwardStatus.EXPIRED)},
    )


def connect():
    post_save.connect(_partner_saved, sender=Partner, dispatch_uid="api_partner_new")
    post_save.connect(_stage_changed, sender=StageChange, dispatch_uid="api_stage")
    post_save.connect(_tier_changed, sender=TierChange, dispatch_uid="api_tier")
    post_save.connect(
        _award_saved, sender=CertificationAward, dispatch_uid="api_award_new"
    )
    award_expired.connect(_award_expired, dispatch_uid="api_award_expired")
