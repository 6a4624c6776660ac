"""The OpenAPI document is valid, every operation in it works, and the API keeps
it: schemathesis with all its checks, over every operation, as staff and as a
partner user (in-process, against the WSGI app), finds nothing."""

import contextlib
import csv
import io
import json
import zlib

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.adapter.parameters import ParameterLocation

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
    # Schemathesis' own check of the document, stricter than drf-spectacular's.
    schemathesis.openapi.from_dict(schema).validate()
    assert set(schema["paths"]) == {
        "/api/v1/certifications/",
        "/api/v1/certifications/{id}/",
        "/api/v1/incentive-programs/",
        "/api/v1/incentive-programs/{code}/",
        "/api/v1/incentive-statements/",
        "/api/v1/incentive-statements/{id}/",
        "/api/v1/incentive-statements/{id}/lines/{number}/sources/",
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


def test_every_operation_in_the_schema_answers(world, awards, statements, settings):
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
        if "/incentive-statements/" in path:
            owner = statements["b"]
        url = path.replace("{id}", str(owner.pk)).replace("{number}", "1")
        url = url.replace("{code}", statements["program"].code)
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


def _generated_schema():
    """The document /api/schema/ serves, built without a request."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


# Built at import: schemathesis makes one test of each operation in it. Every
# generation mode, phase (examples, coverage, fuzzing) and check is schemathesis'
# default; a few fuzzed examples per operation keep the run short, and a fixed
# seed makes every run send the same requests.
API_SCHEMA = schemathesis.openapi.from_dict(
    _generated_schema(), config=schemathesis.Config(seed=20260)
)
API_SCHEMA.app = get_wsgi_application()
API_SCHEMA.config.generation.update(max_examples=10)

# Path parameters that name records of the world, by path: those known when the
# coverage phase builds its cases (at collection), and those `caller` creates.
REAL_PARAMETERS = {
    "/api/v1/partners/{id}/": {"id": "ext:CRM-B"},
    "/api/v1/partners/{id}/tier-history/": {"id": "ext:CRM-B"},
    "/api/v1/incentive-programs/{code}/": {"code": "rebate"},
}
CREATED_PARAMETERS = {}
# Operations staff alone may use: a partner user is refused (403).
STAFF_ONLY = {
    ("PATCH", "/api/v1/partners/{id}/"),
    ("POST", "/api/v1/sales-records/"),
    ("GET", "/api/v1/sales-records/imports/{id}/"),
}
SEED_LINE = {
    "invoice_number": "INV-1",
    "line_number": "1",
    "partner_external_id": "CRM-B",
    "date": "2026-01-31",
    "sku": "SKU-1",
    "quantity": "1",
    "amount": "9.99",
    "currency": "EUR",
}


def _sales_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SEED_LINE)
    writer.writerow(SEED_LINE.values())
    return out.getvalue().encode()


@API_SCHEMA.hook
def map_case(context, case):
    """Schema-valid requests that name records which exist, as a client's would.

    A schema cannot say which ids exist, nor which partners a sales line may name
    (the import refuses others, 400), nor what a file holds. So every valid load
    names partner B, numbers its lines (an invoice line may come once) or sends a
    CSV file, and half of the valid cases ask for a real record.
    """
    meta = case.meta
    if meta is None:
        return case
    is_load = (case.method, case.path) == ("POST", "/api/v1/sales-records/")
    if is_load and not meta.is_negative_at(ParameterLocation.BODY):
        if isinstance(case.body, list):
            case.body = [
                row | {"partner_external_id": "CRM-B", "line_number": str(n)}
                for n, row in enumerate(case.body, start=1)
            ]
        elif isinstance(case.body, dict):
            case.body = case.body | {"file": ("sales.csv", _sales_file())}
    real = REAL_PARAMETERS.get(case.path) or CREATED_PARAMETERS.get(case.path)
    if real and not meta.is_negative_at(ParameterLocation.PATH):
        # Half of them, by a digest of the request: the coverage phase varies the
        # body and query under one path value.
        request = repr((case.path_parameters, case.query, case.headers, case.body))
        if zlib.crc32(request.encode()) % 2 == 0:
            case.path_parameters = {**case.path_parameters, **real}
    return case


@pytest.fixture(params=["staff", "partner"])
def caller(request, world, awards, statements, settings):
    """Staff who may import sales, or partner B's user; each with a token."""
    settings.ELASTICSEARCH_INDEX_PREFIX = "cplms-test-no-index"
    GatedItem.objects.create(title="Schema probe", access_level="public")
    partner_update(partner=world.partner_b, by=None, reason="Up", tier=tier("gold"))
    assert sales_import_rows(rows=enumerate([SEED_LINE], start=1), name="seed").ok
    if request.param == "staff":
        client = sales_importer(world)
    else:
        client = token_client(world.user_b)
    client.is_staff_caller = request.param == "staff"
    job = SalesImportJob.objects.create(
        kind="api", name="big.csv", file="big.csv", created_by=client.user
    )
    CREATED_PARAMETERS.clear()
    CREATED_PARAMETERS.update(
        {
            "/api/v1/certifications/{id}/": {"id": awards["b"].pk},
            "/api/v1/sales-records/imports/{id}/": {"id": job.pk},
            "/api/v1/incentive-statements/{id}/": {"id": statements["b"].pk},
            "/api/v1/incentive-statements/{id}/lines/{number}/sources/": {
                "id": statements["b"].pk,
                "number": 1,
            },
        }
    )
    with HIGH_RATES:
        yield client


@pytest.fixture
def answers(caller):
    """The status codes an operation answered; then, that the run reached it: a
    success, or for a partner user on a staff-only operation, a refusal."""
    seen = {"operation": None, "codes": set(), "failed": False}
    yield seen
    if seen["failed"]:
        return  # schemathesis' report says why
    codes = seen["codes"]
    if caller.is_staff_caller or seen["operation"] not in STAFF_ONLY:
        assert any(200 <= code < 300 for code in codes), (seen["operation"], codes)
    else:
        assert 403 in codes, codes
        assert not any(200 <= code < 300 for code in codes), codes


@API_SCHEMA.parametrize()
@hypothesis_settings(
    deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
def test_api_keeps_its_contract(case, caller, answers):
    operation = (case.operation.method.upper(), case.operation.path)
    answers["operation"] = operation
    answers["failed"] = True
    with connection_kept_open():
        response = case.call_and_validate(
            headers={"Authorization": f"Token {caller.key}"}
        )
    answers["failed"] = False
    # Other methods sent to the operation's path (405) are not its answers.
    if case.method == operation[0]:
        answers["codes"].add(response.status_code)
