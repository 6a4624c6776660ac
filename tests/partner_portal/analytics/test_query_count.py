"""The dashboard's query count does not grow with the number of partners: every
figure is an aggregate over all the partners in scope."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PartnerFactory, SalesRecordFactory, StaffFactory, tier

QUARTER = {"kind": "quarter", "label": "2026-Q3"}
TIERS = ("registered", "silver", "gold", "platinum")
REGIONS = ("amer", "emea", "apac", "greater_china")


def add_partners(count, start):
    for n in range(start, start + count):
        partner = PartnerFactory(tier=tier(TIERS[n % 4]), region=REGIONS[n % 4])
        SalesRecordFactory(
            partner=partner,
            date=dt.date(2026, 7 + n % 3, 1 + n % 28),
            sku=f"FAM{n % 3}-X",
            currency="USD" if n % 2 else "CNY",
        )


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("analytics_dashboard"), QUARTER)
    assert response.status_code == 200
    return len(queries)


def test_the_dashboard_costs_as_many_queries_for_100_partners_as_for_10(client, db):
    client.force_login(StaffFactory(is_superuser=True))
    add_partners(10, 0)
    dashboard_queries(client)  # content types and other per-process caches
    with_10 = dashboard_queries(client)

    add_partners(90, 10)
    with_100 = dashboard_queries(client)

    assert with_100 == with_10
