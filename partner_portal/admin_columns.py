"""Admin list columns that read as words, not field dumps.

Wagtail's list columns print a boolean as "True"/"False" (or an icon titled so); a
member of staff reads "Flagged" or "Required" instead, and "—" where nothing is to say.
"""

from wagtail.admin.ui.tables import Column

# Shown where there is nothing to say: a symbol, the same in every language.
EMPTY = "—"


class WordColumn(Column):
    """A yes/no value as an icon and a word: `yes` (with `icon`) when true, `no`
    when false, "—" when unknown."""

    cell_template_name = "admin_columns/word_cell.html"

    def __init__(self, name, *, yes, no=EMPTY, icon="check", **kwargs):
        super().__init__(name, **kwargs)
        self.yes = yes
        self.no = no
        self.icon = icon

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        value = context["value"]
        context["word"] = EMPTY if value is None else self.yes if value else self.no
        context["truthy"] = bool(value)
        return context
