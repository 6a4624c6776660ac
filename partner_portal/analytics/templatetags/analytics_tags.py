"""Wording the dashboard's figures and tables for the active language."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

from partner_portal.incentives.statements import wording

register = template.Library()


@register.simple_tag
def figure_value(figure) -> str:
    value = figure.value
    if value is None:
        return "—"
    if figure.value_format == "money":
        return wording.money(value, figure.currency)
    if figure.value_format == "percent":
        return wording.percent(value)
    if figure.value_format == "days":
        return ngettext("%(days)s day", "%(days)s days", value) % {
            "days": number_format(value, force_grouping=True)
        }
    return cell_value(value)


@register.simple_tag
def cell_value(value) -> str:
    """A table cell: grouped numbers with the places their figure has (amounts
    two, a median of days one), "—" for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return wording.count(value)
    if isinstance(value, Decimal):
        return number_format(value, force_grouping=True)
    return str(value)


@register.filter
def is_number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


@register.simple_tag
def export_link(export_url: str, export_id: str, fmt: str) -> str:
    joiner = "&" if "?" in export_url else "?"
    return f"{export_url}{joiner}export={export_id}&format={fmt}"
