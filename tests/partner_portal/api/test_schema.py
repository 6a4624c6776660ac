"""The OpenAPI document is valid, every operation in it works, and a property-based
run of schemathesis over it (in-process, against the WSGI app) finds no 500s."""

import contextlib

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings

import pytest
import schemathesis
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from partner_portal.incentives.models import SalesImportJob
from partner_portal.incentives.services import sales_import_rows
from partner_portal.partners.services import partner_update
from tests.factories import tier
from tests.testapp.models import GatedItem

from .conftest import token_client

pytestmark = pytest.mark.django_db

HIGH_RATES = override_settings(
    REST_FRAMEWORK={
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/min", "address": "100000/min"},
    }
)


def openapi(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in item:
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method


def test_schema_is_valid_openapi_and_lists_only_the_api(world):
    schema = openapi(world.client("anonymous"))
    validate_schema(schema)
    assert set(schema["paths"]) == {
        "/api/v1/certifications/",
        "/api/v1/certifications/{id}/",
        "/api/v1/partners/",
        "/api/v1/partners/{id}/",
        "/api/v1/partners/{id}/tier-history/",
        "/api/v1/sales-records/",
        "/api/v1/sales-records/imports/{id}/",
        "/api/v1/search/",
    }
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def sales_importer(world):
    world.staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="incentives",
            codename__in=["view_salesrecord", "import_salesrecord"],
        )
    )
    return token_client(world.staff)


def test_every_operation_in_the_schema_answers(world, awards, settings):
    # Search answers from the database here (no index under this prefix).
    settings.ELASTICSEARCH_INDEX_PREFIX = "cplms-test-no-index"
    GatedItem.objects.create(title="Schema probe", access_level="public")
    queries = {"/api/v1/search/": {"q": "probe"}}
    partner_update(partner=world.partner_b, by=None, reason="Up", tier=tier("gold"))
    client = sales_importer(world)
    schema = openapi(client)
    bodies = {
        "patch": {"phone": "+49 30 1"},
        "post": [
            {
                "invoice_number": "INV-1",
                "line_number": "1",
                "partner_external_id": "CRM-B",
                "date": "2026-01-31",
                "sku": "SKU-1",
                "quantity": "1",
                "amount": "9.99",
                "currency": "EUR",
            }
        ],
    }
    seeded = sales_import_rows(rows=enumerate(bodies["post"], start=1), name="seed")
    assert seeded.ok
    job = SalesImportJob.objects.create(
        kind="api", name="big.csv", file="big.csv", created_by=world.staff
    )
    exercised = set()
    for path, method in operations(schema):
        owner = awards["b"] if "/certifications/" in path else world.partner_b
        if "/imports/" in path:
            owner = job
        url = path.replace("{id}", str(owner.pk))
        data = queries.get(path, bodies.get(method))
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code in {200, 201}, (method, path, response.content)
        if method == "get" and "results" in response.json():
            assert response.json()["results"], path
        exercised.add((path, method))
    assert exercised == set(operations(schema))


def test_interactive_docs_are_served_locally(world):
    client = world.client("anonymous")
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html
    redoc = client.get("/api/redoc/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in redoc


@contextlib.contextmanager
def connection_kept_open():
    """As Django's test client does: the test's transaction must survive requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@HIGH_RATES
def test_schemathesis_finds_no_server_errors(world, awards):
    client = sales_importer(world)
    auth = {"Authorization": f"Token {client.key}"}
    schema = schemathesis.openapi.from_dict(openapi(client))
    schema.app = get_wsgi_application()
    failures = []
    statuses = set()
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            nonlocal count
            response = case.call(headers=auth)
            count += 1
            statuses.add(response.status_code)
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, response.text))

        with connection_kept_open():
            run()
    assert count > 30
    assert 200 in statuses  # the token worked: generated calls reached the views
    assert failures == []
