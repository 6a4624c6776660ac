"""Partner users see their own partner's sales, and nobody else's."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import lxml.html
import pytest

from partner_portal.partners.models import Stage
from tests.factories import PartnerFactory, SalesRecordFactory, StaffFactory
from tests.partner_portal.charts.drawings import chart_drawings

D = datetime.date


@pytest.fixture
def seller(partner_user_at):
    return partner_user_at("silver", Stage.ACTIVE)


def lines_of(user, **fields):
    return SalesRecordFactory(partner=user.membership.partner, **fields)


def test_a_partner_user_sees_their_sales_and_not_another_partners(client, seller):
    mine = lines_of(seller, invoice_number="MINE-1", amount="120.00")
    theirs = SalesRecordFactory(partner=PartnerFactory(), invoice_number="THEIRS-1")
    client.force_login(seller)

    response = client.get(reverse("sales-list"))

    assert response.status_code == 200
    assert mine.invoice_number in response.text
    assert theirs.invoice_number not in response.text
    assert client.get(reverse("sales-detail", args=[mine.pk])).status_code == 200
    foreign = client.get(reverse("sales-detail", args=[theirs.pk]))
    assert foreign.status_code == 404
    assert theirs.invoice_number not in foreign.text


def test_a_line_shows_its_earlier_values(client, seller, tmp_path):
    from partner_portal.incentives.services import sales_import_rows

    partner = seller.membership.partner
    row = {
        "invoice_number": "INV-7",
        "line_number": "1",
        "partner_external_id": partner.external_id,
        "date": "2025-05-05",
        "sku": "SKU-A",
        "quantity": "1",
        "amount": "80.00",
        "currency": "USD",
    }
    sales_import_rows(rows=[(2, row)], name="first")
    sales_import_rows(rows=[(2, {**row, "amount": "85.00"})], name="correction")
    client.force_login(seller)
    line = partner.sales.get()

    response = client.get(reverse("sales-detail", args=[line.pk]))

    assert "85.00" in response.text
    assert "80.00" in response.text  # the earlier value


@pytest.mark.parametrize("stage", [Stage.SUSPENDED, Stage.TERMINATED])
def test_a_partner_without_access_sees_no_sales(client, partner_user_at, stage):
    user = partner_user_at("gold", stage)
    line = lines_of(user)
    client.force_login(user)

    assert client.get(reverse("sales-list")).status_code == 404
    assert client.get(reverse("sales-detail", args=[line.pk])).status_code == 404


def test_staff_and_visitors_have_no_portal_sales_page(client, db):
    line = SalesRecordFactory()
    response = client.get(reverse("sales-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.force_login(StaffFactory())
    assert client.get(reverse("sales-list")).status_code == 404
    assert client.get(reverse("sales-detail", args=[line.pk])).status_code == 404


def test_sales_filter_by_period_and_sku(client, seller):
    lines_of(seller, invoice_number="JAN", date=D(2025, 1, 10), sku="A")
    lines_of(seller, invoice_number="FEB", date=D(2025, 2, 10), sku="A")
    lines_of(seller, invoice_number="MAR", date=D(2025, 3, 10), sku="B")
    client.force_login(seller)

    def shown(**query):
        text = client.get(reverse("sales-list"), query).text
        return {name for name in ("JAN", "FEB", "MAR") if name in text}

    assert shown() == {"JAN", "FEB", "MAR"}
    assert shown(date_from="2025-02-01", date_to="2025-03-31") == {"FEB", "MAR"}
    assert shown(date_to="2025-01-31") == {"JAN"}
    assert shown(sku="A") == {"JAN", "FEB"}
    assert shown(sku="A", date_from="2025-02-01") == {"FEB"}


def test_totals_follow_the_filters_and_subtract_returns(client, seller):
    lines_of(seller, amount="1000.00", currency="USD", date=D(2025, 1, 1))
    lines_of(seller, amount="-250.50", currency="USD", date=D(2025, 1, 2))
    lines_of(seller, amount="99.00", currency="EUR", date=D(2025, 1, 3))
    client.force_login(seller)

    response = client.get(reverse("sales-list"))

    totals = {row["currency"]: row["amount"] for row in response.context["totals"]}
    assert totals == {"USD": Decimal("749.50"), "EUR": Decimal("99.00")}


def test_the_list_is_paginated_in_a_bounded_number_of_queries(
    client, seller, django_assert_max_num_queries
):
    client.force_login(seller)
    lines_of(seller, date=D(2025, 1, 1))
    with CaptureQueriesContext(connection) as one_line:
        client.get(reverse("sales-list"))
    for n in range(120):
        lines_of(seller, invoice_number=f"INV-{n:03d}", date=D(2025, 1, 1))

    # As many queries for a full page as for one line: none per line.
    with django_assert_max_num_queries(len(one_line)):
        first = client.get(reverse("sales-list"))
    with django_assert_max_num_queries(len(one_line)):
        third = client.get(reverse("sales-list"), {"page": 3})

    assert len(one_line) <= 15
    assert len(first.context["page"].object_list) == 50
    assert len(third.context["page"].object_list) == 21
    assert "Page 3 of 3" in third.text


def test_the_header_links_to_sales_for_partner_users_only(client, seller):
    client.force_login(seller)
    assert reverse("sales-list") in client.get("/").text
    client.force_login(StaffFactory())
    assert reverse("sales-list") not in client.get("/").text


def test_the_home_card_shows_the_trailing_twelve_months(client, seller):
    today = timezone.localdate()
    lines_of(seller, amount="500.00", date=today, currency="CNY")
    lines_of(seller, amount="-100.00", date=today, currency="CNY")
    lines_of(seller, amount="900.00", date=today - datetime.timedelta(days=400))
    client.force_login(seller)

    response = client.get("/")

    assert "Your sales" in response.text
    assert "400.00" in response.text
    assert "900.00" not in response.text


def months_back(day, months):
    """The first day of the month `months` before the month of `day`."""
    month = day.replace(day=1)
    for _ in range(months):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def chart_figures(html):
    """{currency: {"YYYY-MM": "amount"}} from the figures tables of the charts; each
    cell names its currency."""
    figures = {}
    for figure in lxml.html.fromstring(html).xpath("//figure"):
        currency = figure.xpath("string(.//table/caption)").split()[-1]
        figures[currency] = {
            row.xpath("string(th)"): row.xpath("string(td)").removesuffix(
                "\N{NO-BREAK SPACE}" + currency
            )
            for row in figure.xpath(".//tbody/tr")
        }
    return figures


def test_the_sales_page_charts_each_currency_by_month_with_its_figures(client, seller):
    today = timezone.localdate()
    this_month, two_back = months_back(today, 0), months_back(today, 2)
    lines_of(seller, date=this_month, amount="100.00", currency="USD")
    lines_of(seller, date=this_month, amount="-30.50", currency="USD")  # a return
    lines_of(seller, date=two_back, amount="1200.25", currency="USD")
    lines_of(seller, date=months_back(today, 12), amount="999.00", currency="USD")
    lines_of(seller, date=two_back, amount="-5.00", currency="EUR")
    SalesRecordFactory(partner=PartnerFactory(), date=this_month, amount="777.00")
    client.force_login(seller)

    response = client.get(reverse("sales-list"))

    figures = chart_figures(response.text)
    assert set(figures) == {"USD", "EUR"}
    usd = figures["USD"]
    months = [f"{months_back(today, n):%Y-%m}" for n in range(11, -1, -1)]
    assert list(usd) == months
    assert usd[f"{this_month:%Y-%m}"] == "69.50"
    assert usd[f"{two_back:%Y-%m}"] == "1,200.25"
    assert usd[f"{months_back(today, 1):%Y-%m}"] == "0.00"
    assert figures["EUR"][f"{two_back:%Y-%m}"] == "-5.00"
    # What the browser draws: the same months and exact amounts, and their wording.
    drawn = chart_drawings(response.text)
    assert set(drawn) == {"revenue-usd", "revenue-eur"}
    assert drawn["revenue-usd"]["categories"] == months
    (amounts,) = drawn["revenue-usd"]["series"]
    assert amounts["values"][-1] == "69.50"
    assert amounts["values"][-3] == "1200.25"
    assert amounts["words"][-3] == "1,200.25\N{NO-BREAK SPACE}USD"
    page = lxml.html.fromstring(response.text)
    # One copy of the chart scripts for the two charts, none inline.
    assert len(page.xpath("//script[contains(@src, 'charts/charts.js')]")) == 1
    assert len(page.xpath("//script[contains(@src, 'echarts.min.js')]")) == 1
    assert page.xpath("//script[not(@src) and not(@type='application/json')]") == []


def test_the_sales_page_exports_a_charts_figures(client, seller):
    this_month = months_back(timezone.localdate(), 0)
    lines_of(seller, date=this_month, amount="100.00", currency="USD")
    client.force_login(seller)
    page = lxml.html.fromstring(client.get(reverse("sales-list")).text)
    (csv_link,) = page.xpath("//figure//a[text()='CSV']/@href")

    response = client.get(csv_link)

    assert response["Content-Disposition"] == 'attachment; filename="revenue-usd.csv"'
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Month,Amount (USD)"
    assert rows[-1] == f"{this_month:%Y-%m},100.00"


def test_a_partner_without_sales_gets_no_chart(client, seller):
    client.force_login(seller)

    response = client.get(reverse("sales-list"))

    assert "chart-canvas" not in response.text
    assert "echarts" not in response.text
    assert "There are no sales lines for these filters." in response.text
