"""Regions are data: a tree staff keep in the admin, files that name a region by its
code or its name in either language, and filters on a region that take in the
regions below it."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

import pytest

from partner_portal.analytics import sections
from partner_portal.analytics.scope import DashboardFilters
from partner_portal.imports.services import file_import
from partner_portal.partners.imports.kinds import PARTNERS
from partner_portal.partners.models import Partner, Region
from tests.chinese_files import PARTNER_REQUIRED_HEADER, excel_csv
from tests.factories import (
    ApplicationFactory,
    PartnerFactory,
    SalesRecordFactory,
    StaffFactory,
)

from ..analytics.conftest import PERIOD, staff


@pytest.fixture
def china(db):
    greater_china = Region.objects.get(code="greater_china")
    return {
        code: Region.objects.create(
            code=code, name=name, name_zh=name_zh, parent=greater_china, sort_order=n
        )
        for n, (code, name, name_zh) in enumerate(
            [
                ("east_china", "East China", "华东"),
                ("south_china", "South China", "华南"),
            ]
        )
    }


def test_the_shipped_regions_are_rows_so_stored_codes_stay_valid(db):
    assert list(Region.objects.filter(parent=None).values_list("code", "name_zh")) == [
        ("amer", "美洲"),
        ("emea", "欧洲、中东和非洲"),
        ("apac", "亚太"),
        ("greater_china", "大中华区"),
    ]


def test_a_gb18030_file_names_regions_in_chinese_english_or_by_code(tmp_path, china):
    path = tmp_path / "partners.csv"
    path.write_bytes(
        excel_csv(
            PARTNER_REQUIRED_HEADER,
            [
                "CN-1,上海云启,CN,华东,reseller,registered,active",
                "CN-2,广州数码港,CN,south china,reseller,registered,active",
                "CN-3,天津港湾,CN,greater_china,reseller,registered,active",
            ],
            "gb18030",
        )
    )
    with open(path, "rb") as file:
        report = file_import(
            PARTNERS, file=file, filename=path.name, by=None, dry_run=False
        )

    assert report.written, report.sorted_errors()
    assert report.encoding == "gb18030"
    assert dict(Partner.objects.values_list("external_id", "region")) == {
        "CN-1": "east_china",
        "CN-2": "south_china",
        "CN-3": "greater_china",
    }


def test_an_unknown_region_fails_its_row_naming_the_value(tmp_path, china):
    path = tmp_path / "partners.csv"
    path.write_bytes(
        excel_csv(
            PARTNER_REQUIRED_HEADER,
            [
                "CN-1,上海云启,CN,华东,reseller,registered,active",
                "CN-2,重庆山城,CN,华中,reseller,registered,active",
            ],
            "gb18030",
        )
    )
    with open(path, "rb") as file:
        report = file_import(
            PARTNERS, file=file, filename=path.name, by=None, dry_run=False
        )

    assert not report.written
    (error,) = report.sorted_errors()
    assert (error.row, error.column) == (3, "region")
    assert "“华中” is not a region" in error.message
    assert not Partner.objects.exists()


def test_a_parent_region_filter_takes_in_its_children(china):
    pm = staff("pm", "view_partner", "view_salesrecord")
    east = PartnerFactory(name="East", region="east_china")
    south = PartnerFactory(name="South", region="south_china")
    europe = PartnerFactory(name="Europe", region="emea")
    for partner, amount in [(east, "100.00"), (south, "40.00"), (europe, "7.00")]:
        SalesRecordFactory(
            partner=partner, date="2026-08-03", amount=amount, currency="CNY"
        )

    def revenue(**filters):
        form = DashboardFilters({**PERIOD, **filters}, user=pm)
        assert form.is_valid(), form.errors
        (section,) = sections.build(form.scope(), only="revenue")
        (by_region,) = [c for c in section.charts if c.id == "revenue-region-cny"]
        totals = {f.currency: f.value for f in section.figures}
        return totals, dict(
            zip(by_region.categories, by_region.series[0].values, strict=True)
        )

    # Unfiltered, the chart rolls the children up into their top-level region.
    totals, by_region = revenue()
    assert totals == {"CNY": Decimal("147.00")}
    assert by_region == {
        "Europe, Middle East and Africa": Decimal("7.00"),
        "Greater China": Decimal("140.00"),
    }
    # Greater China chosen: its children's sales, shown one level down.
    totals, by_region = revenue(region="greater_china")
    assert totals == {"CNY": Decimal("140.00")}
    assert by_region == {
        "East China": Decimal("100.00"),
        "South China": Decimal("40.00"),
    }
    totals, _ = revenue(region="east_china")
    assert totals == {"CNY": Decimal("100.00")}


def test_forms_list_the_tree_indented_in_the_users_language(china):
    with translation.override("zh-hans"):
        choices = dict(Region.objects.choices())
    assert choices["greater_china"] == "大中华区"
    assert choices["east_china"] == "\u3000华东"
    codes = [code for code, _ in Region.objects.choices()]
    assert codes.index("east_china") == codes.index("greater_china") + 1


def test_staff_keep_the_tree_under_settings(client, china):
    admin = StaffFactory(username="root", is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("regions:index")).content.decode()

    names = ["Greater China", "\u3000East China", "\u3000South China"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)

    response = client.post(
        reverse("regions:add"),
        {
            "name": "North China",
            "name_zh": "华北",
            "code": "north_china",
            "parent": china["east_china"].parent_id,
            "sort_order": 5,
        },
    )
    assert response.status_code == 302
    assert Region.objects.get(code="north_china").parent.code == "greater_china"


def test_the_application_form_offers_the_tree_in_the_users_language(client, china):
    page = client.get(reverse("application-apply"), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert page.index("大中华区") < page.index("\u3000华东") < page.index("\u3000华南")


def test_the_admin_lists_filter_on_a_region_with_the_regions_below_it(client, china):
    PartnerFactory(name="Shanghai Channel", region=china["east_china"])
    PartnerFactory(name="Guangzhou Channel", region=china["south_china"])
    PartnerFactory(name="Berlin Channel", region="emea")
    client.force_login(StaffFactory(is_superuser=True))

    def listed(region):
        page = client.get(reverse("partner:index"), {"region": region})
        assert page.status_code == 200
        return {
            name
            for name in ("Shanghai Channel", "Guangzhou Channel", "Berlin Channel")
            if name in page.text
        }

    assert listed("greater_china") == {"Shanghai Channel", "Guangzhou Channel"}
    assert listed("east_china") == {"Shanghai Channel"}
    assert listed("emea") == {"Berlin Channel"}

    with translation.override("zh-hans"):
        page = client.get(reverse("partner:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.text.index("大中华区") < page.text.index("\u3000华东")
    ApplicationFactory(company_name="Suzhou Systems", country="CN", region="east_china")
    ApplicationFactory(company_name="Lyon Systems", country="FR", region="emea")
    applications = client.get(reverse("application:index"), {"region": "greater_china"})
    assert "Suzhou Systems" in applications.text
    assert "Lyon Systems" not in applications.text
