"""The dashboard's sections: each a function of a `Scope` that returns a `Section`
of headline figures, charts (`partner_portal.charts`: each with its exact figures in a
table) and tables, or None when the user may not see its source at all.

Every figure is one SQL aggregate or a few over the scope's partners and period,
so the number of queries does not grow with the number of partners.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from partner_portal.charts import Chart

from ..scope import Scope


@dataclass(frozen=True)
class Figure:
    """A headline number: "Revenue 1,234,500.00 CNY, +12% on a year before"."""

    label: str
    value: Decimal | int | None  # None: nothing to measure ("—")
    value_format: str = "number"  # as Chart.value_format
    currency: str = ""
    note: str = ""


@dataclass(frozen=True)
class Table:
    id: str
    title: str
    header: Sequence[str]
    rows: Sequence[Sequence]
    caption: str = ""

    def table(self) -> tuple[list[str], list[list]]:
        return list(self.header), [list(row) for row in self.rows]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    figures: Sequence[Figure] = ()
    charts: Sequence[Chart] = ()
    tables: Sequence[Table] = ()
    # Shown instead of charts and tables when there is nothing in the period.
    empty: str = ""
    notes: Sequence[str] = field(default=())

    def exportable(self, export_id: str) -> Chart | Table | None:
        for item in (*self.charts, *self.tables):
            if item.id == export_id:
                return item
        return None


SectionBuilder = Callable[[Scope], Section | None]


def builders() -> list[tuple[str, SectionBuilder]]:
    """(section id, builder) in the order the dashboard shows them."""
    from . import content, deals, funnel, incentives, revenue, support, training

    return [
        ("revenue", revenue.section),
        ("funnel", funnel.section),
        ("training", training.section),
        ("content", content.section),
        ("deals", deals.section),
        ("incentives", incentives.section),
        ("support", support.section),
    ]


def build(scope: Scope, only: str | None = None) -> list[Section]:
    """The sections the user may see; with `only`, just that one (an export)."""
    sections = []
    for section_id, builder in builders():
        if only is not None and section_id != only:
            continue
        section = builder(scope)
        if section is not None:
            sections.append(section)
    return sections
