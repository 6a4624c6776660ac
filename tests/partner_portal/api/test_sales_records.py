import io

import pytest

from partner_portal.incentives.models import SalesRecord, SalesSource
from partner_portal.incentives.services import COLUMNS, sales_import_rows
from tests.chinese_files import NAMES, excel_csv
from tests.factories import staff_with_permissions

from .conftest import token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/sales-records/"


def line(invoice, partner, **values):
    return {
        "invoice_number": invoice,
        "line_number": "1",
        "partner_external_id": partner,
        "date": "2026-03-01",
        "sku": "SKU-1",
        "quantity": "2",
        "amount": "200.00",
        "currency": "USD",
    } | values


@pytest.fixture
def sales(world):
    rows = [
        line("INV-A1", "CRM-A"),
        line("INV-A2", "CRM-A", date="2026-05-01", sku="SKU-2", currency="CNY"),
        line("INV-B1", "CRM-B"),
        line("INV-C1", "CRM-C"),
    ]
    result = sales_import_rows(rows=enumerate(rows, start=1), name="seed")
    assert result.ok, result.sorted_errors()
    return result


@pytest.fixture
def importer(world):
    user = staff_with_permissions("view_partner", "change_partner", username="finance")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="incentives",
            codename__in=["view_salesrecord", "import_salesrecord"],
        )
    )
    return token_client(user)


def invoices(response):
    return {row["invoice_number"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("user_a", {"INV-A1", "INV-A2"}),
        ("user_b", {"INV-B1"}),
        # Staff without the sales permission, account manager included, see none.
        ("manager", set()),
        ("staff", set()),
    ],
)
def test_sales_list_is_scoped(world, sales, who, expected):
    response = world.client(who).get(URL)
    assert response.status_code == 200
    assert invoices(response) == expected


def test_anonymous_is_refused(world, sales):
    assert world.client("anonymous").get(URL).status_code == 401


def test_staff_with_sales_permission_see_all(world, sales, importer):
    assert invoices(importer.get(URL)) == {"INV-A1", "INV-A2", "INV-B1", "INV-C1"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("partner=CRM-A", {"INV-A1", "INV-A2"}),
        ("date_from=2026-04-01", {"INV-A2"}),
        ("date_to=2026-04-01&partner=CRM-A", {"INV-A1"}),
        ("sku=SKU-2", {"INV-A2"}),
        ("currency=CNY", {"INV-A2"}),
    ],
)
def test_sales_filters(world, sales, importer, query, expected):
    assert invoices(importer.get(f"{URL}?{query}")) == expected


