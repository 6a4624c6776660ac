"""System checks of a deployment, run by `manage.py check --deploy`."""

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

_AXES_CACHE_HANDLER = "axes.handlers.cache.AxesCacheHandler"


def _counted_in_caches() -> dict[str, list[str]]:
    """What each cache alias counts for every web process at once."""
    users = {"default": ["the API's throttles", "the search circuit breaker"]}
    if settings.AXES_HANDLER == _AXES_CACHE_HANDLER:
        alias = getattr(settings, "AXES_CACHE", "default")
        users.setdefault(alias, []).append("the sign-in lockout")
    return users


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Throttles and the search breaker count in the cache: in a cache of one process,
    each gunicorn worker counts on its own (four workers let through four times the
    rate) and each finds out about a hung Elasticsearch by itself."""
    warnings = []
    for alias, users in _counted_in_caches().items():
        if isinstance(caches[alias], LocMemCache | DummyCache):
            warnings.append(
                checks.Warning(
                    f"The {alias!r} cache belongs to one process, so with more than "
                    f"one web worker {' and '.join(users)} count per worker.",
                    hint="Set CACHE_URL to a Redis or Memcached server that every "
                    "web worker shares, e.g. redis://cache:6379/1.",
                    id="config.W001",
                )
            )
    return warnings
