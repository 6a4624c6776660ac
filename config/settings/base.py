"""Settings shared by every environment; what differs comes from the environment."""

import datetime
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# SECRET_KEY comes from each environment's module; production requires it.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.locales",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_filters",
    "guardian",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "axes",
    "django_countries",
]
LOCAL_APPS = [
    # The project's own system checks (config/checks.py).
    "config",
    "partner_portal.partners",
    "partner_portal.imports",
    "partner_portal.workdays",
    "partner_portal.incentives",
    "partner_portal.deals",
    "partner_portal.support",
    "partner_portal.resources",
    "partner_portal.analytics",
    "search",
    "partner_portal.api",
    "learning",
    "partner_portal.worker",
    "partner_portal.charts",
    "partner_portal.branding",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and CSRF middleware: the first refuses a body larger than
    # its view takes and reads the form body; the second removes control characters
    # from the headers, then from the query and the form (partner_portal/).
    "partner_portal.request_limits.RequestLimitMiddleware",
    "partner_portal.control_characters.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so it turns a sign-in refused for a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves web requests and a task worker at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
    }
# Analytics (the dashboard, scorecards, health scores) read from a PostgreSQL read
# replica when ANALYTICS_DATABASE_URL names one; without it they read the primary.
if env("ANALYTICS_DATABASE_URL", default=""):
    DATABASES["analytics"] = env.db("ANALYTICS_DATABASE_URL")
DATABASE_ROUTERS = ["partner_portal.analytics.router.AnalyticsRouter"]
# Partner health (partner_portal/analytics/health): a partner whose latest score
# (0-100) is below this is listed as at risk; with PARTNER_HEALTH_AUTO_AT_RISK the
# nightly run also moves such active partners to the "at risk" stage.
PARTNER_HEALTH_AT_RISK_BELOW = env.int("PARTNER_HEALTH_AT_RISK_BELOW", default=40)
PARTNER_HEALTH_AUTO_AT_RISK = env.bool("PARTNER_HEALTH_AUTO_AT_RISK", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with one query for a user's permissions instead of two.
    "partner_portal.partners.backends.OneQueryModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
_VALIDATORS_MODULE = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS_MODULE}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS_MODULE}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS_MODULE}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS_MODULE}.NumericPasswordValidator"},
]
# The portal's public address, for links in emails (invitations...).
# `make run` serves on RUN_ADDR; links in emails, certificates and verification pages
# point there unless a public address is configured.
RUN_ADDR = env("RUN_ADDR", default="127.0.0.1:8000")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default=f"http://{RUN_ADDR}")
# Invitation and password links work once and expire after this many seconds.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=7 * 24 * 3600)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal-home"
LOGOUT_REDIRECT_URL = "portal-home"

