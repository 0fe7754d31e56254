"""Reads of the atlas, each in a fixed number of queries whatever the amount of data."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from territori.analytics.networks import (
    NetworkMetrics,
    brokerage,
    network_metrics,
    project_memberships,
)
from territori.core.rows import RowList
from territori.frameworks.models import Node
from territori.frameworks.selectors import site_frameworks
from territori.indicators.selectors import POPULATION_INDICATOR
from territori.territories.models import Membership as ZoneMembership
from territori.territories.models import Territory, valid_on
from territori.territories.selectors import home_zones

from .models import Membership, Network, NetworkArea, Organisation, Place, Project


@dataclass
class AtlasFilters:
    """The filters of the atlas page and of the API's project and network lists (one
    declaration: the page reads them from its query string, the API from its FilterSchema).
    Empty means "any"; `origin`, `status` and `comune` apply to projects, `kind` to networks."""

    mission: str = ""
    axis: str = ""
    origin: str = ""
    status: str = ""
    zona: str = ""
    comune: str = ""
    kind: str = ""


def _zone_of_comuni() -> dict[int, Territory]:
    return {
        m.member_id: m.group
        for m in ZoneMembership.objects.filter(
            valid_on(timezone.localdate()), group__kind=Territory.Kind.ZONA
        ).select_related("group")
    }


@dataclass(frozen=True)
class AtlasFilterOptions:
    """The choices of the atlas's filters: the agenda's Missions and the plan's axes (by role),
    the zone omogenee, funding origins and project statuses."""

    missions: list[Node]
    axes: list[Node]
    zones: list[Territory]
    origins: list[tuple[str, Any]]
    statuses: list[tuple[str, Any]]


def atlas_filter_options() -> AtlasFilterOptions:
    """Three queries."""
    site = site_frameworks()
    return AtlasFilterOptions(
        missions=list(Node.objects.filter(site.mission_filter()).order_by("position")),
        axes=list(Node.objects.filter(site.axis_filter()).order_by("position")),
        zones=list(home_zones().order_by("code")),
        origins=list(Project.Origin.choices),
        statuses=list(Project.Status.choices),
    )


def _served(queryset: QuerySet[Any], filters: AtlasFilters) -> QuerySet[Any]:
    """Projects or networks serving the chosen Mission of the agenda and axis of the plan (the
    axis or any node under it)."""
    if not (filters.mission or filters.axis):
        return queryset
    site = site_frameworks()
    if filters.mission:
        queryset = queryset.filter(nodes__framework=site.agenda, nodes__code=filters.mission)
    if filters.axis:
        under_axis = Node.objects.filter(framework=site.plan).filter(
            Q(code=filters.axis)
            | Q(parent__code=filters.axis)
            | Q(parent__parent__code=filters.axis)
        )
        queryset = queryset.filter(nodes__in=under_axis)
    return queryset


def filtered_projects(*, filters: AtlasFilters) -> QuerySet[Project]:
    projects = _served(Project.objects.all(), filters)
    if filters.origin:
        projects = projects.filter(origin=filters.origin)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.zona:
        projects = projects.filter(places__territory__memberships__group__code=filters.zona)
    if filters.comune:
        projects = projects.filter(places__territory__code=filters.comune)
    return projects.distinct()


def filtered_networks(*, filters: AtlasFilters) -> QuerySet[Network]:
    networks = _served(Network.objects.all(), filters)
    if filters.kind:
        networks = networks.filter(kind=filters.kind)
    if filters.zona:
        networks = networks.filter(areas__territory__memberships__group__code=filters.zona)
    return networks.distinct()


@dataclass
class ComuneFigures:
    territory: Territory
    networks: int = 0
    projects: int = 0
    committed: Decimal = Decimal(0)
    population: float | None = None

    @property
    def per_inhabitant(self) -> float | None:
        if not self.population:
            return None
        return float(self.committed) / self.population


def atlas_by_comune(*, filters: AtlasFilters) -> list[ComuneFigures]:
    """Per comune: networks covering it, projects in it, their funding by share (4 queries):
    commitments where reported, else the funding assigned."""
    comuni = {
        t.pk: ComuneFigures(territory=t)
        for t in Territory.objects.filter(kind=Territory.Kind.COMUNE).defer(
            "boundary", "search_text"
        )
    }
    for territory_id in NetworkArea.objects.filter(
        network__in=filtered_networks(filters=filters)
    ).values_list("territory_id", flat=True):
        if territory_id in comuni:
            comuni[territory_id].networks += 1
    for territory_id, share, committed, assigned in Place.objects.filter(
        project__in=filtered_projects(filters=filters)
    ).values_list("territory_id", "share", "project__commitments", "project__total_funding"):
        if territory_id in comuni:
            comuni[territory_id].projects += 1
            # commitments where the source reports them (OpenCoesione), else the funding
            # assigned (the PNRR's "Finanziamento totale")
            amount = committed if committed is not None else assigned
            comuni[territory_id].committed += (amount or Decimal(0)) * Decimal(str(share))
    latest: dict[int, tuple[int, float]] = {}
    from territori.indicators.models import Observation

    for territory_id, year, value in Observation.objects.filter(
        indicator__code=POPULATION_INDICATOR, breakdown="", territory_id__in=list(comuni)
    ).values_list("territory_id", "year", "value"):
        if territory_id not in latest or year > latest[territory_id][0]:
            latest[territory_id] = (year, value)
    for territory_id, (_year, value) in latest.items():
        comuni[territory_id].population = value
    return sorted(comuni.values(), key=lambda c: c.territory.name)


def network_get(*, code: str) -> Network:
    return (
        Network.objects.select_related("lead")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("organisation__territory").order_by(
                    "role", "organisation__name"
                ),
            ),
            Prefetch(
                "areas",
                queryset=NetworkArea.objects.select_related("territory").order_by(
                    "territory__name"
                ),
            ),
            Prefetch("nodes", queryset=Node.objects.select_related("framework")),
        )
        .get(code=code)
    )


def organisation_get(*, code: str) -> Organisation:
    return (
        Organisation.objects.select_related("territory")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("network").order_by("network__name"),
            ),
            Prefetch("projects", queryset=Project.objects.order_by("title")),
        )
        .get(code=code)
    )


def project_get(*, code: str) -> Project:
    return (
        Project.objects.select_related("implementing_body")
        .prefetch_related(
            "funding",
            "milestones",
            "phases",
            Prefetch(
                "places", queryset=Place.objects.select_related("territory").order_by("-share")
            ),
            Prefetch("nodes", queryset=Node.objects.select_related("framework")),
            "updates__author",
        )
        .get(code=code)
    )


@dataclass
class MissionOrganisation:
    """How the territory is organised for one Mission (methods.md §9)."""

    node: Node
    networks: list[Network]
    projects: list[Project]
    organisations: list[Organisation]
    covered: list[Territory]
    gaps: list[Territory]  # comuni no network of the Mission covers
    zones: list[tuple[Territory, int, int]]  # zona, comuni covered, comuni in all
    metrics: NetworkMetrics | None = None
    roles_by_kind: dict[str, Any] = field(default_factory=dict)
    roles_by_zona: dict[str, Any] = field(default_factory=dict)
    ties: list[tuple[str, str, float]] = field(default_factory=list)


def mission_organisation(node: Node) -> MissionOrganisation:
    networks = list(
        Network.objects.filter(nodes=node).prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("organisation__territory")
            ),
            "areas",
        )
    )
    projects = list(Project.objects.filter(nodes=node).order_by("-total_funding")[:200])
    comuni = list(
        Territory.objects.filter(kind=Territory.Kind.COMUNE)
        .defer("boundary", "search_text")
        .order_by("name")
    )
    covered_ids = {a.territory_id for n in networks for a in n.areas.all()}
    zone_of = _zone_of_comuni()
    zones: dict[int, list[Any]] = {}
    for comune in comuni:
        zona = zone_of.get(comune.pk)
        if zona is not None:
            entry = zones.setdefault(zona.pk, [zona, 0, 0])
            entry[2] += 1
            entry[1] += comune.pk in covered_ids
    pairs = [(m.organisation.code, n.code) for n in networks for m in n.memberships.all()]
    organisations = {
        m.organisation.code: m.organisation for n in networks for m in n.memberships.all()
    }
    result = MissionOrganisation(
        node=node,
        networks=networks,
        projects=projects,
        organisations=sorted(organisations.values(), key=lambda o: o.name),
        covered=[c for c in comuni if c.pk in covered_ids],
        gaps=[c for c in comuni if c.pk not in covered_ids],
        zones=sorted(((z, c, t) for z, c, t in zones.values()), key=lambda item: item[0].code),
    )
    if pairs:
        projection = project_memberships(pairs)
        result.metrics = network_metrics(projection)
        kinds = [organisations[o].kind for o in projection.nodes]
        zona_names = []
        for code in projection.nodes:
            seat = organisations[code].territory_id
            zona_names.append(zone_of[seat].name if seat is not None and seat in zone_of else "—")
        result.roles_by_kind = brokerage(projection.weights, kinds)
        result.roles_by_zona = brokerage(projection.weights, zona_names)
        upper = projection.weights.tocoo()
        result.ties = [
            (projection.nodes[int(i)], projection.nodes[int(j)], float(w))
            for i, j, w in zip(upper.row, upper.col, upper.data, strict=True)
            if i < j
        ]
    return result


def metrics_rows(result: MissionOrganisation) -> list[dict[str, Any]]:
    if result.metrics is None:
        return []
    m = result.metrics
    names = {o.code: o for o in result.organisations}
    rows = []
    for i, code in enumerate(m.nodes):
        rows.append(
            {
                "organisation": names[code],
                "degree": int(m.degree[i]),
                "weighted_degree": float(m.weighted_degree[i]),
                "betweenness": float(m.betweenness[i]),
                "constraint": None if np.isnan(m.constraint[i]) else float(m.constraint[i]),
                "effective_size": float(m.effective_size[i]),
                "community": int(m.community[i]) + 1,
                "kind_roles": {r: int(v[i]) for r, v in result.roles_by_kind.items()},
                "zona_roles": {r: int(v[i]) for r, v in result.roles_by_zona.items()},
            }
        )
    return sorted(rows, key=lambda r: -r["betweenness"])


# --- Plain rows for the API ------------------------------------------------------------------


def project_rows(*, filters: AtlasFilters) -> RowList:
    """The projects the atlas page lists for the same filters, as plain rows by code."""
    rows = filtered_projects(filters=filters).order_by("code")
    names = (
        "code",
        "cup",
        "title",
        "origin",
        "status",
        "total_funding",
        "commitments",
        "payments",
        "progress",
        "data_status",
    )
    return RowList(rows.values_list(*names), names)


def network_rows(*, filters: AtlasFilters) -> RowList:
    """The networks the atlas page lists for the same filters, as plain rows by code."""
    rows = filtered_networks(filters=filters).order_by("code")
    names = ("code", "name", "kind", "lead", "start", "end", "status")
    fields = ("code", "name", "kind", "lead__code", "start", "end", "status")
    return RowList(rows.values_list(*fields), names)


def organisation_rows(*, kind: str | None = None) -> RowList:
    rows = Organisation.objects.order_by("code")
    if kind:
        rows = rows.filter(kind=kind)
    names = ("code", "name", "kind", "seat", "status")
    return RowList(rows.values_list("code", "name", "kind", "territory__code", "status"), names)


@dataclass
class AtlasSummary:
    """What the atlas holds about a place or a Mission: projects (the largest first),
    networks and the organisations in them, `shown` of each, with their totals."""

    projects: list[Project]
    project_count: int
    funding: Decimal
    networks: list[Network]
    network_count: int
    organisations: list[Organisation]
    organisation_count: int


def _summary(projects: QuerySet[Project], networks: QuerySet[Network], shown: int) -> AtlasSummary:
    totals = Project.objects.filter(pk__in=projects.values("pk")).aggregate(
        count=Count("pk"), funding=Sum("total_funding")
    )
    organisations = Organisation.objects.filter(
        memberships__network__in=networks.values("pk")
    ).distinct()
    return AtlasSummary(
        projects=list(projects.order_by(F("total_funding").desc(nulls_last=True), "code")[:shown]),
        project_count=totals["count"],
        funding=totals["funding"] or Decimal(0),
        networks=list(networks.order_by("name")[:shown]),
        network_count=networks.count(),
        organisations=list(organisations.order_by("name")[:shown]),
        organisation_count=organisations.count(),
    )


def place_atlas(*, comune_ids: list[int], shown: int = 5) -> AtlasSummary:
    """The projects located in these comuni and the networks covering them, in six queries
    however many there are."""
    return _summary(
        Project.objects.filter(places__territory_id__in=comune_ids).distinct(),
        Network.objects.filter(areas__territory_id__in=comune_ids).distinct(),
        shown,
    )


def node_atlas(*, node: Node, shown: int = 5) -> AtlasSummary:
    """The projects and networks serving a node or a node under it (a Mission, a strategy, an
    axis with its strategies), in six queries."""
    serving = Q(nodes=node) | Q(nodes__parent=node) | Q(nodes__parent__parent=node)
    return _summary(
        Project.objects.filter(serving).distinct(),
        Network.objects.filter(serving).distinct(),
        shown,
    )


@dataclass(frozen=True)
class PlaceCount:
    """A comune with the number of a node's projects located in it and of its networks
    covering it."""

    code: str
    name: str
    projects: int
    networks: int


def node_places(*, node: Node) -> list[PlaceCount]:
    """Where the projects and networks serving a node (or a node under it) are, by comune,
    in two queries."""
    serving = Q(nodes=node) | Q(nodes__parent=node) | Q(nodes__parent__parent=node)
    counts: dict[tuple[str, str], list[int]] = {}
    located = Place.objects.filter(project__in=Project.objects.filter(serving).values("pk"))
    covered = NetworkArea.objects.filter(network__in=Network.objects.filter(serving).values("pk"))
    for position, (rows, counted) in enumerate(((located, "project"), (covered, "network"))):
        for code, name, n in (
            rows.values_list("territory__code", "territory__name")
            .annotate(n=Count(counted, distinct=True))
            .order_by()
        ):
            counts.setdefault((code, name), [0, 0])[position] = n
    return [
        PlaceCount(code=code, name=name, projects=p, networks=n)
        for (code, name), (p, n) in sorted(counts.items(), key=lambda item: item[0][1])
    ]
