"""Production settings refuse to start unsafely and pass the deploy checklist."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

from config.checks import check_shared_cache

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


# Configured only: the check reads the setting, and no server needs to answer.
SHARED_CACHE = "redis://127.0.0.1:6390/1"


def test_passes_the_deployment_checklist_with_a_real_secret():
    result = run_check(SECRET_KEY=GOOD_KEY, CACHE_URL=SHARED_CACHE)
    assert result.returncode == 0, result.stderr + result.stdout


def test_warns_when_throttles_and_the_breaker_count_per_process():
    """With the local-memory default, each gunicorn worker keeps its own counts."""
    result = run_check(SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "(config.W001) The 'default' cache belongs to one process" in result.stderr
    assert "the API's throttles and the search circuit breaker" in result.stderr
    assert "Set CACHE_URL to a Redis or Memcached server" in result.stderr


def test_names_the_lockout_when_it_counts_in_a_local_cache(settings):
    """The lockout counts in the database; switched to django-axes' cache handler,
    it counts in a cache too, and the check says so."""
    settings.AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    settings.AXES_CACHE = "lockout"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": SHARED_CACHE,
        },
        "lockout": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    (warning,) = check_shared_cache(None)
    assert warning.id == "config.W001"
    assert "'lockout' cache" in warning.msg
    assert "the sign-in lockout" in warning.msg


def test_web_processes_keep_their_database_connection():
    """One PostgreSQL connection per request cost more CPU than most pages (see
    bench/load.py); production keeps it, checked before each reuse."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "CONN_MAX_AGE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=GOOD_KEY)
    show = (
        "from django.conf import settings; database = settings.DATABASES['default']; "
        "print(database['CONN_MAX_AGE'], database['CONN_HEALTH_CHECKS'])"
    )

    def shown(**overrides):
        return subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", show],
            cwd=settings.BASE_DIR,
            env={**env, **overrides},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.split()

    assert shown() == ["600", "True"]
    assert shown(CONN_MAX_AGE="0") == ["0", "True"]
