"""How the portal and the emails name a ticket's category and product."""

from django.utils.translation import get_language


def name_in_language(item) -> str:
    """A category's or product's name in the active language (its Chinese name on
    Chinese pages, when it has one)."""
    if item is None:
        return ""
    if get_language() == "zh-hans" and item.name_zh:
        return item.name_zh
    return item.name
