"""A small channel whose figures are computed by hand in the tests.

Two partners in 2026-Q3:
- Alpha (Greater China, reseller, assigned to the account manager `cam`): silver
  until it is promoted to gold on 1 August 2026. CLOUD-PRO 1,000.00 CNY on 10 July
  (silver), CLOUD-STD 500.00 CNY on 5 August and a return of CLOUD-PRO -200.00 CNY on
  20 August (gold); CLOUD-PRO 400.00 CNY on 10 July 2025, a year before.
- Beta (EMEA, distributor, no account manager): silver throughout. SUPPORT-24
  300.00 USD on 15 July and 100.00 CNY on 1 September.
"""

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import Permission

import pytest

from partner_portal.partners.models import PartnerType, TierChange
from tests.factories import PartnerFactory, SalesRecordFactory, StaffFactory, tier

PERIOD = {"kind": "quarter", "label": "2026-Q3"}


def staff(username, *codenames):
    user = StaffFactory(username=username)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", *codenames])
    )
    return user


def sale(partner, day, sku, amount, currency):
    return SalesRecordFactory(
        partner=partner, date=day, sku=sku, amount=amount, currency=currency
    )


@pytest.fixture
def channel(db):
    pm = staff("pm", "view_partner", "view_salesrecord")
    cam = staff("cam", "view_salesrecord")
    alpha = PartnerFactory(
        name="Alpha",
        region="greater_china",
        partner_type=PartnerType.RESELLER,
        tier=tier("gold"),
        account_manager=cam,
    )
    beta = PartnerFactory(
        name="Beta",
        region="emea",
        partner_type=PartnerType.DISTRIBUTOR,
        tier=tier("silver"),
    )
    TierChange.objects.filter(partner__in=[alpha, beta]).delete()
    TierChange.objects.create(
        partner=alpha, tier=tier("silver"), effective_from=dt.date(2025, 1, 1)
    )
    TierChange.objects.create(
        partner=alpha, tier=tier("gold"), effective_from=dt.date(2026, 8, 1)
    )
    sale(alpha, dt.date(2026, 7, 10), "CLOUD-PRO", "1000.00", "CNY")
    sale(alpha, dt.date(2026, 8, 5), "CLOUD-STD", "500.00", "CNY")
    sale(alpha, dt.date(2026, 8, 20), "CLOUD-PRO", "-200.00", "CNY")
    sale(alpha, dt.date(2025, 7, 10), "CLOUD-PRO", "400.00", "CNY")
    sale(beta, dt.date(2026, 7, 15), "SUPPORT-24", "300.00", "USD")
    sale(beta, dt.date(2026, 9, 1), "SUPPORT-24", "100.00", "CNY")
    return SimpleNamespace(pm=pm, cam=cam, alpha=alpha, beta=beta)
