"""The sales part of the demo data set: a year of lines for the demo partners.

Loaded through the sales import itself, with dates counted back from the day of
seeding so that the trailing-12-month figures always show something.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from partner_portal.partners.models import Partner

from .models import SalesRecord, SalesSource
from .services import sales_import_rows

# Demo staff groups (partners.demo) and what they may do with sales.
GROUP_PERMISSIONS = {
    "Channel account managers": ["view_salesrecord"],
    "Program managers": ["view_salesrecord", "import_salesrecord", "view_salessource"],
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


@transaction.atomic
def seed_sales(*, stdout):
    _grant_group_permissions()
    if SalesRecord.objects.exists():
        stdout.write("Sales: the ledger has lines already; no demo sales added.")
        return
    partners = Partner.objects.filter(external_id__startswith="P-").order_by(
        "external_id"
    )
    result = sales_import_rows(
        rows=demo_rows(list(partners), timezone.localdate()),
        name="Demo sales",
        kind=SalesSource.Kind.DEMO,
    )
    if not result.ok:
        problems = result.file_error or result.sorted_errors()[:3]
        raise RuntimeError(f"The demo sales do not import: {problems}")
    stdout.write(f"Sales: {result.created} demo lines imported.")
