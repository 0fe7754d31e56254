"""Reads of territories and memberships, each with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from territori.core.rows import RowList
from territori.io.text import fold

from .models import Membership, Territory, TerritoryAlias, Topology, valid_on

#: Codes some files use for Italy that are neither ISTAT's nor an alias of the table.
STATIC_ALIASES = {"IT0": "IT", "ITALIA": "IT"}
#: Kinds whose names are unique enough to be matched by name (never comuni).
NAMED_KINDS = ("country", "region", "province", "metro_city")


def territory_codes_resolve(codes: Iterable[str]) -> dict[str, int]:
    """File code or name → territory id, for those that name a known territory.

    Tried in order: the platform's code (ISTAT comune codes also without leading zeros), an
    alias (NUTS and ITTER107 codes, names such as "Bolzano/Bozen"; case and accents folded),
    then the exact name of a country, region, province or metropolitan city. Three queries.
    """
    wanted: dict[str, str] = {}
    for code in set(codes):
        candidate = code.strip()
        candidate = STATIC_ALIASES.get(candidate.upper(), candidate)
        if re.fullmatch(r"\d{4,5}", candidate):  # an ISTAT comune code without leading zeros
            candidate = candidate.zfill(6)
        wanted[code] = candidate
    found = dict(Territory.objects.filter(code__in=set(wanted.values())).values_list("code", "id"))
    result = {code: found[target] for code, target in wanted.items() if target in found}
    missing = {code: fold(code) for code in wanted if code not in result}
    if missing:
        aliases = dict(
            TerritoryAlias.objects.filter(key__in=set(missing.values())).values_list(
                "key", "territory_id"
            )
        )
        names: dict[str, list[int]] = defaultdict(list)
        for pk, name in Territory.objects.filter(kind__in=NAMED_KINDS).values_list("id", "name"):
            names[fold(name)].append(pk)
        for code, key in missing.items():
            if key in aliases:
                result[code] = aliases[key]
            elif len(names.get(key, [])) == 1:
                result[code] = names[key][0]
    return result


def home_territory_code() -> str:
    """The code of the territory whose agenda the site runs (setting TERRITORI_HOME_TERRITORY)."""
    return str(settings.TERRITORI_HOME_TERRITORY)


@dataclass(frozen=True)
class SiteOwner:
    """Who runs the site: the home territory's institution (e.g. "Città metropolitana di
    Torino"), with its website from the setting TERRITORI_OWNER_URL."""

    name_it: str
    name_en: str
    website: str = ""

    @property
    def name(self) -> str:
        if (get_language() or "it").startswith("en") and self.name_en:
            return self.name_en
        return self.name_it


def site_owner() -> SiteOwner:
    """The home territory's names (one query); the site's name when it is not loaded."""
    names = (
        Territory.objects.filter(code=home_territory_code()).values_list("name", "name_en").first()
    )
    name_it, name_en = names or (settings.TERRITORI_SITE_NAME, "")
    return SiteOwner(name_it=name_it, name_en=name_en, website=settings.TERRITORI_OWNER_URL)


def territory_display_names(*, codes: list[str]) -> dict[str, str]:
    """Code to name in the active language (one query)."""
    territories = Territory.objects.filter(code__in=codes).only("code", "name", "name_en")
    return {t.code: t.display_name for t in territories}


def home_territory_id() -> int | None:
    return Territory.objects.filter(code=home_territory_code()).values_list("id", flat=True).first()


def today() -> dt.date:
    return timezone.localdate()


def territory_get(*, code: str) -> Territory:
    return Territory.objects.select_related("parent").defer("search_text").get(code=code)


def home_zones() -> QuerySet[Territory]:
    """The zone omogenee of the home territory (the metropolitan city the site runs), by number;
    another city's zones in the same database are not this site's."""
    return (
        Territory.objects.filter(kind=Territory.Kind.ZONA, parent__code=home_territory_code())
        .defer("boundary", "search_text")
        .order_by("number")
    )


def zones_with_counts(*, day: dt.date | None = None) -> QuerySet[Territory]:
    """The home territory's zone omogenee with the number of comuni in each on a day."""
    day = day or today()
    member_filter = Q(member_links__valid_from__isnull=True) | Q(member_links__valid_from__lte=day)
    member_filter &= Q(member_links__valid_to__isnull=True) | Q(member_links__valid_to__gte=day)
    return (
        home_zones()
        .annotate(member_count=Count("member_links", filter=member_filter))
        .order_by("number")
    )


