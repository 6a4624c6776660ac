"""Concurrent clients against gunicorn with production settings, over a realistic mix.

Not a test: it prints what one run measured. Run it against the PostgreSQL (and the
Elasticsearch, if ELASTICSEARCH_URL is set) of `make services`:

    source .services.env && .venv/bin/python bench/load.py [--clients 50] [--seconds 60]

It creates a scratch database (dropped at the end) with the demo data set
(`seed_demo`), indexes it under a `cplms-bench-` prefix (deleted at the end), collects
the static files into a temporary folder, and starts gunicorn with
config.settings.production and `--workers` sync workers (4) on a free loopback port,
every request sent as the TLS-terminating proxy would (`X-Forwarded-Proto: https`).
Each partner user of the demo signs in once. After a warm-up (every worker loads the
application on its first request), one client alone runs for as long (the baseline);
then every client, in a thread of its own, sends requests until the time is up, each
one chosen at random by weight from this mix:

- `home`: the partner home, signed in;
- `library`: the resource library, signed in;
- `search`: `/search/?q=...` with one of a few demo words, signed in;
- `api`: `GET /api/v1/partners/?page_size=20` with a program manager's token;
- `healthz`: what a load balancer calls.

The clients run twice, `--seconds` each:

1. **closed loop**: each client sends its next request as soon as the last one is
   answered, with no pause: `--clients` requests always in flight, the most load that
   many clients can make, and a measure of capacity;
2. **users**: each client waits a think time between requests, drawn uniformly
   between `--think-min` and `--think-max` seconds (1 to 3: reading a page before
   clicking on), as people at a browser do (`--think-max 0` skips this run).

For each it prints, per path and overall, requests per second, p50/p95/p99 latency,
errors (a connection that failed or an answer other than 200), and the p50 as a ratio
of the baseline's (how much the load slows a request down). Then what the requests
cost, read from Linux's /proc: CPU milliseconds per request in the gunicorn workers
and in the PostgreSQL processes serving the scratch database (those that outlive the
run: production settings keep one connection per worker), and how busy the whole
machine was (so that other programs' share shows). From that cost comes the closed
loop's floor: a closed loop's mean latency is clients / throughput (Little's law), and
throughput cannot pass cores / CPU per request, so no mean latency below
clients * CPU per request / cores is possible on this machine (Elasticsearch's and the
clients' own CPU left out, so the true floor is higher still).

The API's throttles are raised for the run: it measures capacity, not the throttle.
Targets (issue 14): 0 errors, and p95 under 1 s with 4 workers on the two-core machine;
the floor says whether a closed loop of that many clients can meet it there at all.
"""

