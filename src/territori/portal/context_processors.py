from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and the current page's URL in each language, for the language switch."""
    path = request.get_full_path()
    return {
        "site_name": settings.TERRITORI_SITE_NAME,
        "language_urls": [
            (code, name, translate_url(path, code)) for code, name in settings.LANGUAGES
        ],
    }
