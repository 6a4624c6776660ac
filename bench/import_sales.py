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

Then, each into an empty ledger again, the files and the ways users load them:

- the same lines saved in GB18030 with Chinese SKUs, as Excel saves CSV in China,
  next to COPY of that file (ENCODING 'GB18030') into the bare table; the line
  says whether the import streamed the file's bytes through COPY (the fast path)
  or read it in Python;
- the import as the task worker runs a big upload (`sales_import_job_run()`, which
  writes the rows read to the job every second), next to the same import without a
  job just before it;
- the whole `manage.py import_sales` command as a subprocess, start-up, progress
  bar and all, next to `psql -c '\\copy ...'` of the same file into the bare table,
  also a subprocess.
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

PSQL = "/usr/lib/postgresql/15/bin/psql"
PARTNERS = 1_000
CURRENCIES = ("USD", "EUR", "CNY", "GBP")
# Product names as a Chinese distributor's invoices spell them.
CHINESE_SKUS = (
    "路由器",
    "交换机",
    "防火墙",
    "无线接入点",
    "服务器",
    "光模块",
    "云存储",
)
HEADER = (
    "invoice_number,line_number,partner_external_id,date,sku,quantity,amount,currency"
)
BARE = (
    "CREATE TABLE bench_bare (invoice_number varchar(64), line_number integer, "
    "partner_external_id varchar(64), date date, sku varchar(64), quantity integer, "
    "amount numeric(14, 2), currency varchar(3))"
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


def generate(path, rows, first=0, encoding="utf-8"):
    """Write `rows` sales lines, numbered from `first` (their invoice lines too).

    In GB18030 the SKUs are Chinese product names; otherwise SKU-000 and so on.
    """
    start = datetime.date(2024, 1, 1)
    chinese = encoding != "utf-8"
    with open(path, "w", encoding=encoding, newline="") as file:
        file.write(HEADER + "\n")
        for n in range(first, first + rows):
            # Every ninth line or so is a return: negative quantity and amount.
            quantity = n % 9 - 2 or 1
            cents = abs(quantity) * ((n * 7919) % 100_000)
            sign = "-" if quantity < 0 else ""
            if chinese:
                sku = f"{CHINESE_SKUS[n % len(CHINESE_SKUS)]}-{n % 50:03d}"
            else:
                sku = f"SKU-{n % 50:03d}"
            file.write(
                f"INV-{n // 5:08d},{n % 5 + 1},P-{(n * 7) % PARTNERS:05d},"
                f"{start + datetime.timedelta(days=n % 730)},{sku},"
                f"{quantity},{sign}{cents // 100}.{cents % 100:02d},"
                f"{CURRENCIES[n % len(CURRENCIES)]}\n"
            )


def phase_copy(path, encoding="UTF8"):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        cursor.execute(BARE)
        before = start_measuring()
        started = time.perf_counter()
        with (
            open(path, "rb") as file,
            cursor.copy(
                "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true, "
                f"ENCODING '{encoding}')"
            ) as copy,
        ):
            while chunk := file.read(1024 * 1024):
                copy.write(chunk)
        seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM bench_bare")
        count = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_bare")
    return {"seconds": seconds, "rows": count, "rss_before": before}


def phase_copy_gb18030(path):
    return phase_copy(path, encoding="GB18030")


def _watching_the_path(run):
    """Run `run()`, noting whether the file took COPY's fast path (see reading.py).

    Only the fast path deletes blank rows from staging in SQL, and only it strips
    cells with an UPDATE of every staged row, so the statements tell the paths
    apart without touching the import.
    """
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = run()
    from partner_portal.incentives.services.staging import STAGING

    starts = {tuple(sql.split()[:3]) for sql in statements}
    return result, {
        "fast_path": ("DELETE", "FROM", STAGING) in starts,
        "stripped": ("UPDATE", STAGING, "SET") in starts,
    }


def phase_import(path):
    from partner_portal.incentives.services import sales_import_file

    def run():
        with open(path, "rb") as file:
            return sales_import_file(file=file, filename=Path(path).name)

    before = start_measuring()
    started = time.perf_counter()
    result, path_taken = _watching_the_path(run)
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
        "encoding": result.encoding,
        "rss_before": before,
        **path_taken,
    }


