"""How a record that carries an English and a Chinese name is named to its reader."""

from django.utils.translation import get_language


def name_in_language(item) -> str:
    """An item's `name` in the active language: its `name_zh` on Chinese pages when
    it has one (a product, a category, a reason a deal was lost)."""
    if item is None:
        return ""
    if get_language() == "zh-hans" and item.name_zh:
        return item.name_zh
    return item.name
