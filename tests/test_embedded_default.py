"""`make run` boots on the embedded SQLite default with no outside services."""

import os
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


def test_make_run_serves_the_demo_on_sqlite(tmp_path):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "ELASTICSEARCH_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
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
        output = (tmp_path / "run.log").read_text()
        assert "Demo logins" in output
        assert "platinum.user" in output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
