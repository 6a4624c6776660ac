"""How the admin's deal pages word products and amounts."""

from django import template

from ..wording import product_name, value_with_currency

register = template.Library()


@register.filter
def product_label(product) -> str:
    return product_name(product)


@register.filter
def money(value, currency) -> str:
    return value_with_currency(value, currency)
