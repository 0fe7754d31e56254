"""Site search: what is indexed, how the index is rebuilt, and the ranked, filtered query.

Everything searchable is copied, in Italian and in English, into `SearchEntry` rows; the
dialect module `search_backends` keeps the full-text index over them and ranks the matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from territori.core.text import fold

from . import search_backends
from .models import Page, SearchEntry

LANGUAGES = ("it", "en")

#: Types of result, in the order the filter lists them.
KINDS: dict[str, Any] = {
    "node": _("Missions, strategies and actions"),
    "indicator": _("Indicators"),
    "territory": _("Territories"),
    "project": _("Projects"),
    "network": _("Networks"),
    "meeting": _("Meetings"),
    "contribution": _("Contributions"),
    "page": _("Pages and news"),
}


def _join(*parts: Any) -> str:
    return " ".join(str(part) for part in parts if part)


def _node_entries() -> Iterator[tuple[str, str, str, str, str]]:
    from territori.frameworks.models import Node

    for node in Node.objects.select_related("framework").order_by("pk"):
        yield (
            "node",
            str(node.pk),
            _join(node.framework.short_name or node.framework.code, node.code, node.title),
            _join(getattr(node, "description", "")),
            node.get_absolute_url(),
        )


def _indicator_entries() -> Iterator[tuple[str, str, str, str, str]]:
    from territori.indicators.models import Indicator

    for indicator in Indicator.objects.order_by("pk"):
        yield (
            "indicator",
            indicator.code,
            indicator.name,
            _join(indicator.code, indicator.description, indicator.unit, indicator.source),
            indicator.get_absolute_url(),
        )


def _territory_entries() -> Iterator[tuple[str, str, str, str, str]]:
    from territori.territories.models import Territory

    for territory in Territory.objects.defer("boundary").order_by("pk"):
        yield (
            "territory",
            territory.code,
            territory.display_name,
            _join(territory.get_kind_display(), territory.code),
            territory.get_absolute_url(),
        )


def _atlas_entries() -> Iterator[tuple[str, str, str, str, str]]:
    from territori.atlas.models import Network, Project

    for project in Project.objects.order_by("pk"):
        yield (
            "project",
            project.code,
            project.title,
            _join(project.cup, project.summary, project.theme, project.implementing_body_name),
            reverse("portal:atlas_project", kwargs={"code": project.code}),
        )
    for network in Network.objects.order_by("pk"):
        yield (
            "network",
            network.code,
            network.name,
            _join(network.get_kind_display(), network.description),
            reverse("portal:atlas_network", kwargs={"code": network.code}),
        )


def _participation_entries() -> Iterator[tuple[str, str, str, str, str]]:
    from territori.participation.models import Contribution, Meeting

    for meeting in Meeting.objects.order_by("pk"):
        yield (
            "meeting",
            meeting.code,
            meeting.title,
            _join(meeting.get_kind_display(), meeting.description),
            reverse("participation:meeting", kwargs={"code": meeting.code}),
        )
    for contribution in Contribution.objects.filter(hidden_at__isnull=True).order_by("pk"):
        yield (
            "contribution",
            str(contribution.pk),
            contribution.title,
            contribution.body,
            reverse("participation:contribution", kwargs={"pk": contribution.pk}),
        )


def _page_entry(page: Page) -> tuple[str, str, str, str, str]:
    return ("page", page.slug, page.title, _join(page.summary, page.body), page.get_absolute_url())


def _page_entries() -> Iterator[tuple[str, str, str, str, str]]:
    for page in Page.objects.filter(published=True).order_by("pk"):
        yield _page_entry(page)


SOURCES = (
    _node_entries,
    _indicator_entries,
    _territory_entries,
    _atlas_entries,
    _participation_entries,
    _page_entries,
)


def _entry(kind: str, key: str, language: str, title: str, body: str, url: str) -> SearchEntry:
    return SearchEntry(
        kind=kind,
        key=key,
        language=language,
        title=title[:500],
        body=body,
        url=url,
        title_terms=fold(title),
        body_terms=fold(body),
    )


def _entries() -> Iterator[SearchEntry]:
    for language in LANGUAGES:
        with translation.override(language):
            for source in SOURCES:
                for kind, key, title, body, url in source():
                    yield _entry(kind, key, language, str(title), str(body), url)


def search_rebuild() -> int:
    """Rebuild the whole index in one transaction; returns the number of entries."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        created = SearchEntry.objects.bulk_create(_entries(), batch_size=500)
    return len(created)


def search_index_object(item: models.Model) -> None:
    """Re-index one page (published) or drop it (unpublished)."""
    if not isinstance(item, Page):
        raise TypeError(f"Only pages are indexed one by one, not {type(item).__name__}")
    SearchEntry.objects.filter(kind="page", key=item.slug).delete()
    if not item.published:
        return
    for language in LANGUAGES:
        with translation.override(language):
            kind, key, title, body, url = _page_entry(item)
            _entry(kind, key, language, title, body, url).save()


@dataclass
class SearchResults:
    query: str
    kinds: list[str]
    entries: list[SearchEntry]
    counts: dict[str, int]
    total: int


def search(text: str, *, kinds: list[str], language: str, limit: int = 50) -> SearchResults:
    """Ranked results of one type or all, and counts by type (three queries)."""
    kinds = [kind for kind in kinds if kind in KINDS]
    counts = search_backends.search_counts(text, language=language)
    ids = search_backends.search_ids(text, language=language, kinds=kinds, limit=limit)
    by_id = SearchEntry.objects.in_bulk(ids)
    return SearchResults(
        query=text,
        kinds=kinds,
        entries=[by_id[pk] for pk in ids if pk in by_id],
        counts={kind: counts[kind] for kind in KINDS if kind in counts},
        total=sum(counts[kind] for kind in (kinds or KINDS) if kind in counts),
    )
