"""The channel dashboard's full render next to the time of its SQL queries alone.

Not a test: it prints figures measured in one run, as a ratio. Run it against the
PostgreSQL of `make services`:

    source .services.env && .venv/bin/python bench/dashboard.py \
        [--partners 2000] [--sales 1000000]

It creates a scratch database (the configured name prefixed with "bench_", dropped at
the end) with the partners in four tiers, four regions and five types (each with its
tier history, some promoted in the measured year), a user each, the sales lines
spread over two years in two currencies with returns among them, and per partner a
few deal registrations in every state, support tickets (some breached and rated),
downloads and certification awards. A program manager then opens the dashboard for
the last quarter, three times on warm buffers; each render is timed whole (the view,
every section's queries and the template) and each SQL query on its own, through a
database execute wrapper. The best render is kept with its own query time. The last
line reads `dashboard: render <s> s, queries <s> s, ratio <x>, <n> queries`; the
target is a ratio of at most 1.5 and a query count that does not grow with
`--partners` (run it with 200 and 2000 to see).
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

TIERS = ("registered", "silver", "gold", "platinum")
REGIONS = ("amer", "emea", "apac", "greater_china")
TYPES = ("reseller", "distributor", "msp", "referral", "system_integrator")
QUARTER = ("2026-07-01", "2026-09-30")


def setup():
    import django

    django.setup()


def seed(partners: int, sales: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from learning.models import Certification, CertificationAward
    from partner_portal.deals.models import Deal, LostReason
    from partner_portal.incentives.models import SalesRecord, SalesSource
    from partner_portal.partners.models import Partner, Tier, TierChange, User
    from partner_portal.support.models import Category, Rating, Ticket

    tiers = {tier.code: tier for tier in Tier.objects.all()}
    made = Partner.objects.bulk_create(
        Partner(
            external_id=f"P-{n:05d}",
            name=f"Partner {n}",
            country="CN" if n % 2 else "DE",
            region=REGIONS[n % 4],
            partner_type=TYPES[n % 5],
            tier=tiers[TIERS[n % 4]],
            stage="active",
            joined_on="2024-01-01",
        )
        for n in range(partners)
    )
    TierChange.objects.bulk_create(
        TierChange(partner=p, tier=tiers["registered"], effective_from="2024-01-01")
        for p in made
    )
    # A quarter of the partners reached their tier in the middle of the quarter.
    TierChange.objects.bulk_create(
        TierChange(partner=p, tier=p.tier, effective_from="2026-08-15")
        for p in made[::4]
    )
    users = User.objects.bulk_create(
        User(username=f"u{n}", email=f"u{n}@example.com") for n in range(partners)
    )
    certification = Certification.objects.create(code="bench-cert", name="Bench")
    CertificationAward.objects.bulk_create(
        CertificationAward(
            credential_id=f"B-{n}",
            certification=certification,
            user=users[n],
            partner=made[n],
            issued_at="2025-10-01",
            expires_at=f"2026-{10 + n % 3}-15",
        )
        for n in range(partners)
    )
    source = SalesSource.objects.create(kind="command", name="bench")
    with connection.cursor() as cursor:
        # Two years of lines up to the quarter's end; every ninth a return, every
        # tenth in EUR, twenty SKUs in four families.
        cursor.execute(
            f"""
            INSERT INTO {SalesRecord._meta.db_table} (
                invoice_number, line_number, partner_id, date, sku, quantity,
                amount, currency, source_id, created_at, updated_at
            )
            SELECT 'INV-' || n, 1, %s + n %% %s,
                   DATE '2024-10-01' + (n %% 730)::int,
                   (ARRAY['CLOUD', 'EDGE', 'SUPPORT', 'TRAIN'])[1 + n %% 4]
                       || '-' || lpad(((n / %s) %% 5)::text, 3, '0'),
                   CASE WHEN n %% 9 = 0 THEN -1 ELSE 1 + n %% 4 END,
                   (CASE WHEN n %% 9 = 0 THEN -1 ELSE 1 END)
                       * ((n * 7919) %% 100000) / 100.0,
                   CASE WHEN n %% 10 = 0 THEN 'EUR' ELSE 'USD' END,
                   %s, now(), now()
            FROM generate_series(1::bigint, %s) AS n
            """,  # noqa: S608
            [made[0].pk, partners, partners, source.pk, sales],
        )
    statuses = ["submitted", "approved", "rejected", "won", "lost"]
    lost = LostReason.objects.order_by("pk").first()
    submitted = timezone.make_aware(dt.datetime(2026, 7, 6, 10))
    Deal.objects.bulk_create(
        Deal(
            partner=made[n % partners],
            registered_by=users[n % partners],
            customer_name=f"Customer {n}",
            customer_key=f"customer {n}",
            country="DE",
            region=REGIONS[n % 4],
            estimated_value=1000 + n % 50_000,
            currency="USD",
            expected_close_date="2026-12-31",
            status=statuses[n % 5],
            submitted_at=submitted + dt.timedelta(hours=n % 2000),
            decision_due=submitted + dt.timedelta(days=3 + n % 5),
            decided_at=None
            if n % 5 == 0
            else submitted + dt.timedelta(hours=n % 2000 + 30),
            final_value=1000 + n % 40_000 if n % 5 == 3 else None,
            protected_until="2026-12-31" if n % 5 == 1 else None,
            lost_reason=lost if n % 5 == 4 else None,
        )
        for n in range(partners * 5)
    )
    category = Category.objects.order_by("pk").first()
    opened = timezone.make_aware(dt.datetime(2026, 7, 1, 9))
    tickets = Ticket.objects.bulk_create(
        Ticket(
            partner=made[n % partners],
            opened_by=users[n % partners],
            category=category,
            priority=("low", "normal", "high", "urgent")[n % 4],
            subject=f"Question {n}",
            description="Bench",
            status=("new", "open", "resolved", "closed")[n % 4],
            first_response_due=opened + dt.timedelta(hours=n % 2000 + 8),
            resolution_due=opened + dt.timedelta(hours=n % 2000 + 40),
            resolution_hours=40,
            first_response_at=opened + dt.timedelta(hours=n % 2000 + 1 + n % 12),
            resolved_at=opened + dt.timedelta(hours=n % 2000 + 20 + n % 40)
            if n % 4 >= 2
            else None,
        )
        for n in range(partners * 5)
    )
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(created_at=opened)
    Rating.objects.bulk_create(
        Rating(ticket=ticket, score=1 + n % 5)
        for n, ticket in enumerate(tickets)
        if ticket.resolved_at is not None
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument("--sales", type=int, default=1_000_000)
    args = parser.parse_args()
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (.services.env).")
    connection.settings_dict["TEST"]["NAME"] = (
        f"bench_{connection.settings_dict['NAME']}"
    )
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client

        from partner_portal.partners.models import User

        seed(args.partners, args.sales)
        manager = User.objects.create_superuser("bench-pm", "pm@example.com", "x")
        client = Client()
        client.force_login(manager)
        query = {"kind": "custom", "first": QUARTER[0], "last": QUARTER[1]}

        def render():
            spent, count = [0.0], [0]

            def timed(execute, sql, params, many, context):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - started
                    count[0] += 1

            started = time.perf_counter()
            with connection.execute_wrapper(timed):
                response = client.get("/admin/analytics/", query)
            total = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"The dashboard answered {response.status_code}.")
            return total, spent[0], count[0]

        render()  # warm the buffers and the templates
        best = min((render() for _ in range(3)), key=lambda run: run[0])
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
    total, queries, count = best
    print(f"{args.sales:,} sales lines, {args.partners:,} partners")
    print(
        f"dashboard: render {total:.2f} s, queries {queries:.2f} s, "
        f"ratio {total / queries:.2f}, {count} queries"
    )


if __name__ == "__main__":
    main()
