"""A quarter's statement run next to one plain GROUP BY over the same sales lines.

Not a test: it prints figures measured in one run, as a ratio. Run it against the
PostgreSQL of `make services`:

    source .services.env && .venv/bin/python bench/statements.py \
        [--partners 2000] [--sales 1000000]

It creates a scratch database (the configured name prefixed with "bench_", dropped
at the end) with the partners in four tiers (each with its tier history), a
certification held by some of their users, and the sales lines spread over one
quarter in two currencies with returns among them. A program with all four rule
types (percent of revenue, marginal volume bands on some SKUs, per-unit amounts,
a certification bonus) and a cap is then run for that quarter with
`statements_run()`, as `manage.py run_statements` runs it, and timed next to

    SELECT partner_id, sum(amount) FROM incentives_salesrecord
    WHERE date BETWEEN <the quarter> GROUP BY partner_id

on warm buffers (each measured three times into an empty statements table, the best
kept; a second run, which replaces the drafts, is printed too). The last line reads
`statements: <s> s, group by: <s> s, ratio <x>`.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

TIERS = ("registered", "silver", "gold", "platinum")
PROGRAM = {
    "code": "bench",
    "name": "Bench rebate",
    "kind": "rebate",
    "currency": "USD",
    "start": "2026-01-01",
    "end": "2026-12-31",
    "period": "quarter",
    "eligible_tiers": ["silver", "gold", "platinum"],
    "rules": [
        {
            "type": "percent_of_revenue",
            "rates": {"silver": "1.5", "gold": "2.5", "platinum": "3.25"},
        },
        {
            "type": "volume_bands",
            "mode": "marginal",
            "bands": [
                {"from": "0", "rate": "0.5"},
                {"from": "50000", "rate": "1"},
                {"from": "200000", "rate": "1.75"},
            ],
            "skus": ["SKU-001", "SKU-002", "SKU-003", "SKU-004", "SKU-005"],
        },
        {
            "type": "per_unit",
            "amounts": {"SKU-010": "2.5", "SKU-011": "0.3333", "SKU-012": "12"},
        },
        {
            "type": "certification_bonus",
            "certification": "bench-cert",
            "min_certified_users": 2,
            "amount": "750",
        },
    ],
    "cap_per_period": "40000",
}


def setup():
    import django

    django.setup()


def seed(partners: int, sales: int) -> None:
    from django.db import connection

    from learning.models import Certification
    from partner_portal.incentives.models import SalesRecord, SalesSource
    from partner_portal.partners.models import Partner, Tier, TierChange, User

    tiers = {tier.code: tier for tier in Tier.objects.all()}
    made = Partner.objects.bulk_create(
        Partner(
            external_id=f"P-{n:05d}",
            name=f"Partner {n}",
            country="CN" if n % 2 else "DE",
            region="apac" if n % 2 else "emea",
            partner_type="reseller",
            tier=tiers[TIERS[n % 4]],
            stage="active",
        )
        for n in range(partners)
    )
    TierChange.objects.bulk_create(
        TierChange(partner=p, tier=p.tier, effective_from="2025-01-01") for p in made
    )
    certification = Certification.objects.create(code="bench-cert", name="Bench")
    users = User.objects.bulk_create(
        User(username=f"u{n}", email=f"u{n}@example.com") for n in range(partners)
    )
    from learning.models import CertificationAward

    CertificationAward.objects.bulk_create(
        CertificationAward(
            credential_id=f"B-{n}",
            certification=certification,
            user=users[n],
            partner=made[(n // 2) * 2 % partners],
            issued_at="2025-06-01",
            expires_at="2027-06-01",
        )
        for n in range(partners)
    )
    source = SalesSource.objects.create(kind="command", name="bench")
    first_partner = made[0].pk
    with connection.cursor() as cursor:
        # Lines spread over the quarter; every ninth a return, every tenth in EUR.
        cursor.execute(
            f"""
            INSERT INTO {SalesRecord._meta.db_table} (
                invoice_number, line_number, partner_id, date, sku, quantity,
                amount, currency, source_id, created_at, updated_at
            )
            SELECT 'INV-' || n, 1, %s + n %% %s,
                   DATE '2026-01-01' + (n %% 90)::int,
                   'SKU-' || lpad(((n / %s) %% 20)::text, 3, '0'),
                   CASE WHEN n %% 9 = 0 THEN -1 ELSE 1 + n %% 4 END,
                   (CASE WHEN n %% 9 = 0 THEN -1 ELSE 1 END)
                       * ((n * 7919) %% 100000) / 100.0,
                   CASE WHEN n %% 10 = 0 THEN 'EUR' ELSE 'USD' END,
                   %s, now(), now()
            FROM generate_series(1::bigint, %s) AS n
            """,  # noqa: S608
            [first_partner, partners, partners, source.pk, sales],
        )
        cursor.execute(f"ANALYZE {SalesRecord._meta.db_table}")


def best_of(times: int, run) -> float:
    best = None
    for _ in range(times):
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best


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
        from partner_portal.incentives.models import (
            Program,
            SalesRecord,
            Statement,
            StatementLine,
        )
        from partner_portal.incentives.program_files import programs_load
        from partner_portal.incentives.statements.runs import statements_run

        seed(args.partners, args.sales)
        programs_load(data=[PROGRAM])
        program = Program.objects.get(code="bench")
        table = SalesRecord._meta.db_table

        def group_by():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT partner_id, sum(amount) FROM {table} "  # noqa: S608
                    "WHERE date BETWEEN '2026-01-01' AND '2026-03-31' "
                    "GROUP BY partner_id"
                )
                cursor.fetchall()

        def empty():
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE incentives_statementevent, incentives_statementline, "
                    "incentives_statement CASCADE"
                )

        def timed_run():
            empty()
            started = time.perf_counter()
            statements_run(program=program, period_label="2026-Q1")
            return time.perf_counter() - started

        group_by()  # warm the buffers for both
        grouped = best_of(3, group_by)
        statements = min(timed_run() for _ in range(3))
        rerun_started = time.perf_counter()
        statements_run(program=program, period_label="2026-Q1")
        rerun = time.perf_counter() - rerun_started
        count = Statement.objects.count()
        lines = StatementLine.objects.count()
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
    print(
        f"{args.sales:,} sales lines, {args.partners:,} partners: "
        f"{count:,} statements with {lines:,} lines"
    )
    print(f"a second run over the drafts: {rerun:.2f} s")
    print(
        f"statements: {statements:.2f} s, group by: {grouped:.2f} s, "
        f"ratio {statements / grouped:.1f}"
    )


if __name__ == "__main__":
    main()
