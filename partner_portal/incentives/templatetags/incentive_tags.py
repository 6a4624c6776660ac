"""Statement figures in templates, worded as `statements.wording` words them."""

from django import template

from partner_portal.partners.ownership import partner_owned

from ..models import Statement
from ..statements import wording

register = template.Library()


@register.filter
def sees_incentives(user):
    """Whether the portal shows this user their partner's incentives (partner admins
    and sales of a partner with access); no query."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return False
    return partner_owned.policy_for(Statement).partner_of(user) is not None


@register.filter
def money(value, currency):
    """`{{ amount|money:"USD" }}`: 1,234.50 USD."""
    return "" if value is None else wording.money(value, currency)


@register.filter
def amount(value):
    """Two decimals, grouped, without a currency (a table whose header names it)."""
    return "" if value is None else wording.amount(value)


@register.filter
def count(value):
    """A whole number, grouped as the active language groups numbers."""
    return wording.count(value)


@register.filter
def percent(value):
    return "" if value is None else wording.percent(value)


@register.filter
def line_rule(line):
    return wording.line_rule(line)


@register.filter
def line_skus(line):
    return wording.line_skus(line)


@register.filter
def line_basis(line, currency):
    return wording.line_basis(line, currency)


@register.filter
def line_rate(line, currency):
    return wording.line_rate(line, currency)


@register.filter
def warning_text(warning):
    return wording.warning_text(warning)


@register.filter
def certification_name(code):
    return wording.certification_name(code)
