"""Production: every value from the environment; refuses to start unsafely."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY", default="")

INSECURE_KEY_MARKERS = ("insecure", "change-me", "dev-only", "test-only")

if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured("DEBUG must be off in production.")
if len(SECRET_KEY) < 32 or any(m in SECRET_KEY for m in INSECURE_KEY_MARKERS):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a unique random value of at least 32 characters."
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview shows the page in a same-origin frame, so not DENY.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Each web process keeps its database connection from one request to the next: a new
# PostgreSQL connection costs a server process and cold catalogue caches, more than
# most pages take. The connection is checked before a request reuses it, so one the
# database dropped (a restart) is replaced instead of failing the request.
for _database in DATABASES.values():  # noqa: F405 (the primary and any replica)
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    _database["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # noqa: F405
