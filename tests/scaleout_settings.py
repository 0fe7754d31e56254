"""Settings of the app servers that tests/core/test_scale_out.py starts: the test settings
with one SQLite file and caches in files shared by every process (as Redis or Memcached
would be shared by several machines), the page cache on."""

from __future__ import annotations

import os

from territori.settings.test import *  # noqa: F403
from territori.settings.test import database_from_url

_SHARED = os.environ["TERRITORI_TEST_SHARED"]

DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": f"{_SHARED}/ratelimit",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": f"{_SHARED}/pages",
    },
}
TERRITORI_PAGE_CACHE = True
TERRITORI_API_RATE_ANON = "6/m"