import argparse
import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTNER_USERS = ["registered.user", "silver.user", "gold.user", "platinum.user"]
SEARCH_WORDS = ["edge gateway", "backup", "zero trust", "price list", "partner"]
# (name, weight): how often a client picks each kind of request.
MIX = [("home", 3), ("library", 2), ("search", 2), ("api", 2), ("healthz", 1)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """Plain HTTP to the gunicorn on loopback, as if behind a TLS proxy. Cookies are
    sent by hand: production marks them Secure, which a client over plain http would
    otherwise keep to itself."""

    def __init__(self, port: int):
        self.port = port
        self.host = f"127.0.0.1:{port}"

    def request(self, method, path, *, headers=None, body=None, timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={
                    "Host": self.host,
                    "X-Forwarded-Proto": "https",
                    **(headers or {}),
                },
            )
            response = connection.getresponse()
            response.read()
            return response
        finally:
            connection.close()

    def sign_in(self, username: str, password: str) -> str:
        """The Cookie header of a signed-in session."""
        page = self.request("GET", "/accounts/login/")
        csrf = self.cookies(page)["csrftoken"].value
        form = urlencode(
            {"csrfmiddlewaretoken": csrf, "username": username, "password": password}
        ).encode()
        answer = self.request(
            "POST",
            "/accounts/login/",
            headers={
                "Cookie": f"csrftoken={csrf}",
                "Referer": f"https://{self.host}/accounts/login/",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body=form,
        )
        assert answer.status == 302, f"{username} could not sign in ({answer.status})"
        return f"csrftoken={csrf}; sessionid={self.cookies(answer)['sessionid'].value}"

    @staticmethod
    def cookies(response) -> SimpleCookie:
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        return cookies


def client_loop(site, sessions, token, deadline, seed, think, results):
    """Requests from one client until `deadline`, pausing between two requests for a
    think time drawn from `think` (lowest, highest seconds; (0, 0): no pause)."""
    chooser = random.Random(seed)
    names = [name for name, _weight in MIX]
    weights = [weight for _name, weight in MIX]
    cookie = sessions[seed % len(sessions)]
    while time.monotonic() < deadline:
        name = chooser.choices(names, weights)[0]
        headers = {"Cookie": cookie}
        if name == "home":
            path = "/"
        elif name == "library":
            path = "/library/"
        elif name == "search":
            path = "/search/?q=" + chooser.choice(SEARCH_WORDS).replace(" ", "+")
        elif name == "api":
            path, headers = "/api/v1/partners/?page_size=20", {"Authorization": token}
        else:
            path, headers = "/healthz", {}
        started = time.perf_counter()
        try:
            status = site.request("GET", path, headers=headers).status
        except OSError as error:
            status = type(error).__name__
        results.append((name, time.perf_counter() - started, status))
        if think[1]:
            time.sleep(chooser.uniform(*think))


def percentiles(latencies):
    """p50, p95 and p99 of a list of seconds, in milliseconds."""
    ordered = sorted(latencies)
    cuts = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else ordered * 99
    return [cuts[i] * 1000 for i in (49, 94, 98)]


def by_path(results):
    paths = defaultdict(list)
    for name, latency, status in results:
        paths[name].append((latency, status))
    paths["overall"] = [(latency, status) for _name, latency, status in results]
    return paths


def report(title, results, seconds, alone):
    """One line per path: rates, latencies, errors, and the p50 as a ratio of the p50
    one client alone saw (how much the load slows each request down)."""
    loaded, baseline = by_path(results), by_path(alone)
    print(f"\n{title}")
    print(
        f"{'path':<10}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'errors':>7}{'p50/alone':>10}"
    )
    for name in [*(name for name, _weight in MIX), "overall"]:
        rows = loaded.get(name)
        if not rows:
            continue
        p50, p95, p99 = percentiles([latency for latency, _status in rows])
        errors = Counter(status for _latency, status in rows if status != 200)
        alone_rows = baseline.get(name)
        ratio = (
            f"{p50 / percentiles([latency for latency, _s in alone_rows])[0]:.1f}"
            if alone_rows
            else "-"
        )
        print(
            f"{name:<10}{len(rows):>9}{len(rows) / seconds:>8.1f}{p50:>8.0f}"
            f"{p95:>8.0f}{p99:>8.0f}{sum(errors.values()):>7}{ratio:>10}"
            + (f"  {dict(errors)}" if errors else "")
        )


def load(site, sessions, token, clients, seconds, think=(0, 0)):
    """`clients` threads for `seconds`; every request's (path name, latency, status)."""
    results = []  # list.append is atomic: the threads share it
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(site, sessions, token, deadline, n, think, results),
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _processes():
    """(parent pid, command line, CPU seconds) of every process /proc shows."""
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # the process ended meanwhile
            continue
        # The fields after the command name, which may hold spaces, in brackets.
        fields = stat[stat.rindex(")") + 2 :].split()
        yield (
            int(fields[1]),
            command,
            (int(fields[11]) + int(fields[12])) / ticks,
        )


def cpu_used(server_pid: int, database: str) -> dict[str, float] | None:
    """CPU seconds used so far by the gunicorn workers, by the PostgreSQL processes
    connected to `database` (with persistent connections, one per worker for the
    whole run) and by the whole machine; None without Linux's /proc."""
    if not Path("/proc/stat").exists():
        return None
    used = {"gunicorn": 0.0, "database": 0.0}
    for parent, command, seconds in _processes():
        if parent == server_pid:
            used["gunicorn"] += seconds
        elif command.startswith("postgres: ") and f" {database} " in command:
            used["database"] += seconds
    times = [int(n) for n in Path("/proc/stat").read_text().split()[1:9]]
    idle = times[3] + times[4]  # idle and waiting for I/O
    used["machine"] = (sum(times) - idle) / os.sysconf("SC_CLK_TCK")
    return used


def report_cost(before, after, requests, seconds, clients, closed_loop):
    """What one request cost in CPU, how busy the machine was, and for a closed loop
    the lowest mean latency that cost allows on this machine's cores."""
    if before is None or not requests:
        return
    cores = len(os.sched_getaffinity(0))
    spent = {name: after[name] - before[name] for name in after}
    per_request = {name: spent[name] / requests * 1000 for name in spent}
    cost = per_request["gunicorn"] + per_request["database"]
    others = spent["machine"] - spent["gunicorn"] - spent["database"]
    # A connection closed at the end of each request (CONN_MAX_AGE=0) takes its
    # server process with it, and the CPU it used with them.
    database = (
        f"{per_request['database']:.1f} ms"
        if spent["database"]
        else "not measured (its processes ended with their connections)"
    )
    print(
        f"CPU per request: gunicorn {per_request['gunicorn']:.1f} ms, PostgreSQL "
        f"{database}; the machine was busy "
        f"{spent['machine'] / seconds / cores:.0%} of {cores} cores, "
        f"{others / seconds / cores:.0%} of them for the rest (Elasticsearch, "
        "these clients, other programs)"
    )
    if closed_loop:
        print(
            f"closed-loop floor: {clients} clients x {cost:.1f} ms / {cores} cores = "
            f"{clients * cost / cores / 1000:.2f} s mean latency at best, "
            f"{cores / cost * 1000:.0f} requests/s at most"
        )


def prepare(workdir: Path) -> dict:
    """Settle the environment of production settings, for this process and gunicorn."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        ELASTICSEARCH_INDEX_PREFIX=f"cplms-bench-{uuid.uuid4().hex[:8]}",
        API_THROTTLE_TOKEN="1000000/min",  # noqa: S106 (a rate, not a secret)
        API_THROTTLE_ADDRESS="1000000/min",
        LOG_LEVEL="WARNING",
        # The demo data's notifications are not what is measured.
        EMAIL_URL="dummymail://",
    )
    os.environ.pop("DEBUG", None)
    return os.environ


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--think-min",
        type=float,
        default=1,
        help="seconds: the shortest think time of the users' run",
    )
    parser.add_argument(
        "--think-max",
        type=float,
        default=3,
        help="seconds: the longest think time of the users' run (0: no users' run)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=10,
        help="seconds of warm-up, then as many of one client alone (the baseline)",
    )
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to PostgreSQL first: source .services.env")
    with tempfile.TemporaryDirectory(prefix="cplms-bench-load-") as workdir:
        prepare(Path(workdir))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        old_name = connection.settings_dict["NAME"]
        connection.settings_dict["NAME"] = "bench_load"
        started = time.perf_counter()
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            run(args, Path(workdir), call_command, connection, started)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            from search.client import get_client

            if get_client() is not None:
                get_client().indices.delete(
                    index=f"{os.environ['ELASTICSEARCH_INDEX_PREFIX']}-*",
                    ignore_unavailable=True,
                )


def run(args, workdir, call_command, connection, started):
    from django.conf import settings

    from partner_portal.api.services import api_token_create
    from partner_portal.partners.demo import demo_logins
    from partner_portal.partners.models import User

    call_command("seed_demo", stdout=StringIO())
    if settings.ELASTICSEARCH_URL:
        call_command("search_reindex", stdout=StringIO(), stderr=StringIO())
    call_command("collectstatic", interactive=False, verbosity=0)
    password, _logins = demo_logins()
    _token, key = api_token_create(user=User.objects.get(username="pm"), name="bench")
    print(
        f"scratch database, demo data, index and static files: "
        f"{time.perf_counter() - started:.0f} s"
    )

    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
    }
    port = free_port()
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 (gunicorn, our own arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            "--timeout=30",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    site = Site(port)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if site.request("GET", "/healthz").status == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (workdir / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.5)
        sessions = [site.sign_in(username, password) for username in PARTNER_USERS]
        for path in ("/", "/library/", "/search/?q=backup"):
            status = site.request("GET", path, headers={"Cookie": sessions[0]}).status
            assert status == 200, f"{path} answers {status}"

        print(
            f"gunicorn, {args.workers} workers, production settings; {args.clients} "
            f"clients for {args.seconds:.0f} s; search on "
            f"{'Elasticsearch' if settings.ELASTICSEARCH_URL else 'the database'}"
        )
        token = f"Token {key}"
        # Every gunicorn worker loads the application on its first request.
        load(site, sessions, token, args.workers * 2, args.warmup)
        alone = load(site, sessions, token, 1, args.warmup)
        runs = [("closed loop: no pause between requests", (0, 0))]
        if args.think_max:
            runs.append(
                (
                    f"users: {args.think_min:g} to {args.think_max:g} s of think time "
                    "between requests",
                    (args.think_min, args.think_max),
                )
            )
        failed = False
        for title, think in runs:
            before, began = cpu_used(server.pid, db["NAME"]), time.monotonic()
            results = load(site, sessions, token, args.clients, args.seconds, think)
            seconds = time.monotonic() - began
            report(title, results, seconds, alone)
            report_cost(
                before,
                cpu_used(server.pid, db["NAME"]),
                len(results),
                seconds,
                args.clients,
                closed_loop=not think[1],
            )
            failed |= any(status != 200 for _name, _latency, status in results)
        if failed:
            print_log_tail(workdir)
    except Exception:
        print_log_tail(workdir)
        raise
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def print_log_tail(workdir, lines=60):
    """What gunicorn logged (tracebacks of errors), before its folder is removed."""
    text = (workdir / "gunicorn.log").read_text().splitlines()
    print("gunicorn's log, last lines:", *text[-lines:], sep="\n")


if __name__ == "__main__":
    main()