# Sign-in lockout (django-axes; partner_portal/partners/lockout.py). After
# AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is
# refused, with the lockout page (status 429), until AXES_COOLOFF_TIME minutes pass
# without an attempt (0: until staff unlock it under Settings → Sign-in lockouts).
# Attempts are counted in the database, which every web worker shares.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
_AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_TIME", default=15)
AXES_COOLOFF_TIME = (
    datetime.timedelta(minutes=_AXES_COOLOFF_MINUTES) if _AXES_COOLOFF_MINUTES else None
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Proxies in front of the application that append to X-Forwarded-For (0: the header
# is ignored, since any client can write it). django-ipware counts only proxies that
# list themselves in the header and answers no address when a request has fewer
# entries, which would count every such attempt against no one; client_address
# takes the address the outermost configured proxy saw instead, for the lockout, the
# API's per-address throttle and the application form's rate limit alike.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "partner_portal.client_address.client_address"
# No log of successful sign-ins: nobody reads it, and it would keep every user's
# addresses for ever.
AXES_DISABLE_ACCESS_LOG = True

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
# CPLMS's catalogue, then the Chinese of Wagtail admin strings Wagtail leaves English.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "site" / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
# Imported CSV files that are not UTF-8 are read in this encoding unless the user
# names another: GB18030 (a superset of GBK) as Excel saves CSV in China; a Western
# installation sets cp1252.
IMPORT_LEGACY_ENCODING = env("IMPORT_LEGACY_ENCODING", default="gb18030")
# A sales file (admin upload or API) with more rows than this is checked and imported
# by the task worker, and the request answers at once (partner_portal/incentives).
SALES_IMPORT_BACKGROUND_ROWS = env.int("SALES_IMPORT_BACKGROUND_ROWS", default=50_000)
USE_I18N = True
USE_TZ = True
# Chinese amounts grouped by thousands, as Chinese statements write them (formats/).
FORMAT_MODULE_PATH = ["config.formats"]

# Request sizes (partner_portal/request_limits.py): form fields take at most
# DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB); a view that takes files declares its
# maximum; other admin views take this much from a user with admin access (Wagtail's
# documents and images), and every other view no file at all.
ADMIN_UPLOAD_MAX_BYTES = env.int("ADMIN_UPLOAD_MAX_BYTES", default=256 * 1024**2)
# The largest sales file the admin and the API take (partner_portal/incentives).
SALES_IMPORT_MAX_BYTES = env.int("SALES_IMPORT_MAX_BYTES", default=200 * 1024**2)
# An MDF claim's proof-of-performance files: each at most MDF_PROOF_MAX_BYTES, and
# all the files of one claim at most MDF_CLAIM_UPLOAD_MAX_BYTES (partner_portal/deals).
MDF_PROOF_MAX_BYTES = env.int("MDF_PROOF_MAX_BYTES", default=10 * 1024**2)
MDF_CLAIM_UPLOAD_MAX_BYTES = env.int("MDF_CLAIM_UPLOAD_MAX_BYTES", default=50 * 1024**2)
# A support ticket's attachments: each at most TICKET_ATTACHMENT_MAX_BYTES, and all the
# files of one ticket or reply at most TICKET_UPLOAD_MAX_BYTES (partner_portal/support).
TICKET_ATTACHMENT_MAX_BYTES = env.int(
    "TICKET_ATTACHMENT_MAX_BYTES", default=10 * 1024**2
)
TICKET_UPLOAD_MAX_BYTES = env.int("TICKET_UPLOAD_MAX_BYTES", default=50 * 1024**2)
FILE_UPLOAD_HANDLERS = [
    "partner_portal.request_limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CPLMS <noreply@localhost>")

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
}

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# The task worker (manage.py task_worker, partner_portal/worker/) writes a heartbeat
# this often, and waits at most this long between attempts while the database is down.
TASK_WORKER_HEARTBEAT_SECONDS = env.float("TASK_WORKER_HEARTBEAT_SECONDS", default=5.0)
# A worker silent this long is dead: the tasks it was running are queued again.
TASK_WORKER_DEAD_AFTER_SECONDS = env.float(
    "TASK_WORKER_DEAD_AFTER_SECONDS", default=120.0
)
TASK_WORKER_MAX_BACKOFF_SECONDS = env.float(
    "TASK_WORKER_MAX_BACKOFF_SECONDS", default=30.0
)
# /healthz/full (config/health.py) names a part as failing past these ages (seconds):
# no worker heartbeat, the oldest task waiting to run, the oldest search index change
# waiting, the oldest webhook delivery still pending (retries included).
HEALTH_WORKER_SILENCE = env.float("HEALTH_WORKER_SILENCE", default=60.0)
HEALTH_TASK_WAIT = env.float("HEALTH_TASK_WAIT", default=300.0)
HEALTH_OUTBOX_AGE = env.float("HEALTH_OUTBOX_AGE", default=600.0)
HEALTH_WEBHOOK_AGE = env.float("HEALTH_WEBHOOK_AGE", default=3600.0)

# Wagtail: its admin search stays on the database; the portal index is search/.
WAGTAIL_SITE_NAME = "CPLMS"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=PORTAL_BASE_URL)
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents and images carry an access level (partner_portal/resources/).
WAGTAILDOCS_DOCUMENT_MODEL = "resources.PortalDocument"
WAGTAILIMAGES_IMAGE_MODEL = "resources.PortalImage"
# Avatars never come from a third-party service (no outside requests, no CDN).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the admin's dashboard ask releases.wagtail.org for a newer version.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Pages in both languages (partner_portal/page_languages.py): a locale per language,
# the language chosen by the user's profile, never by the URL.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# Search (search/): unset ELASTICSEARCH_URL means the database answers searches.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", default="cplms")
ELASTICSEARCH_TIMEOUT = env.float("ELASTICSEARCH_TIMEOUT", default=5.0)
# A node that accepts no connection fails within this, whatever the read timeout.
ELASTICSEARCH_CONNECT_TIMEOUT = env.float("ELASTICSEARCH_CONNECT_TIMEOUT", default=1.0)
# After a search fails for an outage, searches answer from the database this many
# seconds before Elasticsearch is tried again (search.client.Breaker; the state is in
# the cache, so every process sharing CACHE_URL shares it).
ELASTICSEARCH_BREAKER_COOLDOWN = env.float(
    "ELASTICSEARCH_BREAKER_COOLDOWN", default=30.0
)

