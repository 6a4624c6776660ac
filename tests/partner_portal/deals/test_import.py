"""`import_deals`: registrations from an earlier system, all or nothing, keyed as
a partner's submission is, from GB18030, UTF-8 with a byte order mark, or XLSX."""

import datetime as dt
from decimal import Decimal
from io import BytesIO, StringIO

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import Workbook

from partner_portal.deals.customers import customer_key
from partner_portal.deals.models import Deal, DealConflict, DealEvent, LostReason
from partner_portal.partners.models import Product
from partner_portal.workdays.calendar import add_business_days
from tests.chinese_files import NAMES, each_case, excel_csv
from tests.factories import MembershipFactory, PartnerFactory, StaffFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "partner,customer_name,customer_domain,country,region,products,"
    "estimated_value,currency,expected_close_date,status,protected_until,"
    "registered_by_email,notes"
)


@pytest.fixture
def world():
    Product.objects.create(name="Firewall", name_zh="防火墙")
    Product.objects.create(name="Switches", name_zh="交换机")
    east = PartnerFactory(external_id="HD-2", name="华东渠道")
    north = PartnerFactory(external_id="NW-1", name="Northwind")
    MembershipFactory(partner=north, user__email="alex@northwind.example")
    return east, north


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_deals", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_gb18030_file_of_chinese_and_english_names_arrives_exactly(tmp_path, world):
    east, north = world
    close = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    path = write(
        tmp_path,
        "deals.csv",
        excel_csv(
            HEADER,
            [
                f"HD-2,华东渠道科技有限公司,,CN,greater_china,防火墙;Switches,"
                f"880000.00,cny,{close},,,,老系统导入",
                f'NW-1,"ACME, Inc.",https://www.acme.example,GB,emea,Firewall,'
                f"42000,GBP,{close},approved,{close},alex@northwind.example,",
            ],
            "gb18030",
        ),
    )

    out, _err = run(path)

    assert "deals.csv was read as" in out and "GB18030" in out
    assert "Imported deals.csv: 2 new, 0 changed, 0 unchanged." in out
    chinese = Deal.objects.get(partner=east)
    assert chinese.customer_name == "华东渠道科技有限公司"
    assert chinese.customer_key == customer_key("华东渠道科技") == "华东渠道科技"
    assert chinese.notes == "老系统导入" and chinese.currency == "CNY"
    assert set(chinese.products.values_list("name", flat=True)) == {
        "Firewall",
        "Switches",
    }
    assert chinese.status == Deal.Status.SUBMITTED
    assert chinese.decision_due == add_business_days(chinese.submitted_at, 2)
    english = Deal.objects.get(partner=north)
    assert (english.customer_key, english.domain_key) == ("acme", "acme.example")
    assert english.status == Deal.Status.APPROVED
    assert english.registered_by.email == "alex@northwind.example"
    assert english.estimated_value == Decimal("42000.00")
    event = english.events.get()
    assert event.action == DealEvent.Action.APPROVED
    assert event.note == "Imported from deals.csv." and event.reason == ""


@each_case
def test_chinese_customer_names_from_excel_files(tmp_path, world, encoding, rows):
    close = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    lines = [
        f"HD-2,{name},,CN,greater_china,防火墙,1000,CNY,{close},,,,"
        for name in NAMES[:rows]
    ]
    path = write(tmp_path, "deals.csv", excel_csv(HEADER, lines, encoding))

    run(path)

    assert sorted(Deal.objects.values_list("customer_name", flat=True)) == sorted(
        NAMES[:rows]
    )


def test_a_utf8_file_with_a_byte_order_mark(tmp_path, world):
    close = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = "\ufeff" + "\r\n".join(
        [
            "partner,customer_name,country,region,products,estimated_value,"
            "currency,expected_close_date,status,final_value",
            f"NW-1,Fabrikam GmbH,DE,emea,Switches,5000.5,EUR,{close},won,5100",
        ]
    )
    path = write(tmp_path, "bom.csv", data.encode("utf-8"))

    out, _err = run(path)

    assert "Imported bom.csv: 1 new" in out
    deal = Deal.objects.get()
    assert deal.customer_key == "fabrikam"
    assert deal.status == Deal.Status.WON and deal.final_value == Decimal("5100.00")
    assert deal.estimated_value == Decimal("5000.50")