def phase_job(path):
    """The import as the task worker runs a big upload, progress written and all."""
    from django.test import override_settings

    from partner_portal.incentives.models import SalesImportJob
    from partner_portal.incentives.services import (
        sales_file_rows,
        sales_import_job_run,
    )
    from partner_portal.partners.models import User

    with override_settings(MEDIA_ROOT=str(Path(path).parent)):
        with open(path, "rb") as file:
            rows = sales_file_rows(file=file, filename=Path(path).name)
        job = SalesImportJob.objects.create(
            kind="upload",
            name=Path(path).name,
            file=Path(path).name,
            rows_total=rows,
            created_by=User.objects.get(username="bench"),
        )
        before = start_measuring()
        started = time.perf_counter()
        job = sales_import_job_run(job_id=job.pk)
        seconds = time.perf_counter() - started
    if job.status != "succeeded":
        raise SystemExit(f"job failed: {job.report}")
    return {
        "seconds": seconds,
        "rows": job.row_count,
        "created": job.created_count,
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
    figures = {
        "copy": phase_copy,
        "copy_gb18030": phase_copy_gb18030,
        "import": phase_import,
        "job": phase_job,
    }[args.phase]
    result = figures(args.path)
    result["peak"] = peak_mib()
    print(json.dumps(result))


def empty_the_ledger():
    """Back to a ledger without lines, so that each load below starts alike."""
    from django.db import connection

    from partner_portal.incentives.models import (
        SalesImportJob,
        SalesRecord,
        SalesRecordChange,
        SalesSource,
    )

    tables = ", ".join(
        model._meta.db_table
        for model in (SalesRecordChange, SalesRecord, SalesImportJob, SalesSource)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}")
    connection.close()


def timed_process(command, env):
    """Wall time of a whole process: start-up, work and exit."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)  # noqa: S603
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{command[0]} failed:\n{done.stderr[-2000:]}")
    return {"seconds": seconds, "peak": 0, "rss_before": 0}


def processes(path, database):
    """`manage.py import_sales` and `psql \\copy`, each a process of its own."""
    from django.db import connection

    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    url = (
        f"postgres://{settings['USER']}{password}@"
        f"{settings['HOST']}:{settings['PORT']}/{database}"
    )
    env = {**os.environ, "DATABASE_URL": url}
    # The command with the settings `manage.py` uses by default, as people run it.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare")
        cursor.execute(BARE)
    connection.close()
    psql = timed_process(
        [
            PSQL,
            url,
            "--quiet",
            "--no-psqlrc",
            "-c",
            f"\\copy bench_bare FROM '{path}' WITH (FORMAT csv, HEADER true)",
        ],
        env,
    )
    command = timed_process(
        [sys.executable, str(ROOT / "manage.py"), "import_sales", str(path)], env
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare")
    connection.close()
    return psql, command


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

    from partner_portal.partners.models import Partner, Tier, User

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
        User.objects.create_superuser("bench", "bench@example.com")
        connection.close()
        with tempfile.TemporaryDirectory() as folder:
            big = Path(folder) / "sales.csv"
            small = Path(folder) / "sales-small.csv"
            chinese = Path(folder) / "sales-gb18030.csv"
            generate(big, args.rows)
            generate(small, args.rows // 10, first=args.rows)
            generate(chinese, args.rows, encoding="gb18030")
            size = big.stat().st_size / 1024**2
            print(f"{args.rows:,} rows, {size:.0f} MiB of CSV, {PARTNERS:,} partners")
            copy = run_phase("copy", database, str(big))
            first = run_phase("import", database, str(big))
            again = run_phase("import", database, str(big))
            tenth = run_phase("import", database, str(small))
            empty_the_ledger()
            copy_gb = run_phase("copy_gb18030", database, str(chinese))
            first_gb = run_phase("import", database, str(chinese))
            empty_the_ledger()
            plain = run_phase("import", database, str(big))
            empty_the_ledger()
            job = run_phase("job", database, str(big))
            empty_the_ledger()
            psql, command = processes(big, database)
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)

    assert first["created"] == args.rows and again["unchanged"] == args.rows
    assert tenth["created"] == args.rows // 10
    assert first_gb["created"] == args.rows and first_gb["encoding"] == "gb18030"
    assert plain["created"] == job["created"] == args.rows

    def line(label, figures, rows, floor):
        seconds = figures["seconds"]
        grown = figures["peak"] - figures["rss_before"]
        memory = (
            f"{figures['peak']:>9.0f} MiB{grown:>+9.0f} MiB"
            if figures["peak"]
            else f"{'':>26}"
        )
        return (
            f"{label:<34}{seconds:>9.2f} s{rows / seconds:>12,.0f} rows/s"
            f"{memory}{seconds / floor['seconds']:>9.1f}x"
        )

    def path_taken(figures):
        taken = "COPY of the file's bytes" if figures["fast_path"] else "read in Python"
        return taken + (", cells stripped in SQL" if figures["stripped"] else "")

    print(
        f"{'':<34}{'time':>11}{'rate':>19}{'peak RSS':>13}{'growth':>13}"
        f"{'vs floor':>10}"
    )
    print(line("COPY into a bare table", copy, args.rows, copy))
    print(line("import", first, args.rows, copy))
    print(line("re-import (all unchanged)", again, args.rows, copy))
    print(line(f"{args.rows // 10:,} new rows into it", tenth, args.rows // 10, copy))
    print(line("GB18030: COPY into a bare table", copy_gb, args.rows, copy_gb))
    print(line("GB18030: import", first_gb, args.rows, copy_gb))
    print(line("import, into an empty ledger again", plain, args.rows, copy))
    print(line("the same, by the task worker", job, args.rows, plain))
    print(line("psql \\copy (a process)", psql, args.rows, psql))
    print(line("manage.py import_sales (a process)", command, args.rows, psql))
    print(
        f"Import time is {first['seconds'] / copy['seconds']:.1f}x COPY (target: at "
        f"most 10x). Peak memory for {args.rows // 10:,} rows: "
        f"{tenth['peak']:.0f} MiB; for {args.rows:,}: {first['peak']:.0f} MiB."
    )
    print(
        f"GB18030 with Chinese SKUs: {first_gb['seconds'] / copy_gb['seconds']:.1f}x "
        f"its COPY, {first_gb['seconds'] / first['seconds']:.1f}x the UTF-8 import "
        f"({path_taken(first_gb)}; UTF-8: {path_taken(first)})."
    )
    print(
        f"The task worker's import takes {job['seconds'] / plain['seconds']:.2f}x "
        f"the same import without a job; manage.py import_sales takes "
        f"{command['seconds'] / psql['seconds']:.1f}x psql \\copy, start-up included."
    )


if __name__ == "__main__":
    main()
