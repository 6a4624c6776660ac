"""`make run` boots on the embedded SQLite default with no outside services."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from django.conf import settings


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_for(probe, seconds=60):
    """What `probe` returns once it returns something, polling for `seconds`."""
    deadline = time.monotonic() + seconds
    while not (found := probe()):
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.5)
    return found


def test_make_run_serves_the_demo_on_sqlite(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ELASTICSEARCH_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["RUN_VAR_DIR"] = str(tmp_path / "var")
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        ["make", "run", f"RUN_ADDR=127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                status = get_status(f"{base}/healthz")
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "run.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
                time.sleep(1)
        assert status == 200
        assert get_status(f"{base}/") == 200
        assert get_status(f"{base}/admin/login/") == 200
        run_log = tmp_path / "run.log"
        output = wait_for(
            lambda: "is running on" in run_log.read_text() and run_log.read_text()
        )
        # A newcomer's console: what the demo made, counted by kind, then the
        # logins and the address last; the worker's per-task lines and the emails
        # are in their files, not here.
        assert re.search(r"Partners: \d+ partners, \d+ users, \d+ staff", output)
        last = [line.strip() for line in output.splitlines() if line.strip()][-11:]
        assert last[0].startswith("Demo logins")
        assert any(line.startswith("platinum.user") for line in last)
        assert last[-1].startswith(f"CPLMS is running on {base}/")
        assert "Task id=" not in output and "Subject:" not in output
        assert "Task id=" in wait_for(
            lambda: (tmp_path / "var/log/worker.log").read_text() or None
        )
        # Links in the emails it sends point at the address it serves on.
        mail = wait_for(
            lambda: (
                "".join(path.read_text() for path in (tmp_path / "var/mail").iterdir())
                or None
            )
        )
        assert f"{base}/" in mail
        assert "127.0.0.1:8000" not in mail
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
