"""Statement runs: compute a program's period and store what it found.

`statements_run()` is the one writer, called by `manage.py run_statements`, the
admin and the worker. It holds the sales import's lock while it reads, so the
ledger cannot change under it and the watermark it stores names exactly what it
read. For each partner the calculation found (or that already has a statement):

- no statement yet: a draft;
- a draft: its lines are replaced (identical when the data did not change);
- approved, issued or paid: never touched. If the figures differ from what those
  statements and their adjustments add up to, the differences line by line go into
  an adjustment statement (draft, replaced by the next run until it is approved).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Statement, StatementEvent, StatementLine
from ..periods import program_period
from ..services import merge
from .bulk import bulk_insert, bulk_update
from .calculation import ComputedLine, ComputedStatement, calculate
from .sources import line_sources_total

ZERO = Decimal(0)


@dataclass
class RunReport:
    program: str
    period: str
    created: int = 0
    replaced: int = 0
    removed: int = 0
    adjustments: int = 0
    unchanged: int = 0
    total_by_currency: dict = field(default_factory=dict)


def _line_rows(statement, computed: Iterable[ComputedLine], watermark) -> list:
    return [
        StatementLine(
            statement=statement,
            number=number,
            rule_type=line.rule_type,
            rule_position=line.rule_position,
            sku=line.sku,
            skus=list(line.skus),
            basis_kind=line.basis_kind,
            basis=line.basis,
            rate=line.rate,
            unit_amount=line.unit_amount,
            amount=line.amount,
            source_count=line.source_count,
            detail=line.detail,
            ledger_now=watermark if line.source_count else None,
        )
        for number, line in enumerate(computed, start=1)
    ]


def _store(statement, lines: list[StatementLine], action, by) -> None:
    statement.total = sum((line.amount for line in lines), ZERO)
    statement.save()
    statement.lines.all().delete()
    StatementLine.objects.bulk_create(lines)
    StatementEvent.objects.create(statement=statement, action=action, by=by)


def _settled(statements: list[Statement]) -> dict[tuple, dict]:
    """Per line key, what the approved, issued or paid statements add up to, and the
    last ledger watermark that counted that key's sales lines."""
    settled: dict[tuple, dict] = defaultdict(
        lambda: {"basis": ZERO, "amount": ZERO, "watermark": None, "line": None}
    )
    for statement in statements:
        for line in statement.lines.exclude(rule_type=StatementLine.CORRECTION):
            entry = settled[line.key]
            entry["basis"] += line.basis
            entry["amount"] += line.amount
            entry["line"] = line
            if line.ledger_now is not None or line.ledger_before is not None:
                entry["watermark"] = line.ledger_now
    return settled


def _differences(settled, computed: ComputedStatement | None, watermark) -> list:
    """The adjustment's lines: new figures less settled ones, per line key."""
    new = {line.key: line for line in computed.lines} if computed else {}
    lines = []
    for key in [*new, *(key for key in settled if key not in new)]:
        line = new.get(key)
        before = settled.get(key)
        basis = (line.basis if line else ZERO) - (before["basis"] if before else ZERO)
        amount = (line.amount if line else ZERO) - (
            before["amount"] if before else ZERO
        )
        if not basis and not amount:
            continue
        template = line or before["line"]
        lines.append(
            StatementLine(
                number=len(lines) + 1,
                rule_type=template.rule_type,
                rule_position=template.rule_position,
                sku=template.sku,
                skus=list(template.skus),
                basis_kind=template.basis_kind,
                basis=basis,
                rate=template.rate,
                unit_amount=template.unit_amount,
                amount=amount,
                detail=template.detail,
                ledger_now=watermark if line and line.source_count else None,
                ledger_before=before["watermark"] if before else None,
            )
        )
    return lines


