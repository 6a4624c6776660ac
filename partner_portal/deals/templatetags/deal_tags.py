"""How the portal's deal pages and the registrant's emails word a registration, as
`deals.wording` words it."""

from django import template

from partner_portal.incentives.statements import wording as incentive_wording
from partner_portal.partners.ownership import partner_owned
from partner_portal.partners.wording import name_in_language

from .. import wording
from ..models import Deal

register = template.Library()


@register.filter
def sees_deals(user):
    """Whether the portal shows this user their partner's deal registrations
    (partner admins and sales of a partner with access); no query."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    return partner_owned.policy_for(Deal).partner_of(user) is not None


@register.filter
def money(value, currency):
    """`{{ amount|money:"USD" }}`: 1,234.50 USD."""
    return "" if value is None else incentive_wording.money(value, currency)


@register.filter
def product_label(product):
    return name_in_language(product)


@register.filter
def product_list(products):
    """The products' names in the active language, as one list."""
    return wording.product_list(products)


@register.filter
def lost_reason_label(reason):
    return "" if reason is None else name_in_language(reason)


@register.filter
def country_label(code):
    return wording.country_name(code)


@register.filter
def days_left(day):
    return wording.days_left(day)


@register.filter
def protection_left(day):
    return wording.protection_left(day)


@register.filter
def event_by(event, viewer):
    return wording.event_by(event, viewer)
