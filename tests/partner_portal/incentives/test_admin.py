"""Staff browse and import sales in the admin, each within their partners."""

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

import pytest

from partner_portal.incentives.models import SalesRecord, SalesSource
from tests.factories import PartnerFactory, SalesRecordFactory, StaffFactory

from .conftest import csv_text, ledger
from .test_portal import chart_figures

INDEX = "incentives_salesrecord:index"


def staff(username, *codenames):
    user = StaffFactory(username=username)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", *codenames])
    )
    return user


@pytest.fixture
def cam(db):
    return staff("cam", "view_salesrecord")


@pytest.fixture
def program_manager(db):
    return staff(
        "pm",
        "view_partner",
        "view_salesrecord",
        "import_salesrecord",
        "view_salessource",
    )


@pytest.fixture
def lines(cam):
    """A line of a partner assigned to the account manager, and one of another."""
    own = SalesRecordFactory(
        partner=PartnerFactory(name="Assigned Co", account_manager=cam),
        invoice_number="OWN-1",
    )
    other = SalesRecordFactory(
        partner=PartnerFactory(name="Elsewhere Co"), invoice_number="OTHER-1"
    )
    return own, other


def test_an_account_manager_lists_only_their_partners_sales(client, cam, lines):
    _own, other = lines
    client.force_login(cam)

    response = client.get(reverse(INDEX))

    assert response.status_code == 200
    assert "OWN-1" in response.text
    assert "OTHER-1" not in response.text
    assert "Elsewhere Co" not in response.text  # not even as a filter choice
    filtered = client.get(reverse(INDEX), {"partner": other.partner_id})
    assert "OTHER-1" not in filtered.text


@pytest.mark.parametrize("view", ["inspect", "delete", "history"])
def test_an_account_manager_gets_404_for_another_partners_line(
    client, cam, lines, view
):
    _own, other = lines
    client.force_login(cam)

    response = client.get(reverse(f"incentives_salesrecord:{view}", args=[other.pk]))

    assert response.status_code == 404
    assert "OTHER-1" not in response.text


def test_an_account_manager_inspects_their_own_line(client, cam, lines):
    own, _other = lines
    client.force_login(cam)
    response = client.get(reverse("incentives_salesrecord:inspect", args=[own.pk]))
    assert response.status_code == 200
    assert "OWN-1" in response.text


def test_program_managers_see_every_line_and_filter_them(
    client, program_manager, lines
):
    _own, other = lines
    client.force_login(program_manager)

    everything = client.get(reverse(INDEX))
    by_partner = client.get(reverse(INDEX), {"partner": other.partner_id})
    by_sku = client.get(reverse(INDEX), {"sku": "NOPE"})

    assert "OWN-1" in everything.text and "OTHER-1" in everything.text
    assert "OTHER-1" in by_partner.text and "OWN-1" not in by_partner.text
    assert "OTHER-1" not in by_sku.text