# The portal's policy: its own files only, no inline script, style or event handler.
# The chart scripts carry the request's nonce too (request.csp_nonce); a chart's data
# is JSON in a json_script element, which the browser never runs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Pages that third-party code renders replace only the directives they need
# (config/urls.py): the Wagtail admin runs inline scripts (panels, date pickers,
# chooser modals) and sets inline styles; the API's browsable pages and documentation
# (DRF, Swagger UI, ReDoc) set inline styles, and ReDoc searches in a worker it makes
# from a blob. None evaluates strings as code, so 'unsafe-eval' stays out.
CONTENT_SECURITY_POLICY_ADMIN = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
}
CONTENT_SECURITY_POLICY_API = {
    "style-src": [SELF, UNSAFE_INLINE],
    "worker-src": [SELF, "blob:"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# django-guardian: no anonymous user; object permissions go to staff only.
GUARDIAN_ANONYMOUS_USER_NAME = None

# REST API (partner_portal.api): hashed tokens, one set of conventions for all.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partner_portal.api.authentication.TokenAuthentication",
        "partner_portal.api.authentication.PortalSessionAuthentication",
    ],
    # partner_portal.api.conventions.ApiViewMixin adds the API's own access rule and
    # throttles; a view that forgets it still needs a signed-in user.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "partner_portal.api.conventions.StableCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_THROTTLE_TOKEN", default="600/min"),
        "address": env("API_THROTTLE_ADDRESS", default="1200/min"),
    },
    # Our throttles ask partner_portal.client_address; any of DRF's own would read
    # this: unset, DRF takes X-Forwarded-For as written, and a token guesser could
    # change it every request.
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "partner_portal.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "partner_portal.api.conventions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
KNOX_TOKEN_MODEL = "api.APIToken"  # noqa: S105 (a model name, not a secret)
# knox's own migrations would create a table for the token model we swap out; with none,
# that table never exists (and never blocks the test runner's flush of users).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Token"}
SPECTACULAR_SETTINGS = {
    "TITLE": "CPLMS API",
    "DESCRIPTION": "Partners, sales and events of the channel partner program.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "PREPROCESSING_HOOKS": ["partner_portal.api.schema.only_api_endpoints"],
    # Several models have a `status`: each its own name in the document.
    "ENUM_NAME_OVERRIDES": {
        "DealStatusEnum": "partner_portal.deals.models.Deal.Status",
        "FundRequestStatusEnum": "partner_portal.deals.models.FundRequest.Status",
        "FundClaimStatusEnum": "partner_portal.deals.models.FundClaim.Status",
    },
}
# Webhooks: attempts per delivery and the first retry's delay (doubled each time).
API_WEBHOOK_MAX_ATTEMPTS = env.int("API_WEBHOOK_MAX_ATTEMPTS", default=6)
API_WEBHOOK_BACKOFF_SECONDS = env.float("API_WEBHOOK_BACKOFF_SECONDS", default=30.0)
API_WEBHOOK_TIMEOUT_SECONDS = env.float("API_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
