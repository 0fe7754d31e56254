"""What the participation pages share."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def private_file(stored: Any) -> FileResponse:
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type=stored.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
