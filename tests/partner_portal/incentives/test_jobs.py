"""Big sales files are checked and imported by the task worker, not in the request.

SALES_IMPORT_BACKGROUND_ROWS is set to 5 here, so a file of six lines is "big".
The test settings run tasks at once (ImmediateBackend) once the request's
transaction commits; capturing the on-commit callbacks shows what the request does
by itself, then what the worker does.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

import openpyxl
import pytest
from django_tasks_db.models import DBTaskResult

from partner_portal.incentives.models import SalesImportJob, SalesRecord, SalesSource
from partner_portal.incentives.services import jobs, sales_file_rows
from partner_portal.incentives.tasks import sales_import_job_task
from tests.factories import PartnerFactory

from .conftest import csv_text, ledger
from .test_admin import staff

IMPORT = "incentives_salesrecord:import"
JOB = "incentives_salesrecord:import_job"
PROGRESS = "incentives_salesrecord:import_job_progress"
INDEX = "incentives_salesrecord:index"
SIX_LINES = [f"INV-{n},1,P-{n % 2 + 1},2025-01-31,SKU-A,2,10.00,USD" for n in range(6)]


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.SALES_IMPORT_BACKGROUND_ROWS = 5
    settings.MEDIA_ROOT = tmp_path


def importer(username, *codenames):
    return staff(username, "view_salesrecord", "import_salesrecord", *codenames)


@pytest.fixture
def program_manager(db):
    return importer("pm", "view_partner")


def upload(client, text, name="sales.csv"):
    return client.post(
        reverse(IMPORT), {"file": SimpleUploadedFile(name, text.encode())}
    )


def test_a_big_upload_is_checked_then_imported_by_the_worker(
    client, program_manager, partners, django_capture_on_commit_callbacks
):
    client.force_login(program_manager)
    text = csv_text(*SIX_LINES)

    with django_capture_on_commit_callbacks() as checks:
        checking = upload(client, text)

    job = SalesImportJob.objects.get()
    assert checking.status_code == 302
    assert checking.url == reverse(JOB, args=[job.pk])
    assert (job.status, job.dry_run, job.rows_total) == ("queued", True, 6)
    waiting = client.get(checking.url)
    assert "The file is waiting for the task worker to start on it." in waiting.text
    assert "<progress" in waiting.text

    checks[0]()  # the worker checks the file

    checked = client.get(checking.url)
    assert (
        "The file has 6 rows and no errors. Importing it creates 6 lines, updates 0 "
        "and leaves 0 unchanged." in checked.text
    )
    assert "Confirm the import" in checked.text
    # The same table of the first rows as a check in the request, the names in it.
    assert checked.text.count("New line") == 6
    assert "<td>INV-5</td>" in checked.text
    assert ledger() == ([], [], 0)

    with django_capture_on_commit_callbacks() as imports:
        confirmed = client.post(checking.url)

    assert confirmed.status_code == 302
    assert confirmed.url == checking.url
    job.refresh_from_db()
    assert (job.status, job.dry_run) == ("queued", False)
    assert SalesRecord.objects.count() == 0  # the request returned at once

    imports[0]()  # the worker imports it

    done = client.get(confirmed.url)
    assert "sales.csv is imported" in done.text
    assert (
        "All 6 rows are in the ledger: 6 lines created, 0 updated and 0 unchanged."
        in done.text
    )
    source = SalesSource.objects.get()
    assert f"{reverse(INDEX)}?source={source.pk}" in done.text
    assert SalesRecord.objects.filter(source=source).count() == 6
    assert (source.kind, source.created_by, source.row_count) == (
        "upload",
        program_manager,
        6,
    )
    assert source.file.read().decode() == text
    job.refresh_from_db()
    assert (job.status, job.source, job.rows_read, job.rows_total) == (
        "succeeded",
        source,
        6,
        6,
    )


def test_a_confirmed_check_is_imported_once(
    client, program_manager, partners, django_capture_on_commit_callbacks
):
    client.force_login(program_manager)
    with django_capture_on_commit_callbacks(execute=True):
        page = upload(client, csv_text(*SIX_LINES)).url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page)

    again = client.post(page, follow=True)

    assert "This file cannot be imported from here" in again.text
    assert SalesRecord.objects.count() == 6
    assert SalesSource.objects.count() == 1


def test_a_big_file_with_an_error_writes_nothing_and_lists_it(
    client, program_manager, partners, django_capture_on_commit_callbacks
):
    client.force_login(program_manager)
    lines = [*SIX_LINES, "INV-9,1,P-404,2025-01-31,SKU-A,2,10.00,USD"]

    with django_capture_on_commit_callbacks(execute=True):
        page = upload(client, csv_text(*lines), "bad.csv").url

    report = client.get(page)
    assert "bad.csv cannot be imported" in report.text
    assert "The file has 1 error, so nothing will be imported." in report.text
    assert (
        "<tr> <td>8</td> <td><code>partner_external_id</code></td> <td>No partner "
        "has the external ID “P-404”.</td> </tr>" in " ".join(report.text.split())
    )
    assert "Confirm the import" not in report.text
    assert client.post(page).status_code == 302  # confirms nothing
    assert ledger() == ([], [], 0)
    job = SalesImportJob.objects.get()
    assert job.status == "failed"
    assert job.report["errors"] == [
        {
            "row": 8,
            "column": "partner_external_id",
            "message": "No partner has the external ID “P-404”.",
        }
    ]


def test_an_import_that_fails_after_its_check_keeps_its_report(
    client, partners, django_capture_on_commit_callbacks
):
    """Between check and import, the partner left the account manager's care."""
    manager = importer("am")
    _first, second = partners
    for partner in partners:
        partner.account_manager = manager
        partner.save()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        page = upload(client, csv_text(*SIX_LINES)).url
    assert "Confirm the import" in client.get(page).text
    second.account_manager = None
    second.save()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page)

    report = client.get(page)
    assert "sales.csv cannot be imported" in report.text
    assert "The file has 3 errors, so nothing will be imported." in report.text
    assert "No partner has the external ID “P-2”." in report.text
    assert ledger() == ([], [], 0)
    assert SalesImportJob.objects.get().status == "failed"


