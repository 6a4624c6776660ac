"""Scoping, in one place: which rows an API caller may see.

- a partner user (while their partner grants access) sees only their own partner and
  its records;
- a staff user sees what their model permissions give, or, as a channel account
  manager, the partners assigned to them (`partners_visible_to`);
- anyone else sees nothing. A row outside the scope answers 404.
"""

from django.db.models import QuerySet
from django.utils import timezone

from learning.models import CertificationAward
from partner_portal.incentives.models import SalesRecord
from partner_portal.incentives.selectors import (
    partner_with_sales_access,
    sales_visible_to,
)
from partner_portal.partners.access import audience_for
from partner_portal.partners.models import Partner, TierChange
from partner_portal.partners.permissions import partners_visible_to
from partner_portal.partners.selectors import membership_for


def own_partner_id(user) -> int | None:
    """The partner of a partner user who currently has partner access, else None."""
    if user.is_staff or not audience_for(user).is_partner:
        return None
    membership = membership_for(user)
    return membership.partner_id if membership else None


def partners_for(user) -> QuerySet[Partner]:
    if not user.is_authenticated or not user.is_active:
        return Partner.objects.none()
    if user.is_staff:
        return partners_visible_to(user)
    partner_id = own_partner_id(user)
    if partner_id is None:
        return Partner.objects.none()
    return Partner.objects.filter(pk=partner_id)


def tier_history_for(partner: Partner) -> QuerySet[TierChange]:
    return partner.tier_changes.select_related("tier").order_by(
        "-effective_from", "-id"
    )


def sales_records_for(user) -> QuerySet[SalesRecord]:
    """A partner user's own partner's lines, or what a staff user may see."""
    if not user.is_authenticated or not user.is_active:
        return SalesRecord.objects.none()
    if user.is_staff:
        return sales_visible_to(user)
    partner = partner_with_sales_access(user)
    if partner is None:
        return SalesRecord.objects.none()
    return SalesRecord.objects.filter(partner=partner)


def certification_awards_for(user) -> QuerySet[CertificationAward]:
    """Awards held by the users of the partners the caller may see.

    A partner user sees their own partner's awards; a staff user needs
    `learning.view_certificationaward` and then sees the awards of the partners
    they may see (an account manager: the partners assigned to them). Each row
    carries its `status` today, computed as the learning app computes it.
    """
    if not user.is_authenticated or not user.is_active:
        return CertificationAward.objects.none()
    if user.is_staff:
        if not user.has_perm("learning.view_certificationaward"):
            return CertificationAward.objects.none()
        awards = CertificationAward.objects.filter(
            partner__in=partners_visible_to(user)
        )
    else:
        partner_id = own_partner_id(user)
        if partner_id is None:
            return CertificationAward.objects.none()
        awards = CertificationAward.objects.filter(partner_id=partner_id)
    return awards.with_status_on(timezone.localdate())
