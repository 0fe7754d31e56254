"""Reads of the agenda graph, each with a bounded number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from territori.core.rows import Row, RowList
from territori.io.frameworks import FrameworkDocument, FrameworkMeta, LinkRow, NodeRow

from .models import Framework, FrameworkRole, Link, Node


@dataclass(frozen=True)
class SiteFrameworks:
    """The frameworks the site runs, found by their role (one query): the portal never names a
    framework by code, so another metropolitan city loads its own agenda and plan and the pages
    follow."""

    agenda: Framework | None = None
    plan: Framework | None = None
    national: Framework | None = None
    regional: Framework | None = None

    @property
    def agenda_code(self) -> str:
        return self.agenda.code if self.agenda else ""

    @property
    def plan_code(self) -> str:
        return self.plan.code if self.plan else ""

    def mission_filter(self) -> Q:
        """The agenda's Missions (its goal level); matches nothing without an agenda."""
        if self.agenda is None:
            return Q(pk__in=[])
        return Q(framework=self.agenda, level=self.agenda.goal_level)

    def axis_filter(self) -> Q:
        """The plan's axes (its first level); matches nothing without a plan."""
        if self.plan is None:
            return Q(pk__in=[])
        return Q(framework=self.plan, level=self.plan.top_level)

    def tag_filter(self) -> Q:
        """What contributions and meetings are tagged with: the agenda's Missions and the plan's
        axes and strategies."""
        condition = self.mission_filter()
        if self.plan is not None:
            condition |= Q(
                framework=self.plan, level__in=[self.plan.top_level, self.plan.goal_level]
            )
        return condition


def site_frameworks(*, frameworks: Iterable[Framework] | None = None) -> SiteFrameworks:
    """The agenda, plan and strategies by role: one query, none when the caller already holds
    every framework."""
    if frameworks is None:
        frameworks = Framework.objects.exclude(role="")
    by_role = {fw.role: fw for fw in frameworks if fw.role}
    return SiteFrameworks(
        agenda=by_role.get(FrameworkRole.AGENDA),
        plan=by_role.get(FrameworkRole.PLAN),
        national=by_role.get(FrameworkRole.NATIONAL),
        regional=by_role.get(FrameworkRole.REGIONAL),
    )


def agenda_groups(*, site: SiteFrameworks | None = None) -> list[Node]:
    """The agenda's first level (the macro-areas) with their Missions prefetched (2 queries);
    empty when no framework has the role of agenda."""
    agenda = (site or site_frameworks()).agenda
    if agenda is None:
        return []
    return list(nodes_with_children(framework_code=agenda.code, level=agenda.top_level))


def framework_list() -> QuerySet[Framework]:
    return Framework.objects.annotate(node_count=Count("nodes")).order_by("order", "code")


def framework_get(*, code: str) -> Framework:
    return Framework.objects.get(code=code)


@dataclass
class TreeItem:
    node: Node
    children: list[TreeItem] = field(default_factory=list)


def framework_tree(*, framework: Framework) -> list[TreeItem]:
    """The framework's nodes as a tree, in one query."""
    nodes = list(
        Node.objects.filter(framework=framework).select_related("framework").order_by("position")
    )
    items = {node.pk: TreeItem(node) for node in nodes}
    roots: list[TreeItem] = []
    for node in nodes:
        item = items[node.pk]
        if node.parent_id and node.parent_id in items:
            items[node.parent_id].children.append(item)
        else:
            roots.append(item)
    return roots


def node_get(*, framework_code: str, code: str) -> Node:
    return Node.objects.select_related("framework", "parent", "parent__framework").get(
        framework__code=framework_code, code=code
    )


def node_children(*, node: Node) -> QuerySet[Node]:
    return (
        node.children.select_related("framework")
        .annotate(child_count=Count("children"))
        .order_by("position")
    )