def test_the_progress_page_follows_the_worker(client, program_manager, partners):
    client.force_login(program_manager)
    job = SalesImportJob.objects.create(
        kind="upload",
        name="big.csv",
        file="sales_imports/pending/x.csv",
        status="running",
        rows_total=200_000,
        rows_read=50_000,
        created_by=program_manager,
    )

    page = client.get(reverse(JOB, args=[job.pk]))
    progress = client.get(reverse(PROGRESS, args=[job.pk])).json()

    assert 'max="200000" value="50000"' in page.text
    assert 'role="status"' in page.text
    assert "50,000 of about 200,000 rows read." in page.text
    assert "sales_import_progress.js" in page.text
    assert progress == {
        "status": "running",
        "finished": False,
        "determinate": True,
        "rows_read": 50_000,
        "rows_total": 200_000,
        "phase": "The task worker is reading the file.",
        "detail": "50,000 of about 200,000 rows read.",
    }
    job.rows_total = job.rows_read
    job.save()
    read = client.get(reverse(PROGRESS, args=[job.pk])).json()
    assert (read["determinate"], read["phase"]) == (
        False,
        "Every row is read; the task worker is checking them and writing them to "
        "the ledger.",
    )


@pytest.mark.parametrize("view", [JOB, PROGRESS])
def test_another_account_manager_gets_404_for_someone_elses_job(
    client, partners, django_capture_on_commit_callbacks, view
):
    owner, other = importer("am-1", "view_partner"), importer("am-2", "view_partner")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, csv_text(*SIX_LINES), "secret-name.csv")
    job = SalesImportJob.objects.get()

    client.force_login(other)
    response = client.get(reverse(view, args=[job.pk]))
    confirm = client.post(reverse(JOB, args=[job.pk]))

    assert response.status_code == 404
    assert "secret-name" not in response.text
    assert confirm.status_code == 404
    assert SalesRecord.objects.count() == 0


def test_the_job_page_needs_the_import_permission(client, partners, program_manager):
    job = SalesImportJob.objects.create(
        kind="upload", name="big.csv", file="x.csv", created_by=program_manager
    )
    program_manager.user_permissions.remove(
        *program_manager.user_permissions.filter(codename="import_salesrecord")
    )
    client.force_login(program_manager)

    response = client.get(reverse(JOB, args=[job.pk]))

    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))


