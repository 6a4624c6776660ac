from django import template

from partner_portal.partners.access import audience_for

register = template.Library()


@register.filter
def sees_sales(user):
    """Whether the portal shows this user their partner's sales: partner users only.

    Asks the access rule, whose answer is kept on the user for the request.
    """
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    return audience_for(user).is_partner
