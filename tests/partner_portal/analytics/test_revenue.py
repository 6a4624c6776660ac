from decimal import Decimal

from django.urls import reverse

from partner_portal.analytics import sections
from partner_portal.analytics.scope import DashboardFilters

from .conftest import PERIOD

DASHBOARD = reverse("analytics_dashboard")


def revenue(user, **filters):
    form = DashboardFilters({**PERIOD, **filters}, user=user)
    assert form.is_valid(), form.errors
    (section,) = sections.build(form.scope(), only="revenue")
    return section


def chart(section, chart_id):
    (found,) = [c for c in section.charts if c.id == chart_id]
    return dict(zip(found.categories, found.series[0].values, strict=True))


def test_revenue_is_given_per_currency_with_returns_deducted(channel):
    section = revenue(channel.pm)

    figures = {figure.currency: figure for figure in section.figures}
    assert figures["CNY"].value == Decimal("1400.00")
    assert figures["USD"].value == Decimal("300.00")
    # 1,400 against 400 a year before.
    assert "+250%" in figures["CNY"].note


def test_revenue_by_tier_follows_the_tier_held_on_the_day_of_the_sale(channel):
    section = revenue(channel.pm)

    assert chart(section, "revenue-tier-cny") == {
        "Gold": Decimal("300.00"),
        "Silver": Decimal("1100.00"),
    }
    assert chart(section, "revenue-tier-usd") == {"Silver": Decimal("300.00")}


def test_revenue_by_region_and_sku_family(channel):
    section = revenue(channel.pm)

    assert chart(section, "revenue-region-cny") == {
        "Greater China": Decimal("1300.00"),
        "Europe, Middle East and Africa": Decimal("100.00"),
    }
    assert chart(section, "revenue-sku-cny") == {
        "CLOUD": Decimal("1300.00"),
        "SUPPORT": Decimal("100.00"),
    }


def test_revenue_by_month_sits_beside_the_same_month_a_year_before(channel):
    section = revenue(channel.pm)

    (monthly,) = [c for c in section.charts if c.id == "revenue-month-cny"]
    this, before = monthly.series
    assert list(this.values) == [
        Decimal("1000.00"),
        Decimal("300.00"),
        Decimal("100.00"),
    ]
    assert list(before.values) == [Decimal("400.00"), Decimal("0.00"), Decimal("0.00")]


def test_an_account_manager_sees_only_their_partners_and_cannot_widen_it(channel):
    section = revenue(channel.cam)
    assert {f.currency: f.value for f in section.figures} == {"CNY": Decimal("1300.00")}

    # Asking for another manager's partners (or a made-up one) is refused by the form.
    form = DashboardFilters(
        {**PERIOD, "account_manager": str(channel.pm.pk)}, user=channel.cam
    )
    assert not form.is_valid()
    assert form.scope().partners.filter(pk=channel.beta.pk).exists() is False


def test_filters_narrow_the_figures(channel):
    section = revenue(channel.pm, tier="silver")
    assert {f.currency: f.value for f in section.figures} == {
        "CNY": Decimal("100.00"),
        "USD": Decimal("300.00"),
    }
    section = revenue(channel.pm, region="greater_china")
    assert {f.currency: f.value for f in section.figures} == {"CNY": Decimal("1300.00")}


def test_top_and_bottom_partners(channel):
    section = revenue(channel.pm)
    (table,) = section.tables
    assert [row[2:] for row in table.rows] == [
        ["Alpha", "CNY", Decimal("1300.00")],
        ["Beta", "CNY", Decimal("100.00")],
        ["Beta", "USD", Decimal("300.00")],
    ]


def test_the_dashboard_page_shows_the_figures_and_exports_a_table(client, channel):
    client.force_login(channel.pm)

    response = client.get(DASHBOARD, PERIOD)

    assert response.status_code == 200
    assert "1,400.00" in response.text
    exported = client.get(
        DASHBOARD, {**PERIOD, "export": "revenue-partners", "format": "csv"}
    )
    assert exported.status_code == 200
    assert "Alpha" in exported.content.decode("utf-8-sig")


def test_staff_who_see_no_partner_are_refused(client, db):
    from .conftest import staff

    client.force_login(staff("editor"))

    response = client.get(DASHBOARD, PERIOD)

    # The admin sends a user without the permission back to its home.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