def test_a_file_at_the_threshold_is_checked_in_the_request_as_before(
    client, program_manager, partners
):
    client.force_login(program_manager)

    preview = upload(client, csv_text(*SIX_LINES[:5]))

    assert preview.status_code == 200
    assert "Importing it creates 5 lines, updates 0 and leaves 0 unchanged" in (
        preview.text
    )
    assert "New line" in preview.text  # the row-by-row table
    assert preview.context["token"]
    assert not SalesImportJob.objects.exists()


def test_a_file_checked_in_the_request_is_imported_by_the_worker_if_big(
    client, program_manager, partners, settings, django_capture_on_commit_callbacks
):
    """The confirm step decides again: the limit may have been lowered meanwhile."""
    client.force_login(program_manager)
    settings.SALES_IMPORT_BACKGROUND_ROWS = 10
    token = upload(client, csv_text(*SIX_LINES)).context["token"]
    settings.SALES_IMPORT_BACKGROUND_ROWS = 5

    with django_capture_on_commit_callbacks() as imports:
        confirmed = client.post(reverse(IMPORT), {"token": token})

    job = SalesImportJob.objects.get()
    assert confirmed.url == reverse(JOB, args=[job.pk])
    assert (job.status, job.dry_run) == ("queued", False)
    assert SalesRecord.objects.count() == 0
    imports[0]()
    assert SalesRecord.objects.count() == 6
    assert SalesSource.objects.get().file.name == job.file.name


def test_rows_are_counted_without_reading_the_cells(tmp_path):
    text = csv_text(*SIX_LINES)
    workbook = openpyxl.Workbook()
    for n in range(1, 42):
        workbook.active.append([f"row {n}"])
    xlsx = io.BytesIO()
    workbook.save(xlsx)

    def rows(data, name):
        return sales_file_rows(file=io.BytesIO(data), filename=name)

    assert rows(text.encode(), "a.csv") == 6
    assert rows(text.rstrip("\n").encode(), "a.csv") == 6  # no last line break
    assert rows(text.replace("\n", "\r\n").encode("gb18030"), "a.csv") == 6
    assert rows(b"", "a.csv") == 0
    assert rows(xlsx.getvalue(), "a.xlsx") == 40
    assert rows(b"not a workbook", "a.xlsx") is None


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_task_worker_runs_a_big_import(client, tmp_path, migrated_db):
    """The database queue and `manage.py db_worker`, as in production."""
    PartnerFactory(external_id="P-1"), PartnerFactory(external_id="P-2")
    manager = importer("pm", "view_partner")
    client.force_login(manager)

    page = upload(client, csv_text(*SIX_LINES)).url
    job = SalesImportJob.objects.get()
    queued = DBTaskResult.objects.get(task_path=sales_import_job_task.module_path)
    assert (queued.status, job.status) == ("READY", "queued")
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    client.post(page)
    assert SalesRecord.objects.count() == 0
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    done = client.get(page)
    assert "6 lines created, 0 updated and 0 unchanged." in done.text
    assert SalesRecord.objects.count() == 6
    job.refresh_from_db()
    assert (job.status, job.rows_read, job.rows_total) == ("succeeded", 6, 6)
    assert set(
        DBTaskResult.objects.filter(
            task_path=sales_import_job_task.module_path
        ).values_list("status", flat=True)
    ) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_the_transaction_of_the_load(monkeypatch):
    """Others see the rows read while the load's own transaction is still open."""
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    job = SalesImportJob.objects.create(
        kind="upload", name="big.csv", file="x.csv", status="running", rows_total=20_000
    )

    def shown():
        return SalesImportJob.objects.values_list("rows_read", "rows_total").get()

    seen = []
    with transaction.atomic(), jobs._Progress(job) as progress:
        for number, _row in enumerate(progress(range(25_000)), start=1):
            if number == 15_000:
                seen.append(shown())
        seen.append(shown())
        SalesImportJob.objects.update(name="rolled back")
        transaction.set_rollback(True)

    assert seen == [(10_000, 20_000), (25_000, 25_000)]
    assert SalesImportJob.objects.get().name == "big.csv"