def _adjust(original, others, computed, period, watermark, by, report) -> None:
    """Write, replace or drop the draft adjustment of a settled statement.

    Agreed corrections (from disputes) stand apart: a run neither replaces nor
    reverses them."""
    settled_statements = [original, *(s for s in others if not s.is_draft)]
    corrections = set(
        StatementLine.objects.filter(
            statement__in=others, rule_type=StatementLine.CORRECTION
        ).values_list("statement_id", flat=True)
    )
    draft = next((s for s in others if s.is_draft and s.pk not in corrections), None)
    lines = _differences(_settled(settled_statements), computed, watermark)
    if not lines:
        if draft is not None:
            draft.delete()
            report.removed += 1
        else:
            report.unchanged += 1
        return
    if draft is None:
        draft = Statement(
            partner=original.partner,
            program=original.program,
            period=period.label,
            period_start=period.first,
            period_end=period.last,
            kind=Statement.Kind.ADJUSTMENT,
            sequence=max(s.sequence for s in [original, *others]) + 1,
            currency=original.currency,
        )
        action = StatementEvent.Action.COMPUTED
    else:
        action = StatementEvent.Action.RECOMPUTED
    draft.tier = computed.tier if computed else original.tier
    draft.warnings = computed.warnings if computed else []
    draft.ledger_watermark = watermark
    draft.computed_at = timezone.now()
    for line in lines:
        line.statement = draft
    _store(draft, lines, action, by)
    stored = list(draft.lines.all())
    for line in stored:
        line.source_count = line_sources_total(line)[0]
    StatementLine.objects.bulk_update(stored, ["source_count"])
    report.adjustments += 1


def statements_run(
    *,
    program,
    period_label: str,
    by=None,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Compute `program` for the period `period_label` and store the statements.

    Raises `periods.PeriodError` for a label that names no period of the program.
    `progress(done, total)` is told after each partner. Drafts are written in bulk
    (a few queries for any number of partners); only adjustments, which are rare,
    are written partner by partner.
    """
    period = program_period(program, period_label)
    report = RunReport(program=program.code, period=period.label)
    with transaction.atomic():
        merge.lock()
        calculation = calculate(program, period)
        watermark = calculation.watermark
        existing = defaultdict(list)
        for statement in Statement.objects.filter(
            program=program, period=period.label
        ).order_by("sequence"):
            existing[statement.partner_id].append(statement)
        computed_by_partner = {c.partner_id: c for c in calculation.statements}
        partners = sorted({*computed_by_partner, *existing})
        drafts, removed = [], []
        for done, partner_id in enumerate(partners, start=1):
            computed = computed_by_partner.get(partner_id)
            statements = existing.get(partner_id, [])
            original = statements[0] if statements else None
            if original is not None and not original.is_draft:
                _adjust(
                    original, statements[1:], computed, period, watermark, by, report
                )
            elif computed is None:
                removed.append(original.pk)
            else:
                drafts.append((original, computed))
            if progress is not None:
                progress(done, len(partners))
        _write_drafts(program, period, drafts, watermark, by, report)
        if removed:
            Statement.objects.filter(pk__in=removed).delete()
            report.removed = len(removed)
        for computed in calculation.statements:
            currency_total = report.total_by_currency.setdefault(program.currency, ZERO)
            report.total_by_currency[program.currency] = currency_total + computed.total
    return report


_DRAFT_FIELDS = [
    "period_start",
    "period_end",
    "tier",
    "warnings",
    "ledger_watermark",
    "computed_at",
    "total",
    "updated_at",
]


def _write_drafts(program, period, drafts, watermark, by, report) -> None:
    """New drafts, and drafts replaced, with their lines and history, in bulk."""
    now = timezone.now()
    new, replaced, written = [], [], []
    for draft, computed in drafts:
        if draft is None:
            draft = Statement(
                partner_id=computed.partner_id,
                program=program,
                period=period.label,
                currency=program.currency,
            )
            new.append(draft)
            action = StatementEvent.Action.COMPUTED
        else:
            replaced.append(draft)
            action = StatementEvent.Action.RECOMPUTED
        draft.period_start, draft.period_end = period.first, period.last
        draft.tier = computed.tier
        draft.warnings = computed.warnings
        draft.ledger_watermark = watermark
        draft.computed_at = draft.updated_at = now
        draft.total = computed.total
        written.append((draft, computed, action))
    bulk_insert(Statement, new)
    bulk_update(Statement, replaced, _DRAFT_FIELDS)
    StatementLine.objects.filter(statement__in=replaced).delete()
    bulk_insert(
        StatementLine,
        [
            line
            for statement, computed, _action in written
            for line in _line_rows(statement, computed.lines, watermark)
        ],
        keys=False,
    )
    bulk_insert(
        StatementEvent,
        [
            StatementEvent(statement=statement, action=action, by=by, at=now)
            for statement, _computed, action in written
        ],
        keys=False,
    )
    report.created += len(new)
    report.replaced += len(replaced)
