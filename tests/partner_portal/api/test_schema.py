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
from partner_portal.partners.models import Role
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
        "/api/v1/deals/",
        "/api/v1/deals/{id}/",
        "/api/v1/deals/{id}/decision/",
        "/api/v1/deals/{id}/submit/",
        "/api/v1/incentive-programs/",
        "/api/v1/incentive-programs/{code}/",
        "/api/v1/incentive-statements/",
        "/api/v1/incentive-statements/{id}/",
        "/api/v1/incentive-statements/{id}/lines/{number}/sources/",
        "/api/v1/mdf-claims/",
        "/api/v1/mdf-claims/{id}/",
        "/api/v1/mdf-requests/",
        "/api/v1/mdf-requests/{id}/",
        "/api/v1/partners/",
        "/api/v1/partners/{id}/",
        "/api/v1/partners/{id}/tier-history/",
        "/api/v1/sales-records/",
        "/api/v1/sales-records/imports/{id}/",
        "/api/v1/search/",
        "/api/v1/tickets/",
        "/api/v1/tickets/{id}/",
        "/api/v1/tickets/{id}/replies/",
    }
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def partner_admin(world):
    """B's user, made its partner admin: it sees B's deals and MDF, and registers."""
    membership = world.user_b.membership
    membership.role = Role.ADMIN
    membership.save()
    return token_client(world.user_b)


def draft_of_b(world):
    from tests.partner_portal.deals.factories import draft_deal

    return draft_deal(world.partner_b, world.user_b, customer_name="Draft of B")


def ticket_of_b(world):
    """A ticket of partner B; staff of the world may see and answer tickets."""
    from partner_portal.support.models import Category
    from partner_portal.support.services.tickets import ticket_open

    world.staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="support",
            codename__in=["view_ticket", "answer_ticket"],
        )
    )
    return ticket_open(
        partner=world.partner_b,
        by=world.user_b,
        category=Category.objects.get(code="technical"),
        priority="normal",
        subject="Schema probe",
        description="A ticket to read and answer.",
    )


def sales_importer(world):
    world.staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="incentives",
            codename__in=["view_salesrecord", "import_salesrecord"],
        )
    )
    return token_client(world.staff)


def new_deal(product):
    """A registration as a partner's CRM would send it."""
    return {
        "customer_name": "Soylent Corp",
        "country": "US",
        "region": "amer",
        "products": [product.pk],
        "estimated_value": "5000.00",
        "currency": "USD",
        "expected_close_date": "2026-12-15",
    }


def test_every_operation_in_the_schema_answers(
    world, awards, statements, deals, mdf, settings
):
    # Search answers from the database here (no index under this prefix).
    settings.ELASTICSEARCH_INDEX_PREFIX = "cplms-test-no-index"
    GatedItem.objects.create(title="Schema probe", access_level="public")
    queries = {"/api/v1/search/": {"q": "probe"}}
    partner_update(partner=world.partner_b, by=None, reason="Up", tier=tier("gold"))
    client = sales_importer(world)
    # Deals are written by partner admins and sales, and MDF read by partner admins
    # and marketing: B's user is its admin.
    registrant = partner_admin(world)
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
    deal_bodies = {
        ("/api/v1/deals/", "post"): new_deal(deals["product"]),
        ("/api/v1/deals/{id}/", "patch"): {"notes": "Changed."},
        ("/api/v1/deals/{id}/submit/", "post"): None,
        ("/api/v1/deals/{id}/decision/", "post"): {"decision": "approve"},
    }
    owners = {
        "/api/v1/deals/{id}/": draft_of_b(world),
        "/api/v1/deals/{id}/submit/": draft_of_b(world),
        "/api/v1/deals/{id}/decision/": deals["b"],
        "/api/v1/mdf-requests/{id}/": mdf["b"]["request"],
        "/api/v1/mdf-claims/{id}/": mdf["b"]["claim"],
        "/api/v1/tickets/{id}/": ticket_of_b(world),
        "/api/v1/tickets/{id}/replies/": ticket_of_b(world),
    }
    ticket_bodies = {
        ("/api/v1/tickets/", "post"): {
            "category": "technical",
            "subject": "Schema probe",
            "description": "Opened through the API.",
        },
        ("/api/v1/tickets/{id}/replies/", "post"): {"body": "A reply."},
    }
    exercised = set()
    for path, method in operations(schema):
        owner = awards["b"] if "/certifications/" in path else world.partner_b
        if "/imports/" in path:
            owner = job
        if "/incentive-statements/" in path:
            owner = statements["b"]
        owner = owners.get(path, owner)
        url = path.replace("{id}", str(owner.pk)).replace("{number}", "1")
        url = url.replace("{code}", statements["program"].code)
        data = queries.get(path, bodies.get(method))
        data = deal_bodies.get((path, method), data)
        data = ticket_bodies.get((path, method), data)
        caller = registrant if (method.upper(), path) in PARTNER_ONLY else client
        response = getattr(caller, method)(url, data, format="json")
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
# The paths whose valid cases have asked for a real record in the running test.
ASKED_FOR_REAL = set()
# Operations staff alone may use: a partner user is refused (403).
STAFF_ONLY = {
    ("PATCH", "/api/v1/partners/{id}/"),
    ("POST", "/api/v1/sales-records/"),
    ("GET", "/api/v1/sales-records/imports/{id}/"),
    ("POST", "/api/v1/deals/{id}/decision/"),
}
# Operations partner users alone may use: staff are refused (403).
PARTNER_ONLY = {
    ("POST", "/api/v1/tickets/"),
    ("POST", "/api/v1/deals/"),
    ("PATCH", "/api/v1/deals/{id}/"),
    ("POST", "/api/v1/deals/{id}/submit/"),
}
# Writes whose body names products: a valid one names products that exist.
DEAL_WRITES = {("POST", "/api/v1/deals/"), ("PATCH", "/api/v1/deals/{id}/")}
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
        # The first valid case of each path in a test, then half of them by a digest
        # of the request: the coverage phase varies the body and query under one
        # path value, and a digest alone may pick none of a few generated ids.
        request = repr((case.path_parameters, case.query, case.headers, case.body))
        if case.path not in ASKED_FOR_REAL or zlib.crc32(request.encode()) % 2 == 0:
            ASKED_FOR_REAL.add(case.path)
            case.path_parameters = {**case.path_parameters, **real}
    return case


