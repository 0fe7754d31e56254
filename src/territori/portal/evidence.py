"""What an output's evidence lines point to in the platform.

Staff write evidence as links, one per line. A line that is an address on this site (a
newsletter issue, a meeting, a report, a page) is shown with the title and type of what it
points to, and marked when that is demo data; other lines stay as they are. The addresses
are resolved in one query per type, whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

from territori.core.models import DataStatus
from territori.core.pagecache import without_language


@dataclass(frozen=True)
class Evidence:
    """One evidence line: the text to show, its address ("" for plain text), the type of the
    platform object it points to ("" when it points to none) and whether that is demo data."""

    text: str
    url: str = ""
    kind: str = ""
    illustrative: bool = False


def _targets() -> dict[str, tuple[type[Model], str, str]]:
    """URL name → (model, lookup field, keyword of the URL)."""
    from territori.participation.models import Meeting, NewsletterIssue
    from territori.publication.models import Page, Report

    return {
        "participation:newsletter_issue": (NewsletterIssue, "number", "number"),
        "participation:meeting": (Meeting, "code", "code"),
        "portal:report": (Report, "year", "year"),
        "portal:page": (Page, "slug", "slug"),
    }


def _kind_label(url_name: str) -> str:
    return {
        "participation:newsletter_issue": _("newsletter issue"),
        "participation:meeting": _("meeting"),
        "portal:report": _("report"),
        "portal:page": _("page"),
    }[url_name]


def _site_path(line: str) -> str | None:
    """The path of a line that is an address on this site, without its language prefix."""
    if not line.startswith("/") or line.startswith("//"):
        return None
    return without_language(line.split("?", 1)[0].split("#", 1)[0])


def _title(obj: Any) -> str:
    for attribute in ("title", "subject"):
        value = getattr(obj, attribute, "")
        if value:
            return str(value)
    return str(obj)


def _is_illustrative(obj: Any) -> bool:
    status = getattr(obj, "data_status", None)
    return status == DataStatus.ILLUSTRATIVE


def resolve_evidence(lines: Iterable[str]) -> dict[str, Evidence]:
    """Each distinct line → what it shows (one query per type of platform object)."""
    targets = _targets()
    wanted: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    found: dict[str, Evidence] = {}
    for line in dict.fromkeys(lines):
        found[line] = Evidence(text=line, url=line if line.startswith(("http", "/")) else "")
        path = _site_path(line)
        if path is None:
            continue
        try:
            with translation.override(settings.LANGUAGE_CODE):
                match = resolve(path)
        except Resolver404:
            continue
        if match.view_name in targets:
            _model, _field, keyword = targets[match.view_name]
            wanted[match.view_name][str(match.kwargs[keyword])].append(line)
    for view_name, keys in wanted.items():
        model, field, _keyword = targets[view_name]
        for obj in model._default_manager.filter(**{f"{field}__in": list(keys)}):
            for line in keys.get(str(getattr(obj, field)), []):
                found[line] = Evidence(
                    text=_title(obj),
                    url=line,
                    kind=_kind_label(view_name),
                    illustrative=_is_illustrative(obj),
                )
    return found
