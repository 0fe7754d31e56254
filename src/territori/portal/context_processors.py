from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from territori.territories.selectors import site_owner


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name, who runs it (the home territory, read once per page when a template asks) and
    the current page's URL in each language, for the language switch."""
    path = request.get_full_path()
    return {
        "site_name": settings.TERRITORI_SITE_NAME,
        "site_owner": SimpleLazyObject(site_owner),
        "language_urls": [
            (code, name, translate_url(path, code)) for code, name in settings.LANGUAGES
        ],
    }
