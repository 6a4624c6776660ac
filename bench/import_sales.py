"""Sales import next to PostgreSQL COPY of the same file: time and peak memory.

Not a test: it prints figures measured in one run, as ratios. Run it against the
PostgreSQL of `make services`:

    source .services.env && .venv/bin/python bench/import_sales.py [--rows 1000000]

It creates a scratch database (the configured name prefixed with "bench_", dropped
at the end), generates a CSV of sales lines for 1,000 partners, then measures, each
in a fresh process so that peak memory is the phase's own:

- COPY: the file streamed into a bare table (same column types, no index, no
  constraint, no validation) with PostgreSQL COPY, the floor for any import;
- import: `sales_import_file()` on the same file, as `import_sales` runs it;
- re-import: the same file again, every line unchanged;
- import of a tenth as many new rows into that ledger: its indexes are then updated
  line by line (a load smaller than the ledger), and peak memory shows that it does
  not grow with the file.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

PARTNERS = 1_000
CURRENCIES = ("USD", "EUR", "CNY", "GBP")
HEADER = (
    "invoice_number,line_number,partner_external_id,date,sku,quantity,amount,currency"
)


def setup(database=None):
    import django
    from django.conf import settings

    if database:
        settings.DATABASES["default"]["NAME"] = database
    django.setup()


def _status(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/self/status has no {field}")


def start_measuring():
    """Reset the peak memory of this process to its current size (Linux 4.0+)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _status("VmRSS:")


def peak_mib():
    return _status("VmHWM:")


def generate(path, rows, first=0):
    """Write `rows` sales lines, numbered from `first` (their invoice lines too)."""
    start = datetime.date(2024, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(HEADER + "\n")
        for n in range(first, first + rows):
            # Every ninth line or so is a return: negative quantity and amount.
            quantity = n % 9 - 2 or 1
            cents = abs(quantity) * ((n * 7919) % 100_000)
            sign = "-" if quantity < 0 else ""
            file.write(
                f"INV-{n // 5:08d},{n % 5 + 1},P-{(n * 7) % PARTNERS:05d},"
                f"{start + datetime.timedelta(days=n % 730)},SKU-{n % 50:03d},"
                f"{quantity},{sign}{cents // 100}.{cents % 100:02d},"
                f"{CURRENCIES[n % len(CURRENCIES)]}\n"
            )


def phase_copy(path):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        cursor.execute(
            "CREATE TABLE bench_bare (invoice_number varchar(64), line_number "
            "integer, partner_external_id varchar(64), date date, sku varchar(64), "
            "quantity integer, amount numeric(14, 2), currency varchar(3))"
        )
        before = start_measuring()
        started = time.perf_counter()
        with (
            open(path, "rb") as file,
            cursor.copy(
                "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)"
            ) as copy,
        ):
            while chunk := file.read(1024 * 1024):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_bare")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_bare")
    return {"seconds": seconds, "rows": count, "rss_before": before}


def phase_import(path):
    from partner_portal.incentives.services import sales_import_file

    before = start_measuring()
    started = time.perf_counter()
    with open(path, "rb") as file:
        result = sales_import_file(file=file, filename=Path(path).name)
    seconds = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(
            f"import failed: {result.file_error or result.sorted_errors()[:5]}"
        )
    return {
        "seconds": seconds,
        "rows": result.rows,
        "created": result.created,
        "unchanged": result.unchanged,
        "rss_before": before,
    }


def run_phase(name, database, path=""):
    """Run one phase in a fresh interpreter; return its figures."""
    output = subprocess.run(  # noqa: S603 (this same script, our own arguments)
        [sys.executable, __file__, "--phase", name, "--database", database, path],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def child(args):
    setup(args.database)
    figures = {"copy": phase_copy, "import": phase_import}[args.phase]
    result = figures(args.path)
    result["peak"] = peak_mib()
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return child(args)

    setup()
    from django.db import connection

    from partner_portal.partners.models import Partner, Tier

    if connection.vendor != "postgresql":
        raise SystemExit(
            "Set DATABASE_URL to a PostgreSQL database (see .services.env)."
        )
    connection.settings_dict["TEST"]["NAME"] = (
        f"bench_{connection.settings_dict['NAME']}"
    )
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        tier = Tier.objects.order_by("rank").first()
        Partner.objects.bulk_create(
            Partner(
                external_id=f"P-{n:05d}",
                name=f"Partner {n}",
                country="DE",
                region="emea",
                partner_type="reseller",
                tier=tier,
                stage="active",
            )
            for n in range(PARTNERS)
        )
        connection.close()
        with tempfile.TemporaryDirectory() as folder:
            big = Path(folder) / "sales.csv"
            small = Path(folder) / "sales-small.csv"
            generate(big, args.rows)
            generate(small, args.rows // 10, first=args.rows)
            size = big.stat().st_size / 1024**2
            print(f"{args.rows:,} rows, {size:.0f} MiB of CSV, {PARTNERS:,} partners")
            copy = run_phase("copy", database, str(big))
            first = run_phase("import", database, str(big))
            again = run_phase("import", database, str(big))
            tenth = run_phase("import", database, str(small))
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)

    assert first["created"] == args.rows and again["unchanged"] == args.rows
    assert tenth["created"] == args.rows // 10

    def line(label, figures, rows):
        seconds = figures["seconds"]
        grown = figures["peak"] - figures["rss_before"]
        return (
            f"{label:<26}{seconds:>9.2f} s{rows / seconds:>12,.0f} rows/s"
            f"{figures['peak']:>9.0f} MiB{grown:>+9.0f} MiB"
            f"{seconds / copy['seconds']:>9.1f}x"
        )

    print(
        f"{'':<26}{'time':>11}{'rate':>19}{'peak RSS':>13}{'growth':>13}{'vs COPY':>10}"
    )
    print(line("COPY into a bare table", copy, args.rows))
    print(line("import", first, args.rows))
    print(line("re-import (all unchanged)", again, args.rows))
    print(line(f"{args.rows // 10:,} new rows into it", tenth, args.rows // 10))
    print(
        f"Import time is {first['seconds'] / copy['seconds']:.1f}x COPY (target: at "
        f"most 10x). Peak memory for {args.rows // 10:,} rows: "
        f"{tenth['peak']:.0f} MiB; for {args.rows:,}: {first['peak']:.0f} MiB."
    )


if __name__ == "__main__":
    main()
