"""Writes that touch several partner models."""

import datetime

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guardian.shortcuts import assign_perm

from .models import (
    Partner,
    PartnerUserObjectPermission,
    Stage,
    StageChange,
    TierChange,
    User,
)

# What a channel account manager may do to the partners assigned to them.
ACCOUNT_MANAGER_PERMISSIONS = ("view_partner", "change_partner")


def stage_transition_error(from_stage: str, to_stage: str) -> str | None:
    """Why a partner may not move between these stages, or None if it may."""
    partner = Partner(stage=from_stage)
    if from_stage == to_stage or partner.may_move_to(to_stage):
        return None
    return _("A partner cannot move from “%(from)s” to “%(to)s”.") % {
        "from": Stage(from_stage).label,
        "to": Stage(to_stage).label,
    }


@transaction.atomic
def partner_create(*, by: User | None, reason: str = "", **fields) -> Partner:
    """Create a partner with the first entries of its stage and tier histories.

    The initial tier is effective from `joined_on` (today when it is not known yet).
    """
    partner = Partner(**fields)
    partner.full_clean()
    partner.save()
    StageChange.objects.create(
        partner=partner,
        from_stage="",
        to_stage=partner.stage,
        changed_by=by,
        reason=reason,
    )
    TierChange.objects.create(
        partner=partner,
        tier=partner.tier,
        effective_from=partner.joined_on or timezone.localdate(),
        changed_by=by,
        reason=reason,
    )
    return partner


@transaction.atomic
def partner_update(
    *,
    partner: Partner,
    by: User | None,
    reason: str = "",
    effective_on: datetime.date | None = None,
    **fields,
) -> Partner:
    """Change a partner's fields; stage and tier changes are checked and recorded.

    A stage change must be an allowed lifecycle transition; stage and tier changes need
    a reason, which the histories keep with who made the change and when. A tier change
    takes effect on `effective_on` (today by default).
    """
    current = Partner.objects.select_for_update().get(pk=partner.pk)
    new_stage = fields.pop("stage", current.stage)
    new_tier = fields.pop("tier", current.tier)
    for name, value in fields.items():
        setattr(current, name, value)
    stage_changed = new_stage != current.stage
    tier_changed = new_tier != current.tier
    if (stage_changed or tier_changed) and not reason.strip():
        raise ValidationError(_("Say why the stage or tier changes."))
    if stage_changed:
        error = stage_transition_error(current.stage, new_stage)
        if error:
            raise ValidationError({"stage": error})
        StageChange.objects.create(
            partner=current,
            from_stage=current.stage,
            to_stage=new_stage,
            changed_by=by,
            reason=reason,
        )
        current.stage = new_stage
    if tier_changed:
        TierChange.objects.create(
            partner=current,
            tier=new_tier,
            effective_from=effective_on or timezone.localdate(),
            changed_by=by,
            reason=reason,
        )
        current.tier = new_tier
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def account_manager_permissions_sync(*, partner: Partner) -> None:
    """Give the partner's account manager, and nobody else, object permissions on it."""
    permissions = Permission.objects.filter(
        content_type__app_label="partners", codename__in=ACCOUNT_MANAGER_PERMISSIONS
    )
    stale = PartnerUserObjectPermission.objects.filter(
        content_object=partner, permission__in=permissions
    )
    if partner.account_manager_id:
        stale = stale.exclude(user_id=partner.account_manager_id)
    stale.delete()
    if partner.account_manager_id:
        for codename in ACCOUNT_MANAGER_PERMISSIONS:
            assign_perm(f"partners.{codename}", partner.account_manager, partner)
