"""What a sales import reports: the columns it reads, and what it did or would do.

Every stage of the load (see the package's docstring) fills in one
`SalesImportResult`; the admin, the command and the API render it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy

from partner_portal.tabular.reading import ImportErrors, RowError

from ..models import SalesSource

COLUMNS = (
    "invoice_number",
    "line_number",
    "partner_external_id",
    "date",
    "sku",
    "quantity",
    "amount",
    "currency",
)


class Outcome(models.TextChoices):
    CREATE = "create", gettext_lazy("New line")
    UPDATE = "update", gettext_lazy("Changes an existing line")
    UNCHANGED = "unchanged", gettext_lazy("Same as the existing line")


@dataclass(frozen=True)
class RowOutcome:
    """What loading one row does, as a dry run reports it."""

    row: int
    invoice_number: str
    line_number: int
    partner_external_id: str
    date: str
    sku: str
    quantity: int
    amount: Decimal
    currency: str
    outcome: str
    changed: tuple[str, ...] = ()

    def get_outcome_display(self):
        return Outcome(self.outcome).label


@dataclass
class SalesImportResult:
    """What an import did, or would do; `source` is set once something is written."""

    name: str
    dry_run: bool
    errors: ImportErrors
    file_error: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)
    source: SalesSource | None = None
    # The codec a CSV file was read in; None for a workbook or rows.
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    @property
    def unlisted_rows(self) -> int:
        """The rows a dry run counted without describing them (past PREVIEW_ROWS)."""
        return self.rows - len(self.outcomes)

    def sorted_errors(self) -> list[RowError]:
        """The kept row errors by row, then in the order of the columns."""
        order = {name: index for index, name in enumerate(COLUMNS)}
        return sorted(
            self.errors.errors, key=lambda e: (e.row, order.get(e.column, -1))
        )
