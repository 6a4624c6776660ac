"""Programs, sales and certificates for the statement tests, through the services
users reach them by: programs from file data, sales through the sales import."""

import datetime
import itertools
from decimal import Decimal

from learning.models import Certification, CertificationAward
from partner_portal.incentives.models import Program, Statement
from partner_portal.incentives.program_files import programs_load
from partner_portal.incentives.services import sales_import_rows
from partner_portal.incentives.statements.runs import statements_run
from partner_portal.partners.models import TierChange
from tests.factories import MembershipFactory, PartnerFactory, tier

_invoices = itertools.count(1)


def make_program(rules, **fields):
    data = {
        "code": "rebate",
        "name": "Rebate",
        "kind": "rebate",
        "currency": "USD",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "period": "quarter",
        "eligible_tiers": ["registered", "silver", "gold", "platinum"],
        "rules": rules,
        **fields,
    }
    programs_load(data=[data])
    return Program.objects.get(code=data["code"])


def partner_in(tier_code, since="2025-01-01", **fields):
    partner = PartnerFactory(tier=tier(tier_code), **fields)
    TierChange.objects.create(
        partner=partner,
        tier=tier(tier_code),
        effective_from=datetime.date.fromisoformat(since),
    )
    return partner


def sell(partner, *lines, currency="USD"):
    """Import lines (date, sku, quantity, amount); returns their invoice numbers."""
    rows, invoices = [], []
    for number, line in enumerate(lines, start=1):
        date, sku, quantity, amount, *rest = line
        invoice = f"T-{next(_invoices):06d}"
        invoices.append(invoice)
        rows.append(
            (
                number,
                {
                    "invoice_number": invoice,
                    "line_number": "1",
                    "partner_external_id": partner.external_id,
                    "date": date,
                    "sku": sku,
                    "quantity": str(quantity),
                    "amount": str(amount),
                    "currency": rest[0] if rest else currency,
                },
            )
        )
    result = sales_import_rows(rows=rows, name="test sales")
    assert not result.errors, result.errors
    return invoices


def change_line(partner, invoice, date, sku, quantity, amount, currency="USD"):
    """Import a new version of an existing sales line."""
    result = sales_import_rows(
        rows=[
            (
                1,
                {
                    "invoice_number": invoice,
                    "line_number": "1",
                    "partner_external_id": partner.external_id,
                    "date": date,
                    "sku": sku,
                    "quantity": str(quantity),
                    "amount": str(amount),
                    "currency": currency,
                },
            )
        ],
        name="correction",
    )
    assert not result.errors, result.errors


def certify(partner, code, *, issued="2025-06-01", expires="2027-06-01", users=1):
    certification, _ = Certification.objects.get_or_create(
        code=code, defaults={"name": code.title()}
    )
    for _n in range(users):
        user = MembershipFactory(partner=partner).user
        CertificationAward.objects.create(
            certification=certification,
            user=user,
            partner=partner,
            issued_at=datetime.date.fromisoformat(issued),
            expires_at=datetime.date.fromisoformat(expires),
        )
    return certification


def run(program, period="2026-Q1"):
    return statements_run(program=program, period_label=period)


def statement_of(partner, program, period="2026-Q1", sequence=0):
    return Statement.objects.filter(
        partner=partner, program=program, period=period, sequence=sequence
    ).first()


def amounts(statement):
    return [
        (line.rule_type, line.sku, line.basis, line.amount)
        for line in statement.lines.order_by("number")
    ]


D = Decimal
