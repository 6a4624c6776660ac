"""How records and people are named to their reader, in the reader's language.

Two conventions live here and nowhere else: a record that carries an English and a
Chinese name (`name` / `name_zh`) shows the one of the page's language, and a
person's name follows the order of the name's own culture: a Chinese name family
name first without a space (李伟), a Western name given name first (Wei Li).
"""

import re

from django.utils.translation import get_language

# CJK ideographs (basic block and extension A) and the compatibility block: a name
# written with any of them is a Chinese (or Japanese) name, family name first.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_chinese_page() -> bool:
    """Whether the active language is Chinese."""
    return (get_language() or "").lower().startswith("zh")


def name_in_language(item) -> str:
    """An item's `name` in the active language: its `name_zh` on Chinese pages when
    it has one (a product, a tier, a specialisation, a reason a deal was lost)."""
    if item is None:
        return ""
    if is_chinese_page() and item.name_zh:
        return item.name_zh
    return item.name


def has_cjk(text: str) -> bool:
    """Whether a text holds a Chinese character."""
    return bool(_CJK.search(text or ""))


def person_name(given: str, family: str) -> str:
    """A person's full name in the order of the name's culture: 李伟 for given 伟 and
    family 李, "Wei Li" for given Wei and family Li, whatever the page's language."""
    given, family = (given or "").strip(), (family or "").strip()
    if has_cjk(given) or has_cjk(family):
        return f"{family}{given}"
    return f"{given} {family}".strip()


def family_name_first(form, given: str, family: str) -> None:
    """Put a form's family-name field before its given-name field on Chinese pages,
    where a form asks for 姓 then 名."""
    if not is_chinese_page():
        return
    order = list(form.fields)
    order.remove(family)
    order.insert(order.index(given), family)
    form.order_fields(order)
