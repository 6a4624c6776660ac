"""The portal's MDF pages in templates: who sees them, and a balance as a bar."""

from django import template
from django.utils.translation import gettext as _

from partner_portal.partners.ownership import partner_owned

from ..models import FundRequest

register = template.Library()


@register.filter
def sees_mdf(user):
    """Whether the portal shows this user their partner's marketing funds (partner
    admins and marketing of a partner with access); no query."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    return partner_owned.policy_for(FundRequest).partner_of(user) is not None


@register.inclusion_tag("portal/mdf/includes/bar.html")
def balance_bar(balance):
    """The allocated amount as one bar, left to right: paid, claimed and not paid
    yet, approved and not claimed yet, expired, remaining. The exact figures are
    next to it on the page; the bar only shows their proportions."""
    parts = [
        ("paid", _("Paid"), balance.paid),
        ("claimed", _("Claimed, not paid yet"), balance.claimed - balance.paid),
        ("approved", _("Approved, not claimed yet"), balance.unclaimed),
        ("expired", _("Expired"), balance.expired),
        ("remaining", _("Remaining"), balance.remaining),
    ]
    segments, start = [], 0.0
    if balance.allocated > 0:
        for key, label, amount in parts:
            if amount <= 0:
                continue
            width = float(amount / balance.allocated) * 100
            # SVG coordinates: a dot for decimals whatever the language.
            segments.append(
                {
                    "key": key,
                    "label": label,
                    "x": f"{start:.3f}",
                    "width": f"{width:.3f}",
                }
            )
            start += width
    return {"segments": segments}
