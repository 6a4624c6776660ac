"""Creating, updating and exporting programs by code."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from partner_portal.partners.models import Tier

from .. import rules as r
from ..models import Program
from .checks import check_programs


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def programs_load(*, data: list, dry_run: bool = False) -> LoadReport:
    """Create or update the file's programs by code, all or none."""
    report = LoadReport()
    programs = check_programs(data)
    with transaction.atomic():
        for fields in programs:
            existing = Program.objects.filter(code=fields["code"]).first()
            program = existing or Program(code=fields["code"])
            before = program_to_file(existing) if existing else None
            for name in (
                "name",
                "kind",
                "currency",
                "start",
                "end",
                "period",
                "cap_per_period",
            ):
                setattr(program, name, fields[name])
            program.rules = fields["rules"]
            program.full_clean(exclude=["eligible_tiers"])
            program.save()
            program.eligible_tiers.set(
                Tier.objects.filter(code__in=fields["eligible_tiers"])
            )
            after = program_to_file(Program.objects.get(pk=program.pk))
            if before is None:
                report.created.append(program.code)
            elif before == after:
                report.unchanged.append(program.code)
            else:
                report.updated.append(program.code)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _number(value: Decimal) -> str:
    """A rate or a unit amount without trailing zeros: 2.5, 12.3456, 100."""
    return format(value.normalize(), "f")


def _money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _rule_to_file(rule) -> dict:
    if isinstance(rule, r.PercentOfRevenue):
        return {
            "type": rule.type,
            "rates": {t: _number(p) for t, p in rule.rates.items()},
            "skus": list(rule.skus),
        }
    if isinstance(rule, r.VolumeBands):
        return {
            "type": rule.type,
            "mode": rule.mode,
            "bands": [
                {"from": _money(b.start), "rate": _number(b.percent)}
                for b in rule.bands
            ],
            "skus": list(rule.skus),
        }
    if isinstance(rule, r.PerUnit):
        return {
            "type": rule.type,
            "amounts": {s: _number(a) for s, a in rule.amounts.items()},
        }
    return {
        "type": rule.type,
        "certification": rule.certification,
        "min_certified_users": rule.min_certified_users,
        "amount": _money(rule.amount),
    }


def program_to_file(program: Program) -> dict:
    """The program as a file holds it: what `load_programs` reads back unchanged."""
    return {
        "code": program.code,
        "name": program.name,
        "kind": program.kind,
        "currency": program.currency,
        "start": program.start.isoformat(),
        "end": program.end.isoformat(),
        "period": program.period,
        # Through .all(), so a list that prefetched the tiers asks nothing more.
        "eligible_tiers": sorted(tier.code for tier in program.eligible_tiers.all()),
        "rules": [_rule_to_file(rule) for rule in program.rule_list()],
        "cap_per_period": None
        if program.cap_per_period is None
        else _money(program.cap_per_period),
    }