def group_members(*, group: Territory, day: dt.date | None = None) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(valid_on(day or today()), group=group)
        .select_related("member")
        .defer("member__boundary", "member__search_text")
        .order_by("member__name")
    )


def member_groups(*, member: Territory) -> QuerySet[Membership]:
    """Every membership of a territory, current and past, newest first."""
    return (
        Membership.objects.filter(member=member)
        .select_related("group")
        .defer("group__boundary", "group__search_text")
        .order_by("group__kind", "-valid_from")
    )


def comune_zones(*, day: dt.date | None = None) -> dict[str, Territory]:
    """Comune code → its zona omogenea on a day (one query)."""
    memberships = (
        Membership.objects.filter(valid_on(day or today()), group__kind=Territory.Kind.ZONA)
        .select_related("member", "group")
        .only("member__code", "group__code", "group__name", "group__number", "group__kind")
    )
    return {m.member.code: m.group for m in memberships}


@dataclass(frozen=True)
class ComuneRow:
    code: str
    name: str
    area_km2: float | None
    zona: Territory | None


def comuni_table(*, day: dt.date | None = None, codes: set[str] | None = None) -> list[ComuneRow]:
    """Comuni with area and zona, for the accessible table beside a map (two queries)."""
    zones = comune_zones(day=day)
    queryset = (
        Territory.objects.filter(kind=Territory.Kind.COMUNE)
        .only("code", "name", "area_km2")
        .order_by("name")
    )
    if codes is not None:
        queryset = queryset.filter(code__in=codes)
    return [
        ComuneRow(
            t.code, t.name, float(t.area_km2) if t.area_km2 is not None else None, zones.get(t.code)
        )
        for t in queryset
    ]


def topology_get(*, key: str) -> Topology:
    return Topology.objects.get(key=key)


def territory_counts() -> dict[str, int]:
    return dict(
        Territory.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )


def territory_rows(*, kind: str | None = None) -> RowList:
    """Territories by kind and code, optionally of one kind (plain rows)."""
    rows = Territory.objects.order_by("kind", "code")
    if kind:
        rows = rows.filter(kind=kind)
    names = ("code", "kind", "name", "number", "parent")
    return RowList(rows.values_list("code", "kind", "name", "number", "parent__code"), names)


def home_territory() -> Territory | None:
    """The metropolitan city the site runs (without its boundary)."""
    return Territory.objects.filter(code=home_territory_code()).defer("boundary").first()


def metro_cities() -> QuerySet[Territory]:
    """The 14 metropolitan cities, for choosing a peer (names only)."""
    return Territory.objects.filter(kind=Territory.Kind.METRO_CITY).only(
        "code", "name", "name_en", "short_name"
    )


def comuni_index() -> dict[str, Territory]:
    """Comuni by ISTAT code, and the home territory's comuni also by folded name under
    "name:…" (names repeat across Italy, so only the home territory's are matched by name).
    Names and codes only."""
    comuni = Territory.objects.filter(kind=Territory.Kind.COMUNE).select_related("parent")
    index: dict[str, Territory] = {}
    home = home_territory_code()
    for comune in comuni.only("id", "code", "name", "parent__code"):
        index[comune.code] = comune
        if comune.parent is not None and comune.parent.code == home:
            index[f"name:{fold(comune.name)}"] = comune
    return index


def home_comune_named(*, name: str) -> str | None:
    """The ISTAT code of the home territory's comune with this name (read without accents,
    case or extra spaces: "ciriè", "CIRIE" and "Cirie'" find Ciriè), or None."""
    wanted = fold(name.replace("'", " "))
    if not wanted:
        return None
    comuni = Territory.objects.filter(
        kind=Territory.Kind.COMUNE, parent__code=home_territory_code()
    ).values_list("code", "name")
    return next((code for code, known in comuni if fold(known.replace("'", " ")) == wanted), None)


def comuni_and_zones() -> list[tuple[str, str, str]]:
    """(code, name, kind) of every comune and zona, by kind and name, for choosing one."""
    rows = Territory.objects.filter(kind__in=[Territory.Kind.COMUNE, Territory.Kind.ZONA])
    return list(rows.order_by("kind", "name").values_list("code", "name", "kind"))


def topology_checksum(*, key: str) -> str | None:
    """The checksum of a stored TopoJSON (its ETag), or None when it is not built."""
    return Topology.objects.filter(key=key).values_list("source_checksum", flat=True).first()


def territories_by_code(*, codes: Iterable[str]) -> list[Territory]:
    """Some territories by code (without boundaries)."""
    rows = Territory.objects.filter(code__in=list(codes)).defer("boundary", "search_text")
    return list(rows.order_by("code"))
