"""Settings for the test suite: DATABASE_URL picks SQLite (default) or PostgreSQL."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import STATIC_ROOT, database_from_url

SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite://:memory:"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Off in tests, where a test's transaction never commits (so never gives a new version);
# tests/core/test_page_cache.py turns it on with committed writes.
TERRITORI_PAGE_CACHE = False
TERRITORI_KEEP_BUILT_FILES = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
