"""PDFs of pages laid out for print (WeasyPrint), one way for every document."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    """The template rendered to PDF, or a 503 that says why when WeasyPrint cannot run."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint's system libraries (Pango) are missing
        message = _("The PDF cannot be made on this server: %(reason)s") % {"reason": exc}
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
