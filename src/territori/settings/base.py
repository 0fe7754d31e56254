"""Settings shared by every environment. Values that differ come from the environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Generic Django classes (ModelAdmin[Model], QuerySet[Model]) subscriptable at run time.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The checkout (or the directory the product runs from); var/ holds the database,
#: collected static files, vendored front-end assets and uploads.
PROJECT_DIR = Path(os.environ.get("TERRITORI_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("TERRITORI_VAR", PROJECT_DIR / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "territori.core",
    "territori.frameworks",
    "territori.territories",
    "territori.indicators",
    "territori.coherence",
    "territori.programme",
    "territori.atlas",
    "territori.participation",
    "territori.api",
    "territori.publication",
    "territori.portal",
    "territori.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "territori.core.middleware.SecurityHeadersMiddleware",
    "territori.core.middleware.RefuseNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "territori.core.middleware.StorageFailureMiddleware",
    "territori.core.pagecache.PageCacheMiddleware",
]

#: Sent with every answer (core.middleware.SecurityHeadersMiddleware). Scripts and styles from
#: the site only, no inline code, no eval; images may be data:/blob: URLs (chart downloads).
TERRITORI_CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
TERRITORI_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

ROOT_URLCONF = "territori.urls"
WSGI_APPLICATION = "territori.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "territori.portal.context_processors.site",
            ],
        },
    },
]

DEFAULT_SQLITE_PATH = VAR_DIR / "territori.sqlite3"


def database_from_url(url: str) -> dict[str, object]:
    """Parse DATABASE_URL; SQLite gets WAL mode and immediate transactions."""
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["territori.participation.auth.LockoutBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
#: Where static files are collected, and uploaded public files kept: under the data directory
#: unless a deployment puts them where its proxy reads them (compose.yaml).
STATIC_ROOT = Path(os.environ.get("TERRITORI_STATIC_ROOT", VAR_DIR / "static"))
#: Front-end packages from npm, copied from node_modules by `territori vendor-assets`.
VENDOR_DIR = VAR_DIR / "vendor"
NODE_MODULES_DIR = Path(os.environ.get("TERRITORI_NODE_MODULES", PROJECT_DIR / "node_modules"))
STATICFILES_DIRS = [("vendor", VENDOR_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Participants' and members' documents: outside the web root, served by checked views.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": "/no-public-url/"},
    },
}
MEDIA_ROOT = Path(os.environ.get("TERRITORI_MEDIA_ROOT", VAR_DIR / "media"))
#: Uploaded files on S3-compatible object storage instead of the local disk (django-storages;
#: credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY): public files under
#: `public/`, private ones under `private/`, never public-read (served by the app's checks).
TERRITORI_S3_BUCKET = os.environ.get("TERRITORI_S3_BUCKET", "")
if TERRITORI_S3_BUCKET:
    _s3 = {
        "bucket_name": TERRITORI_S3_BUCKET,
        "endpoint_url": os.environ.get("TERRITORI_S3_ENDPOINT") or None,
        "region_name": os.environ.get("TERRITORI_S3_REGION") or None,
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "public"},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "location": "private"},
    }
MEDIA_URL = "/media/"

LOGIN_URL = "participation:login"
#: After logging in without a `next`, people land on their account page.
LOGIN_REDIRECT_URL = "participation:account"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "territori@localhost")

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rate-limit counters must be shared by every gunicorn worker: a file cache under var/.
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "ratelimit"),
    },
    # Public pages and the data version (core.pagecache), shared by every worker.
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
#: Several app servers share one Redis for pages, the data version and rate limits.
TERRITORI_REDIS_URL = os.environ.get("TERRITORI_REDIS_URL", "")
if TERRITORI_REDIS_URL:
    for _alias in ("pages", "ratelimit"):
        CACHES[_alias] = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TERRITORI_REDIS_URL,
            "KEY_PREFIX": f"territori-{_alias}",
        }
#: Serve public pages from the "pages" cache, rebuilt after every committed write.
TERRITORI_PAGE_CACHE = env_bool("TERRITORI_PAGE_CACHE", default=True)
TERRITORI_PAGE_CACHE_ALIAS = "pages"
#: Rate limits a cached answer still counts against (core.pagecache): path prefix → check.
TERRITORI_PAGE_CACHE_LIMITS = {"/api/": "territori.api.auth.anonymous_allowed"}
#: Keep the open-data ZIP and workbooks built for a version of the data (publication.built_files).
TERRITORI_KEEP_BUILT_FILES = True
#: /salute/ warns when no background task has finished for this long (seconds).
TERRITORI_HEALTH_TASK_AGE = int(os.environ.get("TERRITORI_HEALTH_TASK_AGE", str(2 * 24 * 3600)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

#: Shown in the footer and on every page that uses the boundaries.
TERRITORI_SITE_NAME = os.environ.get("TERRITORI_SITE_NAME", "Territori")
# The territory whose agenda this site runs (ISTAT code of the metropolitan city: Torino 201,
# Genova 210, Milano 215 ...): its zone, comuni and values are the "home" of every page.
TERRITORI_HOME_TERRITORY = os.environ.get("TERRITORI_HOME_TERRITORY", "201")
# The website of the institution that runs the agenda, linked from every page's header.
TERRITORI_OWNER_URL = os.environ.get("TERRITORI_OWNER_URL", "")

# Background tasks (django-tasks): "database" queues them for `territori worker`;
# "immediate" runs them at once (tests, the local demo served by ./run).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[os.environ.get("TERRITORI_TASKS", "database")]}}

# Open data catalogue (DCAT-AP_IT): the publisher's IPA code is not in the reference facts, so
# it is empty (and left out of the catalogue) until set; the contact address defaults to
# DEFAULT_FROM_EMAIL.
TERRITORI_PUBLISHER_IPA = os.environ.get("TERRITORI_PUBLISHER_IPA", "")
TERRITORI_OPEN_DATA_EMAIL = os.environ.get("TERRITORI_OPEN_DATA_EMAIL", "")

# API -------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000
#: Requests per minute allowed to one address (anonymous) and to one API token.
TERRITORI_API_RATE_ANON = os.environ.get("TERRITORI_API_RATE_ANON", "600/m")
TERRITORI_API_RATE_TOKEN = os.environ.get("TERRITORI_API_RATE_TOKEN", "1200/m")
#: The largest request body read into memory (the API's file imports, form posts without
#: files); beyond it the API answers 413 with a JSON error naming the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Participation ---------------------------------------------------------------------------
#: Registrations of meetings that ended more than this many days ago are deleted by
#: `territori purge-registrations` (attendance counts are kept).
TERRITORI_REGISTRATION_RETENTION_DAYS = int(
    os.environ.get("TERRITORI_REGISTRATION_RETENTION_DAYS", "365")
)
#: The public address used in emails (confirmation links, unsubscribe links).
TERRITORI_BASE_URL = os.environ.get("TERRITORI_BASE_URL", "http://127.0.0.1:8000")
#: Failed logins allowed for one account from one address in LOGIN_LOCKOUT_MINUTES before
#: that address is locked out of that account; beyond the same number from all addresses
#: together, every attempt on the account waits a delay that doubles with each failure (up
#: to LOGIN_DELAY_MAX seconds). See participation/services.py, login_lock_state.
TERRITORI_LOGIN_FAILURES = int(os.environ.get("TERRITORI_LOGIN_FAILURES", "5"))
TERRITORI_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("TERRITORI_LOGIN_LOCKOUT_MINUTES", "15"))
TERRITORI_LOGIN_DELAY_MAX = int(os.environ.get("TERRITORI_LOGIN_DELAY_MAX", "300"))
#: Failed-login records are deleted after this many days (`territori purge-login-failures`,
#: also run by `territori purge-registrations`).
TERRITORI_LOGIN_FAILURE_RETENTION_DAYS = int(
    os.environ.get("TERRITORI_LOGIN_FAILURE_RETENTION_DAYS", "30")
)
#: Reverse proxies in front of the server that append the client's address to
#: X-Forwarded-For (nginx with proxy_add_x_forwarded_for: 1). 0 = the header is ignored.
#: Rate limits, the login lock-out and the API's throttles all read the address this way.
#: Sign-in with SPID and CIE through OpenID Connect (docs/operations.md): a JSON list of
#: providers, each {"name", "label", "metadata_url", "client_id", "client_secret", "scope"}.
#: Empty: email accounts only.
try:
    TERRITORI_OIDC_PROVIDERS = json.loads(os.environ.get("TERRITORI_OIDC_PROVIDERS", "[]"))
except ValueError as exc:
    raise ImproperlyConfigured(f"TERRITORI_OIDC_PROVIDERS is not valid JSON: {exc}") from exc
if not isinstance(TERRITORI_OIDC_PROVIDERS, list) or not all(
    isinstance(item, dict) for item in TERRITORI_OIDC_PROVIDERS
):
    raise ImproperlyConfigured("TERRITORI_OIDC_PROVIDERS must be a JSON list of objects")

TERRITORI_TRUSTED_PROXIES = int(os.environ.get("TERRITORI_TRUSTED_PROXIES", "0"))
NINJA_NUM_PROXIES = TERRITORI_TRUSTED_PROXIES
