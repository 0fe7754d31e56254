"""Reads of the publication pages: published reports, news and pages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Page, Report

#: The report's bodies and PDFs: never read for a list.
REPORT_HEAVY_FIELDS = ("html_it", "html_en", "pdf_it", "pdf_en")


def published_reports() -> QuerySet[Report]:
    return Report.objects.filter(published=True, state=Report.State.DONE).defer(
        *REPORT_HEAVY_FIELDS
    )


def reports_for_staff() -> QuerySet[Report]:
    """Every report, built or not, without its bodies."""
    return Report.objects.defer(*REPORT_HEAVY_FIELDS)


def published_news(*, limit: int) -> list[Page]:
    """The newest published news, at most `limit`."""
    return list(Page.objects.filter(published=True, kind=Page.Kind.NEWS)[:limit])


def node_news(*, node_ids: list[int], limit: int = 3) -> list[Page]:
    """The newest published news about these nodes (a Mission, or a strategy and the nodes
    under it), at most `limit`."""
    return list(
        Page.objects.filter(published=True, kind=Page.Kind.NEWS, nodes__in=node_ids).distinct()[
            :limit
        ]
    )


def published_pages() -> list[Page]:
    return list(Page.objects.filter(published=True, kind=Page.Kind.PAGE).order_by("title_it"))
