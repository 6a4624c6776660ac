"""The sales ledger, incentive programs and the statements they pay out."""

from .ledger import (
    AMOUNT_DIGITS,
    AMOUNT_PLACES,
    CODE_LENGTH,
    BrinOnPostgreSQL,
    SalesImportJob,
    SalesRecord,
    SalesRecordChange,
    SalesRecordQuerySet,
    SalesSource,
)
from .programs import PeriodKind, Program, ProgramKind
from .statements import (
    Dispute,
    DisputeMessage,
    Statement,
    StatementEvent,
    StatementLine,
    StatementRun,
)

__all__ = [
    "AMOUNT_DIGITS",
    "AMOUNT_PLACES",
    "CODE_LENGTH",
    "BrinOnPostgreSQL",
    "Dispute",
    "DisputeMessage",
    "PeriodKind",
    "Program",
    "ProgramKind",
    "SalesImportJob",
    "SalesRecord",
    "SalesRecordChange",
    "SalesRecordQuerySet",
    "SalesSource",
    "Statement",
    "StatementEvent",
    "StatementLine",
    "StatementRun",
]
