"""Trailing-12-month revenue, the figure tier requirements stand on."""

import datetime
from decimal import Decimal

from partner_portal.incentives.selectors import trailing_revenue, trailing_window
from partner_portal.partners.measures import TRAILING_REVENUE, measure_values
from tests.factories import PartnerFactory, SalesRecordFactory

D = datetime.date


def sale(partner, date, amount, currency="USD"):
    SalesRecordFactory(partner=partner, date=date, amount=amount, currency=currency)


def test_the_window_is_the_twelve_months_that_end_on_the_day():
    assert trailing_window(D(2025, 1, 15)) == (D(2024, 1, 16), D(2025, 1, 15))
    assert trailing_window(D(2024, 2, 29)) == (D(2023, 3, 1), D(2024, 2, 29))
    assert trailing_window(D(2025, 3, 1)) == (D(2024, 3, 2), D(2025, 3, 1))


def test_trailing_revenue_across_a_year_boundary_with_returns(db):
    a, b, c = PartnerFactory(), PartnerFactory(), PartnerFactory()
    sale(a, D(2024, 1, 15), "1000.00")  # a year before: outside
    sale(a, D(2024, 1, 16), "200.00")  # first day of the window
    sale(a, D(2024, 6, 30), "300.50")
    sale(a, D(2024, 12, 31), "450.25")
    sale(a, D(2025, 1, 1), "1200.00")
    sale(a, D(2025, 1, 10), "-150.75")  # a return
    sale(a, D(2025, 1, 15), "99.99")  # the day itself
    sale(a, D(2025, 1, 16), "5000.00")  # after the day: outside
    sale(a, D(2024, 12, 31), "777.00", currency="EUR")  # another currency
    sale(b, D(2024, 11, 2), "-50.00")  # only a credit note

    revenue = trailing_revenue(
        partner_ids=[a.pk, b.pk, c.pk], as_of=D(2025, 1, 15), currency="USD"
    )

    # 200.00 + 300.50 + 450.25 + 1200.00 - 150.75 + 99.99
    assert revenue == {a.pk: Decimal("2099.99"), b.pk: Decimal("-50.00")}
    assert trailing_revenue(
        partner_ids=[a.pk], as_of=D(2025, 1, 15), currency="EUR"
    ) == {a.pk: Decimal("777.00")}


def test_tier_requirements_get_it_as_the_registered_measure(
    db, django_assert_num_queries
):
    partners = [PartnerFactory() for _ in range(3)]
    for partner in partners:
        sale(partner, D(2025, 5, 1), "10.00")
        sale(partner, D(2025, 6, 1), "-2.50")

    with django_assert_num_queries(1):
        values = measure_values(
            TRAILING_REVENUE,
            [p.pk for p in partners],
            D(2025, 12, 31),
            currency="USD",
        )

    assert values == {p.pk: Decimal("7.50") for p in partners}