def with_existing_category(case, caller):
    """A valid ticket names a category and a product that exist, which a schema
    cannot say (done when the test runs, as `with_existing_references`)."""
    meta = case.meta
    if (case.method, case.path) != ("POST", "/api/v1/tickets/") or meta is None:
        return
    if meta.is_negative_at(ParameterLocation.BODY) or not isinstance(case.body, dict):
        return
    case.body = case.body | {"category": "technical"}
    if case.body.get("product") is not None:
        case.body["product"] = caller.product_ids[0]


def with_existing_references(case, caller):
    """A valid registration names products and a region that exist, which a schema
    cannot say: both are data staff maintain.

    Done here, when the test runs, rather than in `map_case`: the coverage phase
    builds its cases at collection, before the products exist.
    """
    meta = case.meta
    if (case.method, case.path) not in DEAL_WRITES or meta is None:
        return
    if meta.is_negative_at(ParameterLocation.BODY):
        return
    if isinstance(case.body, dict) and "products" in case.body:
        case.body = case.body | {"products": caller.product_ids}
    if isinstance(case.body, dict) and case.body.get("region"):
        case.body = case.body | {"region": "emea"}


@pytest.fixture(params=["staff", "partner"])
def caller(request, world, awards, statements, deals, mdf, settings):
    """Staff who may import sales and decide deals, or partner B's admin; each with
    a token."""
    settings.ELASTICSEARCH_INDEX_PREFIX = "cplms-test-no-index"
    GatedItem.objects.create(title="Schema probe", access_level="public")
    partner_update(partner=world.partner_b, by=None, reason="Up", tier=tier("gold"))
    assert sales_import_rows(rows=enumerate([SEED_LINE], start=1), name="seed").ok
    client = sales_importer(world) if request.param == "staff" else partner_admin(world)
    client.is_staff_caller = request.param == "staff"
    client.product_ids = [deals["product"].pk]
    ticket = ticket_of_b(world)
    job = SalesImportJob.objects.create(
        kind="api", name="big.csv", file="big.csv", created_by=client.user
    )
    CREATED_PARAMETERS.clear()
    ASKED_FOR_REAL.clear()
    CREATED_PARAMETERS.update(
        {
            "/api/v1/certifications/{id}/": {"id": awards["b"].pk},
            "/api/v1/sales-records/imports/{id}/": {"id": job.pk},
            "/api/v1/incentive-statements/{id}/": {"id": statements["b"].pk},
            "/api/v1/incentive-statements/{id}/lines/{number}/sources/": {
                "id": statements["b"].pk,
                "number": 1,
            },
            # A draft to change, another to submit (once; then 409), and a
            # submitted registration to decide (once; then 409).
            "/api/v1/deals/{id}/": {"id": draft_of_b(world).pk},
            "/api/v1/deals/{id}/submit/": {"id": draft_of_b(world).pk},
            "/api/v1/deals/{id}/decision/": {"id": deals["b"].pk},
            "/api/v1/mdf-requests/{id}/": {"id": mdf["b"]["request"].pk},
            "/api/v1/mdf-claims/{id}/": {"id": mdf["b"]["claim"].pk},
            "/api/v1/tickets/{id}/": {"id": ticket.pk},
            "/api/v1/tickets/{id}/replies/": {"id": ticket.pk},
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
    refused = PARTNER_ONLY if caller.is_staff_caller else STAFF_ONLY
    if seen["operation"] not in refused:
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
    with_existing_references(case, caller)
    with_existing_category(case, caller)
    with connection_kept_open():
        response = case.call_and_validate(
            headers={"Authorization": f"Token {caller.key}"}
        )
    answers["failed"] = False
    # Other methods sent to the operation's path (405) are not its answers.
    if case.method == operation[0]:
        answers["codes"].add(response.status_code)
