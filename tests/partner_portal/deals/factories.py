"""Deals and MDF for tests: a draft registration, an allocation, a request."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from partner_portal.deals.models import FundAllocation
from partner_portal.deals.services.deals import deal_save
from partner_portal.partners.models import Product


def product(name="Firewall"):
    return Product.objects.get_or_create(name=name)[0]


def draft_deal(partner, by=None, *, products=None, **fields):
    """A draft registration of `partner`, with fields a partner would type."""
    values = {
        "customer_name": "ACME, Inc.",
        "customer_domain": "",
        "country": "DE",
        "region": "emea",
        "estimated_value": Decimal("25000.00"),
        "currency": "EUR",
        "expected_close_date": timezone.localdate() + dt.timedelta(days=60),
        **fields,
    }
    return deal_save(partner=partner, by=by, products=products or [product()], **values)


def allocation(partner, amount="10000.00", currency="USD", period="2026-Q4"):
    return FundAllocation.objects.create(
        partner=partner,
        period=period,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 12, 31),
        currency=currency,
        amount=Decimal(amount),
    )