def test_bulk_json_creates_and_updates_through_the_import(world, sales, importer):
    response = importer.post(
        URL,
        [line("INV-A1", "CRM-A", amount="250.00"), line("INV-N1", "CRM-B")],
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert SalesSource.objects.get(pk=body["source"]).kind == "api"
    assert str(SalesRecord.objects.get(invoice_number="INV-A1").amount) == "250.00"


def test_bulk_is_all_or_nothing_with_row_errors(world, sales, importer):
    before = SalesRecord.objects.count()
    response = importer.post(
        URL,
        [
            line("INV-N2", "CRM-A"),
            line("INV-N3", "CRM-A", currency="XXZ"),
            line("INV-N4", "NOPE"),
        ],
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (2, "currency"),
        (3, "partner_external_id"),
    }
    assert SalesRecord.objects.count() == before


def test_csv_upload(world, sales, importer):
    import io

    csv = io.BytesIO(
        b"invoice_number,line_number,partner_external_id,date,sku,quantity,amount,"
        b"currency\nINV-F1,1,CRM-C,2026-06-01,SKU-9,1,10.00,EUR\n"
    )
    csv.name = "sales.csv"
    response = importer.post(URL, {"file": csv}, format="multipart")
    assert response.status_code == 201, response.json()
    assert SalesRecord.objects.filter(invoice_number="INV-F1").exists()


def test_dry_run_saves_nothing(world, sales, importer):
    response = importer.post(
        f"{URL}?dry_run=true", [line("INV-D1", "CRM-A")], format="json"
    )
    assert response.status_code == 200
    assert response.json()["created"] == 1
    assert not SalesRecord.objects.filter(invoice_number="INV-D1").exists()


@pytest.mark.parametrize(
    "extra", [{"source": 1}, {"id": 5}, {"partner": 1}, {"created_at": "2020-01-01"}]
)
def test_bulk_refuses_fields_it_does_not_take(world, sales, importer, extra):
    response = importer.post(URL, [line("INV-M1", "CRM-A") | extra], format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not SalesRecord.objects.filter(invoice_number="INV-M1").exists()


@pytest.mark.parametrize("who", ["user_a", "manager", "staff"])
def test_only_importers_may_load(world, sales, who):
    response = world.client(who).post(URL, [line("INV-X", "CRM-A")], format="json")
    assert response.status_code == 403
    assert not SalesRecord.objects.filter(invoice_number="INV-X").exists()


def test_read_only_token_cannot_load(world, sales, importer):
    client = token_client(importer.user, read_only=True)
    response = client.post(URL, [line("INV-R", "CRM-A")], format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"


def test_empty_or_wrong_body_is_refused(world, importer):
    assert importer.post(URL, [], format="json").status_code == 400
    assert importer.post(URL, {"a": 1}, format="json").status_code == 400


@pytest.mark.parametrize("size", [1, 50])
def test_sales_list_query_count_is_constant(
    world, importer, size, django_assert_max_num_queries
):
    rows = [line(f"INV-{n}", "CRM-A") for n in range(60)]
    assert sales_import_rows(rows=enumerate(rows, start=1), name="many").ok
    for client in (importer, world.client("user_a")):
        with django_assert_max_num_queries(8):
            response = client.get(f"{URL}?page_size={size}")
        assert len(response.json()["results"]) == size


@pytest.mark.parametrize("column", ["source", "partner", "id"])
def test_csv_upload_refuses_columns_it_does_not_take(world, importer, column):
    import io

    csv = io.BytesIO(
        b"invoice_number,line_number,partner_external_id,date,sku,quantity,amount,"
        b"currency," + column.encode() + b"\n"
        b"INV-F2,1,CRM-C,2026-06-01,SKU-9,1,10.00,EUR,1\n"
    )
    csv.name = "sales.csv"
    response = importer.post(URL, {"file": csv}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_rows"
    assert not SalesRecord.objects.filter(invoice_number="INV-F2").exists()


def test_a_csv_upload_in_a_legacy_encoding_is_read_as_the_query_names(world, importer):
    csv = io.BytesIO(
        excel_csv(
            ",".join(COLUMNS),
            ["INV-R1,1,CRM-C,2026-06-01,Лицензия,1,10.00,RUB"],
            "cp1251",
        )
    )
    csv.name = "sales.csv"

    response = importer.post(
        f"{URL}?encoding=cp1251", {"file": csv}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["encoding"] == "CP1251"
    assert SalesRecord.objects.get(invoice_number="INV-R1").sku == "Лицензия"


def test_chinese_skus_upload_in_gbk_without_naming_it(world, importer):
    csv = io.BytesIO(
        excel_csv(
            ",".join(COLUMNS),
            [
                f"INV-C{n},1,CRM-C,2026-06-01,{name},1,10.00,CNY"
                for n, name in enumerate(NAMES)
            ],
            "gbk",
        )
    )
    csv.name = "sales.csv"

    response = importer.post(URL, {"file": csv}, format="multipart")

    assert response.status_code == 201, response.json()
    assert response.json()["encoding"] == "GB18030"
    skus = SalesRecord.objects.filter(invoice_number__startswith="INV-C")
    assert sorted(skus.values_list("sku", flat=True)) == sorted(NAMES)


def test_an_unknown_encoding_is_refused_with_its_name(world, importer):
    csv = io.BytesIO("invoice_number\nИ\n".encode("cp1251"))
    csv.name = "sales.csv"

    response = importer.post(
        f"{URL}?encoding=nonsense", {"file": csv}, format="multipart"
    )

    assert response.status_code == 400
    assert "“nonsense” is not an encoding we know." in str(response.json())


def big_csv(*extra):
    """Six lines of partner C, over the limit the tests below set, then `extra`."""
    lines = [f"INV-G{n},1,CRM-C,2026-06-01,SKU-9,1,10.00,EUR" for n in range(6)]
    csv = io.BytesIO("\n".join([",".join(COLUMNS), *lines, *extra, ""]).encode("utf-8"))
    csv.name = "big.csv"
    return csv


@pytest.fixture
def background(settings, tmp_path):
    settings.SALES_IMPORT_BACKGROUND_ROWS = 5
    settings.MEDIA_ROOT = tmp_path


def test_a_big_upload_answers_202_then_its_job_reports_the_import(
    world, importer, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as worker:
        response = importer.post(URL, {"file": big_csv()}, format="multipart")

    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["dry_run"], body["rows_total"]) == ("queued", False, 6)
    assert response["Location"] == body["url"]
    assert body["url"].endswith(f"/api/v1/sales-records/imports/{body['id']}/")
    assert not SalesRecord.objects.filter(invoice_number__startswith="INV-G").exists()

    worker[0]()
    job = importer.get(body["url"])

    assert job.status_code == 200
    report = job.json()
    assert (report["status"], report["rows_read"], report["rows"]) == (
        "succeeded",
        6,
        6,
    )
    assert (report["created"], report["updated"], report["unchanged"]) == (6, 0, 0)
    assert report["encoding"] == "UTF-8"
    assert SalesSource.objects.get(pk=report["source"]).kind == "api"
    assert SalesRecord.objects.filter(invoice_number__startswith="INV-G").count() == 6


def test_a_big_upload_with_an_error_reports_it_as_a_400_would(
    world, importer, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        body = importer.post(
            URL,
            {"file": big_csv("INV-G9,1,CRM-C,2026-06-31,SKU-9,1,10.00,EUR")},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        ).json()

    report = importer.get(body["url"]).json()

    assert report["status"] == "failed"
    assert (report["code"], report["error_count"]) == ("invalid_rows", 1)
    [error] = report["errors"]
    assert (error["row"], error["column"]) == (8, "date")
    # Worded in the language of the upload, as an answer in the request would be.
    assert error["message"] == "请按 YYYY-MM-DD 格式输入有效日期，例如 2025-01-31。"  # noqa: RUF001
    assert not SalesRecord.objects.filter(invoice_number__startswith="INV-G").exists()
    assert not SalesSource.objects.exists()


def test_another_importer_gets_404_for_someone_elses_import(
    world, importer, background, django_capture_on_commit_callbacks
):
    other = staff_with_permissions("view_partner", username="other-finance")
    from django.contrib.auth.models import Permission

    other.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="incentives", codename="import_salesrecord"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        body = importer.post(URL, {"file": big_csv()}, format="multipart").json()

    response = token_client(other).get(body["url"])

    assert response.status_code == 404
    assert "big.csv" not in response.content.decode()
    assert world.client("manager").get(body["url"]).status_code == 403


def test_a_small_upload_is_still_answered_in_the_request(world, importer, background):
    csv = io.BytesIO(
        b"invoice_number,line_number,partner_external_id,date,sku,quantity,amount,"
        b"currency\nINV-F1,1,CRM-C,2026-06-01,SKU-9,1,10.00,EUR\n"
    )
    csv.name = "sales.csv"

    response = importer.post(URL, {"file": csv}, format="multipart")

    assert response.status_code == 201
    assert SalesRecord.objects.filter(invoice_number="INV-F1").exists()
