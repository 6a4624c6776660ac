"""Analytics reads go to the replica alias when ANALYTICS_DATABASE_URL configures one.

The test adds an `analytics` alias pointing at the same test database server (a
replica copies its primary) and watches which connection each query runs on. The
replica's own connection does not see this test's uncommitted rows, as a real
replica would not see them before they replicate: the test asserts where queries go.
"""

from django.db import connections
from django.test.utils import CaptureQueriesContext

import pytest

from partner_portal.analytics import sections
from partner_portal.analytics.router import ALIAS, analytics_reads
from partner_portal.analytics.scope import DashboardFilters
from partner_portal.partners.models import Partner
from tests.factories import PartnerFactory

from .conftest import PERIOD, staff

SALES_TABLE = '"incentives_salesrecord"'


@pytest.fixture
def replica(db, settings):
    primary = connections["default"]
    copy = dict(primary.settings_dict)
    settings.DATABASES = {**settings.DATABASES, ALIAS: copy}
    connection = type(primary)(copy, alias=ALIAS)
    connections[ALIAS] = connection
    yield connection
    connection.close()
    del connections[ALIAS]


def scope_of(user):
    form = DashboardFilters(PERIOD, user=user)
    assert form.is_valid()
    return form.scope()


def test_the_dashboard_reads_from_the_replica_and_writes_stay_on_the_primary(replica):
    scope = scope_of(staff("pm", "view_partner", "view_salesrecord"))

    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
        analytics_reads(),
    ):
        sections.build(scope, only="revenue")
        PartnerFactory(name="Written inside")

    assert any(SALES_TABLE in q["sql"] for q in on_replica)
    assert not any(SALES_TABLE in q["sql"] for q in on_primary)
    assert not any(q["sql"].startswith("INSERT") for q in on_replica)
    assert Partner.objects.filter(name="Written inside").exists()


def test_outside_analytics_and_without_the_setting_reads_stay_on_the_primary(
    db, settings
):
    assert ALIAS not in settings.DATABASES
    scope = scope_of(staff("pm", "view_partner", "view_salesrecord"))

    with CaptureQueriesContext(connections["default"]) as on_primary, analytics_reads():
        sections.build(scope, only="revenue")

    assert any(SALES_TABLE in q["sql"] for q in on_primary)
