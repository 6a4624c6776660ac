"""The incentives part of the demo data set: a year of sales for the demo partners,
two programs and their issued statements.

Loaded through the sales import itself, with dates counted back from the day of
seeding so that the trailing-12-month figures always show something. The peer
partners (partners.demo) sell about their demo annual revenue; the partners
recruited from demo applications make their first sale so many days after they
became active, and sell monthly from then on.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from learning.selectors import certification_choices
from partner_portal.partners.demo import peer_partners, recruited_partners
from partner_portal.partners.models import Partner

from .models import Program, SalesRecord, SalesSource, Statement
from .periods import closed_periods
from .program_files import programs_load
from .services import sales_import_rows
from .statements.lifecycle import statement_approve, statement_issue, statement_pay
from .statements.runs import statements_run

# Demo staff groups (partners.demo) and what they may do with sales.
GROUP_PERMISSIONS = {
    "Channel account managers": [
        "view_salesrecord",
        "view_program",
        "view_statement",
        "view_dispute",
        "resolve_dispute",
    ],
    "Program managers": [
        "view_salesrecord",
        "import_salesrecord",
        "view_salessource",
        "view_program",
        "add_program",
        "change_program",
        "view_statement",
        "change_statement",
        "approve_statement",
        "issue_statement",
        "pay_statement",
        "view_dispute",
        "resolve_dispute",
    ],
}
SKUS = [("CLOUD-STD", 1200), ("CLOUD-PRO", 4800), ("SUPPORT-24", 950)]
CURRENCY = {"CN": "CNY"}


def _grant_group_permissions():
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="incentives", codename__in=codenames
                )
            )


def demo_rows(partners, today):
    """Monthly invoices for each partner over the past year, and one return."""
    number = 1
    for index, partner in enumerate(partners):
        currency = CURRENCY.get(partner.country, "USD")
        for month in range(12):
            date = today - datetime.timedelta(days=15 + 30 * month)
            invoice = f"DEMO-{partner.external_id}-{date:%Y%m}"
            for line, (sku, price) in enumerate(SKUS, start=1):
                quantity = 1 + (index + month + line) % 4
                yield (
                    number,
                    {
                        "invoice_number": invoice,
                        "line_number": str(line),
                        "partner_external_id": partner.external_id,
                        "date": date.isoformat(),
                        "sku": sku,
                        "quantity": str(quantity),
                        "amount": f"{quantity * price * (index + 1)}.00",
                        "currency": currency,
                    },
                )
                number += 1
        yield (
            number,
            {
                "invoice_number": f"DEMO-{partner.external_id}-CREDIT",
                "line_number": "1",
                "partner_external_id": partner.external_id,
                "date": (today - datetime.timedelta(days=40)).isoformat(),
                "sku": SKUS[0][0],
                "quantity": "-1",
                "amount": f"-{SKUS[0][1] * (index + 1)}.00",
                "currency": currency,
            },
        )
        number += 1


def _invoice(partner, date, lines):
    """The rows of one demo invoice: `lines` are (sku, quantity, amount)."""
    return [
        {
            "invoice_number": f"DEMO-{partner.external_id}-{date:%Y%m%d}",
            "line_number": str(number),
            "partner_external_id": partner.external_id,
            "date": date.isoformat(),
            "sku": sku,
            "quantity": str(quantity),
            "amount": f"{amount:.2f}",
            "currency": CURRENCY.get(partner.country, "USD"),
        }
        for number, (sku, quantity, amount) in enumerate(lines, start=1)
    ]


def peer_rows(today):
    """A year of monthly invoices of each peer partner, summing to about its
    annual revenue; the trend tilts the months (a positive one: the later higher)."""
    rows = []
    for partner, annual, trend in peer_partners():
        base = annual / 12
        for month in range(12):
            date = today - datetime.timedelta(days=15 + 30 * month)
            amount = base * (1 + trend * (Decimal("5.5") - month) / Decimal("5.5"))
            cloud = (amount * Decimal("0.7")).quantize(Decimal("0.01"))
            support = (amount - cloud).quantize(Decimal("0.01"))
            rows += _invoice(
                partner,
                date,
                [
                    ("CLOUD-PRO", max(1, round(cloud / SKUS[1][1])), cloud),
                    ("SUPPORT-24", max(1, round(support / SKUS[2][1])), support),
                ],
            )
    return rows


def first_sales_rows(today):
    """Invoices of the recruited partners: the first on the day their demo
    application says, then one every 30 days up to today."""
    rows = []
    for partner, active_at, row in recruited_partners():
        days = row.get("first_sale_days")
        if days is None:
            continue
        date = timezone.localdate(active_at) + datetime.timedelta(days=days)
        quantity = 2
        while date <= today:
            rows += _invoice(
                partner,
                date,
                [
                    ("CLOUD-STD", quantity, SKUS[0][1] * quantity),
                    ("SUPPORT-24", 1, SKUS[2][1]),
                ],
            )
            date += datetime.timedelta(days=30)
            quantity = quantity % 4 + 1
    return rows


@transaction.atomic
def seed_sales(*, stdout):
    _grant_group_permissions()
    if SalesRecord.objects.exists():
        stdout.write("Sales: the ledger has lines already; no demo sales added.")
        return
    partners = Partner.objects.filter(external_id__startswith="P-").order_by(
        "external_id"
    )
    today = timezone.localdate()
    rows = [row for _number, row in demo_rows(list(partners), today)]
    rows += peer_rows(today) + first_sales_rows(today)
    result = sales_import_rows(
        rows=enumerate(rows, start=1),
        name="Demo sales",
        kind=SalesSource.Kind.DEMO,
    )
    if not result.ok:
        problems = result.file_error or result.sorted_errors()[:3]
        raise RuntimeError(f"The demo sales do not import: {problems}")
    stdout.write(f"Sales: {result.created} demo lines imported.")


def demo_programs(today) -> list[dict]:
    """A quarterly rebate with all four rule types, and a monthly SPIFF in CNY."""
    start = datetime.date(today.year - 1, 1, 1).isoformat()
    end = datetime.date(today.year + 1, 12, 31).isoformat()
    return [
        {
            "code": "growth-rebate",
            "name": "Growth rebate",
            "kind": "rebate",
            "currency": "USD",
            "start": start,
            "end": end,
            "period": "quarter",
            "eligible_tiers": ["registered", "silver", "gold", "platinum"],
            "rules": [
                {
                    "type": "percent_of_revenue",
                    "rates": {"silver": "1.5", "gold": "2.5", "platinum": "3.5"},
                },
                {
                    "type": "volume_bands",
                    "mode": "marginal",
                    "bands": [
                        {"from": "0", "rate": "0"},
                        {"from": "20000", "rate": "1"},
                        {"from": "60000", "rate": "2"},
                    ],
                    "skus": ["CLOUD-PRO"],
                },
                {"type": "per_unit", "amounts": {"SUPPORT-24": "15"}},
                {
                    "type": "certification_bonus",
                    "certification": "certified-associate",
                    "min_certified_users": 1,
                    "amount": "500",
                },
            ],
            "cap_per_period": "25000.00",
        },
        {
            "code": "cloud-spiff-cn",
            "name": "云服务冲刺奖励 Cloud SPIFF (China)",
            "kind": "spiff",
            "currency": "CNY",
            "start": start,
            "end": end,
            "period": "month",
            "eligible_tiers": ["registered", "silver", "gold", "platinum"],
            "rules": [{"type": "per_unit", "amounts": {"CLOUD-PRO": "88"}}],
        },
    ]


def seed_statements(*, stdout):
    """Load the demo programs, run their last two closed periods, and issue them
    (the older period also paid), so a new user sees real figures."""
    if Program.objects.exists():
        stdout.write("Incentives: programs exist already; no demo programs added.")
        return
    if not dict(certification_choices()).get("certified-associate"):
        stdout.write("Incentives: no demo certification; no demo programs added.")
        return
    today = timezone.localdate()
    programs_load(data=demo_programs(today))
    issued = 0
    for program in Program.objects.order_by("code"):
        for index, label in enumerate(closed_periods(program, today, 2)):
            statements_run(program=program, period_label=label)
            for statement in Statement.objects.filter(program=program, period=label):
                statement_approve(statement=statement, by=None)
                statement_issue(statement=statement, by=None)
                if index == 1:
                    statement_pay(statement=statement, by=None)
                issued += 1
    stdout.write(f"Incentives: 2 demo programs, {issued} statements issued.")