def test_an_xlsx_workbook_with_dates_and_numbers_as_excel_keeps_them(tmp_path, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADER.split(","), "lost_reason"])
    close = dt.datetime(2027, 3, 1)
    sheet.append(
        [
            "HD-2",
            "深圳蓝海电子科技有限公司",
            "lanhai.example",
            "CN",
            "greater_china",
            "交换机",
            150000,
            "CNY",
            close,
            "lost",
            None,
            None,
            None,
            "价格",
        ]
    )
    out = BytesIO()
    workbook.save(out)
    path = write(tmp_path, "deals.xlsx", out.getvalue())

    run(path)

    deal = Deal.objects.get()
    assert deal.expected_close_date == dt.date(2027, 3, 1)
    assert deal.estimated_value == Decimal("150000.00")
    assert deal.status == Deal.Status.LOST
    assert deal.lost_reason == LostReason.objects.get(name="Price")


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_row(tmp_path, world):
    close = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    path = write(
        tmp_path,
        "bad.csv",
        excel_csv(
            HEADER,
            [
                f"NW-1,Good Customer,,GB,emea,Firewall,100,GBP,{close},,,,",
                f"NW-1,Bad Customer,,GB,emea,Routers,1e3,GBP,{close},approved,,"
                "nobody@example.com,",
                f"XX-9,Unknown Partner,,GB,emea,Firewall,100,GBP,{close},,,,",
            ],
            "utf-8",
        ),
    )
    err = StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_deals", str(path), stdout=StringIO(), stderr=err)

    assert str(refused.value) == "The file has 5 errors, so nothing was imported."
    lines = err.getvalue().splitlines()
    assert lines == [
        "Row 3, column products: No product is named “Routers”. The products are: "
        "Firewall, Switches.",
        "Row 3, column estimated_value: Write the amount as a number with at most "
        "two decimals and no thousands separators, such as 25000.00.",
        "Row 3, column protected_until: An approved registration needs the day its "
        "protection ends.",
        "Row 3, column registered_by_email: No user has the email address "
        "“nobody@example.com”.",
        "Row 4, column partner: No partner has the external ID “XX-9”.",
    ]
    assert not Deal.objects.exists()


def test_a_dry_run_writes_nothing(tmp_path, world):
    close = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    path = write(
        tmp_path,
        "deals.csv",
        excel_csv(
            HEADER, [f"NW-1,Initech,,GB,emea,Firewall,100,GBP,{close},,,,"], "utf-8"
        ),
    )

    out, _err = run(path, "--dry-run")

    assert "Dry run, nothing was written: 1 new, 0 changed, 0 unchanged." in out
    assert not Deal.objects.exists()


def test_an_imported_submission_is_checked_for_conflicts_and_a_second_run_adds_nothing(
    tmp_path, world
):
    close = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    path = write(
        tmp_path,
        "deals.csv",
        excel_csv(
            HEADER,
            [
                f"HD-2,Globex Corporation,,CN,greater_china,Firewall,100,USD,"
                f"{close},,,,",
                f"NW-1,GLOBEX corp.,,GB,emea,Firewall,200,USD,{close},,,,",
            ],
            "utf-8",
        ),
    )
    StaffFactory(username="ops", is_superuser=True)

    run(path, "--user", "ops")

    later = Deal.objects.get(partner__external_id="NW-1")
    assert later.conflict is True
    assert later.conflicts.get().rule == DealConflict.Rule.NAME
    assert Deal.objects.get(partner__external_id="HD-2").conflict is True
    assert later.events.get().by.username == "ops"
    out, _err = run(path)
    assert "0 new, 0 changed, 2 unchanged." in out
    assert Deal.objects.count() == 2


def test_a_row_naming_a_stored_registration_differently_is_refused(tmp_path, world):
    close = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    first = f"NW-1,Hooli Inc.,,GB,emea,Firewall,100,USD,{close},,,,"
    run(write(tmp_path, "one.csv", excel_csv(HEADER, [first], "utf-8")))
    changed = f"NW-1,HOOLI,,GB,emea,Firewall,999,USD,{close},,,,"

    with pytest.raises(CommandError):
        call_command(
            "import_deals",
            str(write(tmp_path, "two.csv", excel_csv(HEADER, [changed], "utf-8"))),
            stdout=StringIO(),
            stderr=(err := StringIO()),
        )

    assert "An import does not change registrations." in err.getvalue()
    assert Deal.objects.get().estimated_value == Decimal("100.00")


def test_the_admin_import_previews_then_imports_as_the_program_manager(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    manager = StaffFactory(username="pm.deals")
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["access_admin", "add_deal"])
    )
    close = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = excel_csv(
        HEADER,
        [f"HD-2,华东渠道科技有限公司,,CN,greater_china,防火墙,1000,CNY,{close},,,,"],
        "gb18030",
    )
    client.force_login(manager)

    uploaded = client.post(
        reverse("deals_import:upload"),
        {"file": SimpleUploadedFile("deals.csv", data)},
    )
    preview = client.get(uploaded.url)

    assert [(row.key, row.outcome) for row in preview.context["report"].rows] == [
        ("HD-2", "created")
    ]
    assert "华东渠道科技有限公司" in preview.text
    assert not Deal.objects.exists()
    client.post(uploaded.url, {"confirm": ""})
    deal = Deal.objects.get()
    assert deal.events.get().by == manager
