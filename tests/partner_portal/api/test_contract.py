"""What the OpenAPI document promises, case by case, where the API once did
otherwise (test_schema.py runs schemathesis over all of it)."""

import base64

import pytest
from rest_framework.test import APIClient

from .conftest import token_client
from .test_sales_records import line
from .test_schema import openapi, operations, sales_importer

pytestmark = pytest.mark.django_db


def test_every_operation_declares_the_errors_it_answers(world):
    schema = openapi(world.client("anonymous"))
    for path, method in operations(schema):
        responses = schema["paths"][path][method]["responses"]
        for code in ("401", "403", "404", "406", "429"):
            body = responses[code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ApiError"}, (path, method)
        assert "Retry-After" in responses["429"]["headers"]
    partner = schema["paths"]["/api/v1/partners/{id}/"]
    assert "ETag" in partner["get"]["responses"]["304"]["headers"]
    assert "If-None-Match" in {p["name"] for p in partner["get"]["parameters"]}
    website = schema["components"]["schemas"]["Partner"]["properties"]["website"]
    assert {"type": "string", "maxLength": 0} in website["oneOf"]
    history = schema["paths"]["/api/v1/partners/{id}/tier-history/"]
    page = history["get"]["responses"]["200"]["content"]["application/json"]
    assert page["schema"] == {"$ref": "#/components/schemas/PaginatedTierChangeList"}


def test_a_cursor_it_did_not_write_is_not_found(world):
    client = world.client("staff")
    client.raise_request_exception = False
    cursor = base64.b64encode(b"p=abc").decode()
    response = client.get("/api/v1/partners/", {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("size", ["abc", "0", "-1", " 5", "5.0", "+5"])
def test_page_size_is_a_whole_number_from_one(world, size):
    response = world.client("staff").get("/api/v1/partners/", {"page_size": size})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page_size"}


def test_an_empty_filter_is_no_filter(world):
    query = {"page_size": "", "updated_since": "", "country": "", "stage": ""}
    response = world.client("staff").get("/api/v1/partners/", query)
    assert len(response.json()["results"]) == 3


@pytest.mark.parametrize(
    "url,query",
    [
        ("/api/v1/partners/", {"country": "de"}),
        ("/api/v1/partners/", {"country": " DE"}),
        ("/api/v1/partners/", {"updated_since": "2026-01-01"}),
        ("/api/v1/partners/", {"updated_since": "2026-01-01 10:00:00+00:00"}),
        ("/api/v1/sales-records/", {"currency": "eur"}),
        ("/api/v1/sales-records/", {"date_from": "01/31/2026"}),
        ("/api/v1/sales-records/", {"date_to": " 2026-01-31"}),
        ("/api/v1/certifications/", {"expires_before": "20260131"}),
    ],
)
def test_filters_take_only_the_forms_the_schema_gives(world, url, query):
    response = sales_importer(world).get(url, query)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == set(query)


def test_a_moment_past_the_last_one_finds_nothing(world):
    client = world.client("staff")
    late = "9999-12-31T23:00:00-05:00"
    early = "0001-01-01T00:00:00+05:00"
    late = client.get("/api/v1/partners/", {"updated_since": late})
    early = client.get("/api/v1/partners/", {"updated_since": early})
    assert (late.status_code, len(late.json()["results"])) == (200, 0)
    assert (early.status_code, len(early.json()["results"])) == (200, 3)


@pytest.mark.parametrize(
    "change",
    [
        {"name": " " * 5 + "x" * 200},
        {"name": "   "},
        {"name": 7},
        {"phone": 12345},
        {"website": "ftp://files.example.com"},
        {"website": " https://beta.example"},
    ],
)
def test_profile_fields_are_taken_as_sent(world, change):
    url = f"/api/v1/partners/{world.partner_b.pk}/"
    response = world.client("staff").patch(url, change, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == set(change)


def test_a_profile_change_is_json(world):
    url = f"/api/v1/partners/{world.partner_b.pk}/"
    response = world.client("staff").patch(url, {"phone": "1"})  # a form
    assert response.status_code == 415


@pytest.mark.parametrize(
    "values",
    [
        {"currency": "usd"},
        {"line_number": "01"},
        {"quantity": 2},
        {"date": "2026-02-30"},
        {"amount": "1,000.00"},
    ],
)
def test_sales_lines_are_refused_in_a_form_the_schema_does_not_give(world, values):
    response = sales_importer(world).post(
        "/api/v1/sales-records/", [line("INV-F1", "CRM-A", **values)], format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]["0"]) == set(values)


def test_dry_run_is_a_boolean(world):
    response = sales_importer(world).post(
        "/api/v1/sales-records/?dry_run=maybe",
        [line("INV-D1", "CRM-A")],
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"dry_run"}


@pytest.mark.parametrize(
    "path", ["/api/v1/partners/abc/", "/api/v1/nowhere/", "/api/v1/partners/%01/"]
)
def test_addresses_that_name_nothing_answer_in_json(world, path):
    # Enforcing CSRF as a browser's session would: a PATCH that fell through to
    # Wagtail's pages got Django's HTML refusal.
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_client(world.staff).key}")
    for method in ("get", "patch"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"
