"""Production settings refuse to start unsafely and pass the deploy checklist."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

GOOD_KEY = secrets.token_urlsafe(50)


def run_check(**env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests only
        }
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_refuses_debug_on():
    result = run_check(SECRET_KEY=GOOD_KEY, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_refuses_a_missing_or_default_secret_key():
    missing = run_check()
    assert missing.returncode != 0
    assert "SECRET_KEY must be a unique random value" in missing.stderr
    default = run_check(SECRET_KEY="dev-only-insecure-key-change-me")
    assert default.returncode != 0


def test_passes_the_deployment_checklist_with_a_real_secret():
    result = run_check(SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr + result.stdout