def node_ancestors(*, node: Node) -> list[Node]:
    """Ancestors from the root down, in one query (reads the framework's parent map)."""
    parents = dict(
        Node.objects.filter(framework_id=node.framework_id).values_list("pk", "parent_id")
    )
    chain: list[int] = []
    current = node.parent_id
    while current and current not in chain:
        chain.append(current)
        current = parents.get(current)
    by_pk = Node.objects.select_related("framework").in_bulk(chain)
    return [by_pk[pk] for pk in reversed(chain)]


@dataclass(frozen=True)
class LinkedNode:
    link: Link
    node: Node
    outgoing: bool


def node_links(*, node: Node) -> list[LinkedNode]:
    """Nodes in other frameworks linked to this one, both directions, in one query."""
    links = (
        Link.objects.filter(Q(source_node=node) | Q(target_node=node))
        .select_related("source_node__framework", "target_node__framework")
        .order_by("target_node__framework__order", "source_node__framework__order", "kind")
    )
    result = []
    for link in links:
        outgoing = link.source_node_id == node.pk
        result.append(
            LinkedNode(link, link.target_node if outgoing else link.source_node, outgoing)
        )
    return result


def nodes_with_children(*, framework_code: str, level: str) -> QuerySet[Node]:
    """Nodes of one level with their children prefetched (two queries)."""
    return (
        Node.objects.filter(framework__code=framework_code, level=level)
        .select_related("framework")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Node.objects.select_related("framework").order_by("position"),
            )
        )
        .order_by("position")
    )


def framework_document(*, code: str) -> FrameworkDocument:
    """The framework as a document for export: its fields, nodes in tree order, outgoing links."""
    framework = Framework.objects.get(code=code)
    meta = FrameworkMeta(
        code=framework.code,
        name_it=framework.name_it,
        name_en=framework.name_en,
        short_name=framework.short_name,
        description_it=framework.description_it,
        description_en=framework.description_en,
        version=framework.version,
        valid_from=framework.valid_from,
        valid_to=framework.valid_to,
        levels=list(framework.levels or []),
        status=framework.status,
        source=framework.source,
        order=framework.order,
    )
    nodes = [
        NodeRow(
            row=0,
            framework=framework.code,
            code=node.code,
            parent_code=node.parent.code if node.parent else "",
            level=node.level,
            title_it=node.title_it,
            title_en=node.title_en,
            description_it=node.description_it,
            description_en=node.description_en,
            order=node.order,
            status=node.status,
            source=node.source,
            attributes=dict(node.attributes or {}),
        )
        for node in Node.objects.filter(framework=framework)
        .select_related("parent")
        .order_by("position")
    ]
    links = [
        LinkRow(
            row=0,
            source=f"{framework.code}:{link.source_node.code}",
            target=f"{link.target_node.framework.code}:{link.target_node.code}",
            kind=link.kind,
            note=link.note,
            reference=link.source,
            status=link.status,
        )
        for link in Link.objects.filter(source_node__framework=framework).select_related(
            "source_node", "target_node__framework"
        )
    ]
    return FrameworkDocument(frameworks=[meta], nodes=nodes, links=links)


# --- Plain rows for the API ------------------------------------------------------------------


def framework_rows() -> list[Row]:
    rows = Framework.objects.order_by("order", "code").values(
        "code", "short_name", "name_it", "name_en", "version", "status", "role"
    )
    return [dict(row) for row in rows]


def node_rows(*, framework: Framework, level: str | None = None) -> RowList:
    """A framework's nodes in tree order, optionally of one level."""
    nodes = Node.objects.filter(framework=framework).order_by("position")
    if level:
        nodes = nodes.filter(level=level)
    names = ("code", "level", "parent", "title_it", "title_en", "status")
    rows = nodes.values_list("code", "level", "parent__code", "title_it", "title_en", "status")
    return RowList(rows, names, post=lambda item: {**item, "framework": framework.code})