def refused(response):
    """Wagtail answers a view the user may not use by sending them to the admin home."""
    return response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_nobody_edits_the_ledger_by_hand(client, lines, cam, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com")
    own, other = lines

    client.force_login(admin)
    assert refused(client.get(reverse("incentives_salesrecord:add")))
    assert refused(client.get(reverse("incentives_salesrecord:edit", args=[own.pk])))
    assert client.get(reverse(INDEX)).status_code == 200
    client.force_login(cam)
    assert refused(client.get(reverse("incentives_salesrecord:edit", args=[own.pk])))
    assert refused(client.get(reverse("incentives_salesrecord:edit", args=[other.pk])))


def upload(client, text, name="sales.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("incentives_salesrecord:import"),
        {"file": SimpleUploadedFile(name, text.encode())},
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_upload_dry_run_then_confirm(client, program_manager, partners, media):
    client.force_login(program_manager)
    text = csv_text(
        "INV-1,1,P-1,2025-01-31,SKU-A,2,100.50,USD",
        "INV-1,2,P-2,2025-01-31,SKU-B,-1,-20.00,USD",
    )

    preview = upload(client, text)

    assert preview.status_code == 200
    assert "Importing it creates 2 lines, updates 0 and leaves 0 unchanged" in (
        preview.text
    )
    assert "New line" in preview.text
    assert ledger() == ([], [], 0)
    token = preview.context["token"]

    confirmed = client.post(reverse("incentives_salesrecord:import"), {"token": token})

    source = SalesSource.objects.get()
    assert confirmed.status_code == 302
    assert confirmed.url == f"{reverse(INDEX)}?source={source.pk}"
    assert SalesRecord.objects.count() == 2
    assert (source.kind, source.name, source.created_by) == (
        "upload",
        "sales.csv",
        program_manager,
    )
    assert source.file.read().decode() == text


def test_an_upload_with_errors_lists_them_and_cannot_be_confirmed(
    client, program_manager, partners, media
):
    client.force_login(program_manager)

    response = upload(
        client, csv_text("INV-1,1,P-404,2025-01-31,SKU-A,2,1.00,USD"), "bad.csv"
    )

    assert "bad.csv cannot be imported" in response.text
    assert "No partner has the external ID “P-404”." in response.text
    assert "partner_external_id" in response.text
    assert response.context["token"] is None
    assert ledger() == ([], [], 0)


def test_a_forged_confirmation_imports_nothing(client, program_manager, partners):
    client.force_login(program_manager)

    response = client.post(
        reverse("incentives_salesrecord:import"),
        {"token": "sales_imports/pending/../../etc/passwd"},
        follow=True,
    )

    assert "This import has expired. Upload the file again." in response.text
    assert ledger() == ([], [], 0)


def test_importing_needs_the_import_permission(client, cam, lines):
    client.force_login(cam)
    assert refused(client.get(reverse("incentives_salesrecord:import")))
    assert (
        reverse("incentives_salesrecord:import") not in client.get(reverse(INDEX)).text
    )


def test_sales_by_month_charts_only_the_account_managers_partners(client, cam):
    today = timezone.localdate()
    own = PartnerFactory(account_manager=cam)
    SalesRecordFactory(partner=own, date=today, amount="250.00", currency="USD")
    SalesRecordFactory(partner=own, date=today, amount="-50.00", currency="USD")
    SalesRecordFactory(partner=PartnerFactory(), date=today, amount="9000.00")
    SalesRecordFactory(partner=PartnerFactory(), date=today, currency="JPY")
    client.force_login(cam)

    response = client.get(reverse("sales_by_month_report"))

    assert response.status_code == 200
    figures = chart_figures(response.text)
    assert set(figures) == {"USD"}
    assert figures["USD"][f"{today:%Y-%m}"] == "200.00"
    home = client.get(reverse("wagtailadmin_home"))
    assert reverse("sales_by_month_report") in home.text  # under Reports


def test_sales_by_month_needs_the_sales_view_permission(client, db):
    client.force_login(staff("editor"))

    response = client.get(reverse("sales_by_month_report"))

    # Wagtail answers a refused admin page by sending the user back home.
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    home = client.get(reverse("wagtailadmin_home"))
    assert reverse("sales_by_month_report") not in home.text


def test_sales_by_month_narrows_to_one_of_the_users_partners(client, cam):
    today = timezone.localdate()
    first = PartnerFactory(name="First Co", account_manager=cam)
    second = PartnerFactory(name="Second Co", account_manager=cam)
    other = PartnerFactory(name="Elsewhere Co")
    SalesRecordFactory(partner=first, date=today, amount="10.00", currency="USD")
    SalesRecordFactory(partner=second, date=today, amount="32.00", currency="USD")
    SalesRecordFactory(partner=other, date=today, amount="500.00", currency="USD")
    client.force_login(cam)
    report = reverse("sales_by_month_report")

    both = chart_figures(client.get(report).text)
    one = chart_figures(client.get(report, {"partner": second.pk}).text)
    refused = client.get(report, {"partner": other.pk})

    assert both["USD"][f"{today:%Y-%m}"] == "42.00"
    assert one["USD"][f"{today:%Y-%m}"] == "32.00"
    assert "Elsewhere Co" not in refused.text
    assert "Select a valid choice" in refused.text
    assert chart_figures(refused.text)["USD"][f"{today:%Y-%m}"] == "42.00"


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_sales_export_quotes_formulas_and_keeps_returns_as_numbers(
    client, program_manager, export
):
    import io

    from openpyxl import load_workbook

    SalesRecordFactory(sku='=HYPERLINK("http://evil.example","x")', amount="-25.00")
    client.force_login(program_manager)

    response = client.get(reverse(INDEX), {"export": export})
    content = b"".join(response.streaming_content)

    if export == "csv":
        text = content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text
        assert ",-25.00," in text
    else:
        rows = list(load_workbook(io.BytesIO(content)).active.values)
        skus = [row[4] for row in rows[1:]]
        amounts = [row[6] for row in rows[1:]]
        assert skus == ['\'=HYPERLINK("http://evil.example","x")']
        assert float(amounts[0]) == -25.0


def test_the_sales_upload_page_is_every_imports_with_the_sales_columns(
    client, program_manager, media
):
    client.force_login(program_manager)

    page = client.get(reverse("incentives_salesrecord:import"))
    refused = upload(
        client, csv_text("INV-1,1,P-1,2025-01-31,SKU-A,2,1.00,USD"), "a.txt"
    )

    text = " ".join(page.text.split())
    assert "Upload a file to check it first" in text
    assert "Encoding of a CSV file" in text
    assert (
        "<td><code>currency</code></td> <td>Required</td> <td>A three-letter ISO "
        "4217 code, such as USD or CNY.</td>"
    ) in text
    assert "Only .csv and .xlsx files can be imported." in refused.text
    assert ledger() == ([], [], 0)


def test_the_sales_preview_lists_as_many_rows_as_every_imports(
    client, program_manager, partners, media
):
    from partner_portal.imports.preview import PREVIEW_ROWS

    client.force_login(program_manager)
    lines = [
        f"INV-{n},1,P-1,2025-01-31,SKU-A,1,1.00,USD" for n in range(PREVIEW_ROWS + 1)
    ]

    preview = upload(client, csv_text(*lines))

    assert preview.text.count('<tr class="outcome-create">') == PREVIEW_ROWS
    assert "1 more row is counted above but not listed." in preview.text
    assert ledger() == ([], [], 0)
