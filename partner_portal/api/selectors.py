"""Scoping, in one place: which rows an API caller may see.

- a partner user (while their partner grants access) sees only their own partner and
  its records;
- a staff user sees what their model permissions give, or, as a channel account
  manager, the partners assigned to them (`partners_visible_to`);
- anyone else sees nothing. A row outside the scope answers 404.

Records that belong to a partner are scoped by their `PartnerOwnedPolicy`
(`partners.ownership`), as in the admin and the portal.
"""

from django.db.models import QuerySet
from django.utils import timezone

from partner_portal.incentives.models import Program, Statement
from partner_portal.incentives.statements.selectors import (
    partner_programs,
    statements_visible_to,
)
from partner_portal.partners.access import partner_with_access
from partner_portal.partners.models import Partner, TierChange
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.permissions import partners_visible_to


def partners_for(user) -> QuerySet[Partner]:
    if not user.is_authenticated or not user.is_active:
        return Partner.objects.none()
    if user.is_staff:
        return partners_visible_to(user)
    partner = partner_with_access(user)
    if partner is None:
        return Partner.objects.none()
    return Partner.objects.filter(pk=partner.pk)


def tier_history_for(partner: Partner) -> QuerySet[TierChange]:
    return partner.tier_changes.select_related("tier").order_by(
        "-effective_from", "-id"
    )


def partner_owned_for(user, model) -> QuerySet:
    """The rows of a partner-owned model the caller may see."""
    return partner_owned.policy_for(model).visible_to(user)


def statements_for(user) -> QuerySet[Statement]:
    """The statements the caller may see, as the portal and the admin see them:
    staff with `incentives.view_statement` those of the partners they may see; a
    partner admin or sales user their partner's once issued; anyone else none."""
    return statements_visible_to(user)


def programs_for(user) -> QuerySet[Program]:
    """Staff with `incentives.view_program` see every program; a partner user who
    may see statements the programs their partner takes part in, as the portal lists
    them; anyone else none."""
    if not user.is_authenticated or not user.is_active:
        return Program.objects.none()
    if user.is_staff:
        if not user.has_perm("incentives.view_program"):
            return Program.objects.none()
        return Program.objects.all()
    partner = partner_owned.policy_for(Statement).partners_for(user).first()
    if partner is None:
        return Program.objects.none()
    return partner_programs(partner, statements_for(user), today=timezone.localdate())
