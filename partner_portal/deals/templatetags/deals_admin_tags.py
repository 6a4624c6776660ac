"""How the admin's deal pages word products and amounts."""

from django import template

from partner_portal.incentives.statements import wording as incentive_wording
from partner_portal.partners.wording import name_in_language

register = template.Library()


@register.filter
def product_label(product) -> str:
    return name_in_language(product)


@register.filter
def money(value, currency) -> str:
    return incentive_wording.money(value, currency)
