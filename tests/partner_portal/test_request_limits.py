"""A request larger than its view takes is refused, with a message, before it is
stored: the 413 page (in the visitor's language) where no form owns a file, the
form's error where one does, the API's JSON error on the API."""

import io

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from wagtail.models import Collection

import pytest

from partner_portal.incentives.models import SalesRecord, SalesSource
from partner_portal.resources.models import PortalDocument
from tests.factories import StaffFactory
from tests.partner_portal.api.conftest import token_client

pytestmark = pytest.mark.django_db

MB = 1024**2
SALES_CSV = (
    b"invoice_number,line_number,partner_external_id,date,sku,quantity,amount,"
    b"currency\nINV-F1,1,CRM-C,2026-06-01,SKU-9,1,10.00,EUR\n"
)


def claiming(client, path, *, size, **extra):
    """POST a small multipart body that claims to be `size` bytes long: the test
    client's input refuses to be read past its real end, so only a view that
    refuses the request before reading it answers."""
    body = encode_multipart(BOUNDARY, {"username": "someone", "password": "x"})
    return client.generic(
        "POST",
        path,
        body,
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(size),
        **extra,
    )


@pytest.mark.parametrize("path", ["/apply/", "/accounts/login/", "/admin/login/"])
def test_a_200_mb_request_to_a_public_form_is_refused_unread(client, path):
    response = claiming(client, path, size=200 * MB)
    assert response.status_code == 413
    assert "This request is larger than the 2.5\xa0MB this address accepts." in (
        response.text
    )
    assert "Nothing was saved." in response.text


def test_the_413_page_speaks_the_visitors_language(client):
    response = claiming(
        client, "/apply/", size=200 * MB, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 413
    assert "请求超出了此地址可接受的 2.5\xa0MB" in response.text


@pytest.mark.parametrize(
    ("size", "message"),
    [
        (10, "This address takes no files. Nothing was saved."),
        (3 * MB, "This request is larger than the 2.5\xa0MB this address accepts."),
    ],
)
def test_a_file_to_a_page_that_takes_none_is_refused(
    client, size, message, settings, tmp_path
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = SimpleUploadedFile("junk.bin", b"x" * size)
    response = client.post("/accounts/login/", {"username": "a", "file": upload})
    assert response.status_code == 413
    assert message in response.text
    assert list(tmp_path.iterdir()) == []


def test_form_fields_beyond_djangos_allowance_answer_413(client):
    response = client.post("/accounts/login/", {"username": "a" * (3 * MB)})
    assert response.status_code == 413
    assert "larger than the 2.5\xa0MB this address accepts" in response.text


def sales_importer():
    user = StaffFactory(username="finance")
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_salesrecord", "import_salesrecord"]
        )
    )
    return user


@pytest.fixture
def importer(client):
    user = sales_importer()
    client.force_login(user)
    return user


def test_a_sales_file_over_the_limit_is_the_forms_error(
    client, importer, settings, tmp_path
):
    settings.SALES_IMPORT_MAX_BYTES = 100
    settings.MEDIA_ROOT = tmp_path
    response = client.post(
        reverse("incentives_salesrecord:import"),
        {"file": SimpleUploadedFile("sales.csv", SALES_CSV)},
    )
    assert response.status_code == 200
    assert "The file is larger than the limit of 100\xa0bytes." in response.text
    assert not SalesSource.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_sales_file_far_over_the_limit_is_refused_unread(client, importer, settings):
    settings.SALES_IMPORT_MAX_BYTES = MB
    response = claiming(client, reverse("incentives_salesrecord:import"), size=4 * MB)
    assert response.status_code == 413
    assert "3.5\xa0MB" in response.text


def test_a_sales_file_under_the_limit_is_checked(client, importer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.post(
        reverse("incentives_salesrecord:import"),
        {"file": SimpleUploadedFile("sales.csv", SALES_CSV)},
    )
    assert response.status_code == 200
    assert "The file is larger" not in response.text
    assert "CRM-C" in response.text  # the dry run's report names the unknown partner


def test_the_admin_takes_documents_larger_than_a_form_field(client, settings, tmp_path):
    """Wagtail's own uploads take ADMIN_UPLOAD_MAX_BYTES from a user with admin
    access: a 3 MB document goes through the temporary file handler and is kept."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(StaffFactory(username="editor", is_superuser=True))
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Price list",
            "file": SimpleUploadedFile("prices.pdf", b"%PDF-1.4\n" + b"0" * (3 * MB)),
            "collection": Collection.get_first_root_node().pk,
            "access_level": "partner",
        },
    )
    assert response.status_code == 302, response.text[:500]
    assert PortalDocument.objects.get().file.size > 3 * MB


def test_the_api_answers_413_in_json(settings):
    settings.SALES_IMPORT_MAX_BYTES = MB
    client = token_client(sales_importer())
    response = claiming(client, "/api/v1/sales-records/", size=4 * MB)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "3.5\xa0MB" in response.json()["message"]


def test_an_api_sales_file_over_the_limit_is_a_field_error(settings):
    settings.SALES_IMPORT_MAX_BYTES = 100
    client = token_client(sales_importer())
    csv = io.BytesIO(SALES_CSV)
    csv.name = "sales.csv"
    response = client.post("/api/v1/sales-records/", {"file": csv}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "file": ["The file is larger than the limit of 100\xa0bytes."]
    }
    assert not SalesRecord.objects.exists()


def test_api_json_beyond_djangos_allowance_answers_413():
    """A sales file may be large; a JSON body, read in memory, at most 2.5 MB."""
    client = token_client(sales_importer())
    rows = [{"invoice_number": "x" * 100}] * 30_000
    response = client.post("/api/v1/sales-records/", rows, format="json")
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": "This request is larger than the 2.5\xa0MB this address "
        "accepts. Nothing was saved.",
    }
