"""Site search: what is indexed, how the index is rebuilt, and the ranked, filtered query.

Everything searchable is copied, in Italian and in English, into `SearchEntry` rows; the
dialect module `search_backends` keeps the full-text index over them and ranks the matches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from territori.core.signals import bulk_created
from territori.io.text import fold

from . import search_backends
from .models import SearchEntry

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


#: (title, text, address) of one indexed object, in the active language.
Entry = tuple[str, str, str]


@dataclass(frozen=True)
class Source:
    """One kind of searchable object: its model, what of it is indexed, and how."""

    kind: str
    model: str  # "app_label.ModelName"
    entry: Callable[[Any], Entry]
    published: Callable[[models.QuerySet[Any]], models.QuerySet[Any]] = lambda qs: qs

    def queryset(self) -> models.QuerySet[Any]:
        return self.published(apps.get_model(self.model)._default_manager.order_by("pk"))


def _node(node: Any) -> Entry:
    framework = node.framework.short_name or node.framework.code
    return (
        _join(framework, node.code, node.title),
        _join(getattr(node, "description", "")),
        node.get_absolute_url(),
    )


def _indicator(indicator: Any) -> Entry:
    return (
        indicator.name,
        _join(indicator.code, indicator.description, indicator.unit, indicator.source),
        indicator.get_absolute_url(),
    )


def _territory(territory: Any) -> Entry:
    return (
        territory.display_name,
        _join(territory.get_kind_display(), territory.code),
        territory.get_absolute_url(),
    )


def _project(project: Any) -> Entry:
    return (
        project.title,
        _join(project.cup, project.summary, project.theme, project.implementing_body_name),
        reverse("portal:atlas_project", kwargs={"code": project.code}),
    )


def _network(network: Any) -> Entry:
    return (
        network.name,
        _join(network.get_kind_display(), network.description),
        reverse("portal:atlas_network", kwargs={"code": network.code}),
    )


def _meeting(meeting: Any) -> Entry:
    return (
        meeting.title,
        _join(meeting.get_kind_display(), meeting.description),
        reverse("participation:meeting", kwargs={"code": meeting.code}),
    )


def _contribution(contribution: Any) -> Entry:
    return (
        contribution.title,
        contribution.body,
        reverse("participation:contribution", kwargs={"pk": contribution.pk}),
    )


def _page(page: Any) -> Entry:
    return (page.title, _join(page.summary, page.body), page.get_absolute_url())


SOURCES = (
    Source("node", "frameworks.Node", _node, lambda qs: qs.select_related("framework")),
    Source("indicator", "indicators.Indicator", _indicator),
    Source("territory", "territories.Territory", _territory, lambda qs: qs.defer("boundary")),
    Source("project", "atlas.Project", _project),
    Source("network", "atlas.Network", _network),
    Source("meeting", "participation.Meeting", _meeting),
    Source(
        "contribution",
        "participation.Contribution",
        _contribution,
        lambda qs: qs.filter(hidden_at__isnull=True),
    ),
    Source("page", "publication.Page", _page, lambda qs: qs.filter(published=True)),
)
SOURCE_OF_MODEL = {source.model: source for source in SOURCES}


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


def _entries(source: Source, objects: Iterable[Any]) -> list[SearchEntry]:
    objects = list(objects)
    entries = []
    for language in LANGUAGES:
        with translation.override(language):
            for item in objects:
                title, body, url = source.entry(item)
                entries.append(_entry(source.kind, str(item.pk), language, str(title), body, url))
    return entries


def search_rebuild() -> int:
    """Rebuild the whole index in one transaction; returns the number of entries."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        created = 0
        for source in SOURCES:
            created += len(
                SearchEntry.objects.bulk_create(_entries(source, source.queryset()), batch_size=500)
            )
    return created


def search_reindex(model: str, pks: Iterable[Any]) -> int:
    """Re-index some objects of one model: entries of those that are gone or no longer
    public are dropped, the others rewritten. Returns the number of entries written."""
    source = SOURCE_OF_MODEL[model]
    keys = sorted({str(pk) for pk in pks})
    with transaction.atomic():
        SearchEntry.objects.filter(kind=source.kind, key__in=keys).delete()
        objects = source.queryset().filter(pk__in=keys)
        return len(SearchEntry.objects.bulk_create(_entries(source, objects), batch_size=500))


# Keeping the index in step: saves and deletes of indexed models are collected during the
# transaction and re-indexed together once it commits (at once outside a transaction). Bulk loads that rebuild the whole index
# afterwards (the demo) pause this.

_pending = threading.local()


def _pending_changes() -> dict[str, set[Any]] | None:
    return getattr(_pending, "changes", None)


def _flush_pending() -> None:
    changes = _pending_changes()
    _pending.changes = None
    for model, pks in (changes or {}).items():
        search_reindex(model, pks)


def _changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if getattr(_pending, "paused", False) or kwargs.get("raw"):
        return
    changes = _pending_changes()
    if changes is None:
        changes = _pending.changes = {}
    changes.setdefault(sender._meta.label, set()).add(instance.pk)
    # Registered at every change: the first run after the commit re-indexes them all and the
    # others find nothing left. Changes of a rolled-back transaction are re-indexed with the
    # next commit, harmlessly (re-indexing reads what the database holds).
    transaction.on_commit(_flush_pending)


@contextmanager
def search_paused() -> Iterator[None]:
    """Do not follow saves and deletes (the caller rebuilds the index afterwards)."""
    previous = getattr(_pending, "paused", False)
    _pending.paused = True
    try:
        yield
    finally:
        _pending.paused = previous


def _bulk_created(sender: type[models.Model], pks: list[Any], **kwargs: Any) -> None:
    if sender._meta.label in SOURCE_OF_MODEL and not getattr(_pending, "paused", False):
        search_reindex(sender._meta.label, pks)


def connect_signals() -> None:
    bulk_created.connect(_bulk_created, dispatch_uid="search-bulk-created")
    for source in SOURCES:
        model = apps.get_model(source.model)
        uid = f"search-{source.model}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")


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
