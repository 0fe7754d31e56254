"""Writes to the agenda graph. Every change is validated first and audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from territori.core.audit import Actor, AuditBatch, snapshot
from territori.core.models import DataStatus
from territori.core.signals import bulk_created
from territori.core.validators import text_problems
from territori.io.errors import InputValidationError, RowError
from territori.io.frameworks import (
    ExistingFramework,
    FrameworkDocument,
    FrameworkMeta,
    LinkRow,
    NodeRow,
    read_framework_file,
    validate_document,
)
from territori.io.text import fold

from .models import SDG_FRAMEWORK, Framework, Link, Node
from .tree import NodeKey, tree_positions


@dataclass(slots=True)
class ImportReport:
    frameworks_created: int = 0
    frameworks_updated: int = 0
    nodes_created: int = 0
    nodes_updated: int = 0
    nodes_unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_unchanged: int = 0
    #: Nodes in the database that the file did not mention (kept, never deleted by an import).
    nodes_not_in_file: list[str] = field(default_factory=list)
    #: Roles the file gave to one of its frameworks, taken from another ("agenda: a → b").
    roles_moved: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return (
            self.frameworks_created
            + self.frameworks_updated
            + self.nodes_created
            + self.nodes_updated
            + self.links_created
            + self.links_updated
        )


def node_search_text(*, node: Node) -> str:
    return fold(" ".join([node.code, node.title_it, node.title_en]))


def _existing(codes: set[str]) -> dict[str, ExistingFramework]:
    frameworks = {fw.code: fw for fw in Framework.objects.all()}
    parents: dict[str, dict[str, str]] = {code: {} for code in frameworks}
    rows = Node.objects.values_list("framework__code", "code", "parent__code")
    for framework_code, code, parent_code in rows:
        parents[framework_code][code] = parent_code or ""
    return {
        code: ExistingFramework(levels=tuple(fw.level_codes()), parents=parents[code])
        for code, fw in frameworks.items()
    }


def _apply(instance: Any, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _framework_values(meta: FrameworkMeta) -> dict[str, Any]:
    """The framework's fields from a file. The role only when the file gives one: a file without
    it leaves the role set in the back office."""
    values: dict[str, Any] = {"role": meta.role} if meta.role else {}
    return values | {
        "name_it": meta.name_it,
        "name_en": meta.name_en,
        "short_name": meta.short_name,
        "description_it": meta.description_it,
        "description_en": meta.description_en,
        "version": meta.version,
        "valid_from": meta.valid_from,
        "valid_to": meta.valid_to,
        "levels": meta.levels,
        "status": meta.status,
        "source": meta.source,
        "order": meta.order,
    }


def _node_values(row: NodeRow) -> dict[str, Any]:
    return {
        "level": row.level,
        "title_it": row.title_it,
        "title_en": row.title_en,
        "description_it": row.description_it,
        "description_en": row.description_en,
        "order": row.order,
        "status": row.status,
        "source": row.source,
        "attributes": row.attributes,
    }


def framework_document_validate(*, document: FrameworkDocument) -> list[Any]:
    """Every problem of a document against the current database (nothing is written)."""
    errors = validate_document(document, _existing(set()))
    for meta in document.frameworks:
        values = {"code": meta.code, **_framework_values(meta)}
        errors += text_problems(Framework, values, row=meta.row, label="framework.")
    for row in document.nodes:
        errors += text_problems(Node, {"code": row.code, **_node_values(row)}, row=row.row)
    for link in document.links:
        errors += text_problems(
            Link, {"note": link.note, "reference": link.reference}, row=link.row
        )
    return errors


@transaction.atomic
def framework_document_import(
    *, document: FrameworkDocument, actor: Actor = None, channel: str = "import"
) -> ImportReport:
    """Create or update frameworks, nodes and links from a validated document.

    Raises InputValidationError, writing nothing, when any row is invalid. Idempotent:
    importing the same document twice changes nothing the second time.
    """
    errors = framework_document_validate(document=document)
    if errors:
        raise InputValidationError(errors)
    report = ImportReport()
    audit = AuditBatch(actor=actor, channel=channel)

    frameworks = {fw.code: fw for fw in Framework.objects.select_for_update()}
    for meta in document.frameworks:
        _release_role(meta, frameworks, report, audit)
        framework = frameworks.get(meta.code)
        if framework is None:
            framework = Framework.objects.create(code=meta.code, **_framework_values(meta))
            frameworks[meta.code] = framework
            report.frameworks_created += 1
            audit.created(framework)
        else:
            before = snapshot(framework)
            if _apply(framework, _framework_values(meta)):
                framework.save()
                report.frameworks_updated += 1
                audit.updated(framework, before)

    touched = {row.framework for row in document.nodes}
    nodes: dict[tuple[str, str], Node] = {
        (node.framework.code, node.code): node
        for node in Node.objects.filter(framework__code__in=touched).select_related(
            "framework", "parent"
        )
    }
    in_file = {(row.framework, row.code) for row in document.nodes}
    # Parents before children: sort rows by their depth in the final tree.
    parent_of = {
        (fw, code): node.parent.code if node.parent else "" for (fw, code), node in nodes.items()
    }
    parent_of.update({(row.framework, row.code): row.parent_code for row in document.nodes})

    def depth(key: tuple[str, str]) -> int:
        level = 0
        while parent_of.get(key):
            key = (key[0], parent_of[key])
            level += 1
        return level

    # One bulk insert per depth of the tree (a parent is written before its children).
    by_depth: dict[int, list[NodeRow]] = {}
    for row in document.nodes:
        by_depth.setdefault(depth((row.framework, row.code)), []).append(row)
    for level in sorted(by_depth):
        new: list[Node] = []
        for row in by_depth[level]:
            key = (row.framework, row.code)
            parent = nodes[(row.framework, row.parent_code)] if row.parent_code else None
            values = _node_values(row)
            values["parent"] = parent
            values["depth"] = parent.depth + 1 if parent else 0
            node = nodes.get(key)
            if node is None:
                node = Node(framework=frameworks[row.framework], code=row.code, **values)
                node.search_text = node_search_text(node=node)
                new.append(node)
                nodes[key] = node
                continue
            before = snapshot(node)
            changed = _apply(node, values)
            search_text = node_search_text(node=node)
            if changed or node.search_text != search_text:
                node.search_text = search_text
                node.save()
            if changed:
                report.nodes_updated += 1
                audit.updated(node, before)
            else:
                report.nodes_unchanged += 1
        Node.objects.bulk_create(new)
        for node in new:
            audit.created(node)
        report.nodes_created += len(new)
        bulk_created.send(sender=Node, pks=[node.pk for node in new])
    report.nodes_not_in_file = sorted(
        f"{fw}:{code}" for (fw, code) in nodes if fw in touched and (fw, code) not in in_file
    )
    _import_links(document.links, report, audit)
    node_positions_refresh(framework_ids=[frameworks[code].pk for code in touched])
    audit.save()
    return report


def _release_role(
    meta: FrameworkMeta, frameworks: dict[str, Framework], report: ImportReport, audit: AuditBatch
) -> None:
    """A role is held by one framework: a new plan edition takes the role from the old one."""
    if not meta.role:
        return
    for holder in frameworks.values():
        if holder.role == meta.role and holder.code != meta.code:
            before = snapshot(holder)
            holder.role = ""
            holder.save(update_fields=["role"])
            audit.updated(holder, before)
            report.roles_moved.append(f"{meta.role}: {holder.code} → {meta.code}")


def _import_links(rows: list[LinkRow], report: ImportReport, audit: AuditBatch) -> None:
    if not rows:
        return
    wanted = {ref for row in rows for ref in (row.source, row.target)}
    frameworks = {ref.partition(":")[0] for ref in wanted}
    by_ref = {
        f"{node.framework.code}:{node.code}": node
        for node in Node.objects.filter(framework__code__in=frameworks).select_related("framework")
    }
    existing = {
        (link.source_node_id, link.target_node_id, link.kind): link
        for link in Link.objects.filter(source_node__framework__code__in=frameworks)
    }
    new: list[Link] = []
    for row in rows:
        source, target = by_ref[row.source], by_ref[row.target]
        values = {"note": row.note, "source": row.reference, "status": row.status}
        link = existing.get((source.pk, target.pk, row.kind))
        if link is None:
            link = Link(source_node=source, target_node=target, kind=row.kind, **values)
            existing[(source.pk, target.pk, row.kind)] = link
            new.append(link)
            continue
        before = snapshot(link)
        if _apply(link, values):
            link.save()
            report.links_updated += 1
            audit.updated(link, before)
        else:
            report.links_unchanged += 1
    Link.objects.bulk_create(new)
    for link in new:
        audit.created(link)
    report.links_created += len(new)


def framework_file_import(
    *,
    data: bytes,
    filename: str,
    actor: Actor = None,
    channel: str = "import",
    dry_run: bool = False,
) -> ImportReport:
    """Read, validate and (unless dry_run) import a YAML, CSV or Excel framework file."""
    document, errors = read_framework_file(data, filename)
    if errors:
        raise InputValidationError(errors)
    if dry_run:
        errors = framework_document_validate(document=document)
        if errors:
            raise InputValidationError(errors)
        with transaction.atomic():
            report = framework_document_import(document=document, actor=actor, channel=channel)
            transaction.set_rollback(True)
        return report
    return framework_document_import(document=document, actor=actor, channel=channel)


# The official PNRR → SNSvS / SDG mapping ------------------------------------------------------

PNRR_FRAMEWORK = "pnrr"
PNRR_MAPPING_SOURCE = "Mappatura PNRR – SNSvS – Agenda 2030 (v2), catalogo open data Italia Domani"


@dataclass
class MappingReport:
    measures_created: int = 0
    measures_updated: int = 0
    links_created: int = 0
    links_confirmed: int = 0  # illustrative or partial links the mapping now confirms
    unchanged: int = 0


@transaction.atomic
def pnrr_mapping_import(
    *, data: bytes, filename: str, actor: Actor = None, channel: str = "import"
) -> MappingReport:
    """PNRR measures as nodes under their components, linked to the SDG goals the official
    mapping assigns them ("contributes to", confirmed, with the source; the prevalent goal
    noted). All or nothing: any bad row, unknown component or goal and nothing is written."""
    from territori.io.pnrr import read_pnrr_mapping

    measures, errors = read_pnrr_mapping(data, filename)
    pnrr = Framework.objects.filter(code=PNRR_FRAMEWORK).first()
    if pnrr is None:
        errors.append(RowError(0, "framework", f"load the {PNRR_FRAMEWORK} framework first"))
        raise InputValidationError(errors)
    nodes = {n.code: n for n in Node.objects.filter(framework=pnrr)}
    goals = {n.code: n for n in Node.objects.filter(framework__code=SDG_FRAMEWORK, level="goal")}
    for measure in measures:
        if measure.component not in nodes:
            errors.append(
                RowError(
                    measure.first_row, "Componente", "unknown PNRR component", measure.component
                )
            )
        for goal in measure.goals:
            if goal not in goals:
                errors.append(RowError(measure.first_row, "GOAL", "unknown SDG goal", goal))
    if errors:
        raise InputValidationError(errors)
    report = MappingReport()
    audit = AuditBatch(actor=actor, channel=channel)
    order = {code: i for i, code in enumerate(sorted(m.code for m in measures))}
    for measure in measures:
        values = {
            "parent": nodes[measure.component],
            "level": "misura",
            "title_it": measure.title[:500] or measure.code,
            "status": DataStatus.CONFIRMED,
            "source": PNRR_MAPPING_SOURCE,
            "depth": nodes[measure.component].depth + 1,
            "order": order[measure.code],
            "attributes": {"tipo": measure.kind, "indicatori_snsvs": sorted(measure.indicators)}
            if measure.kind
            else {"indicatori_snsvs": sorted(measure.indicators)},
        }
        node = nodes.get(measure.code)
        if node is None:
            node = Node.objects.create(framework=pnrr, code=measure.code, **values)
            node.search_text = node_search_text(node=node)
            node.save(update_fields=["search_text"])
            audit.created(node)
            nodes[measure.code] = node
            report.measures_created += 1
        elif audit.update_fields(node, values):
            report.measures_updated += 1
        existing = {
            link.target_node_id: link
            for link in Link.objects.filter(
                source_node=node, kind=Link.Kind.CONTRIBUTES_TO, target_node__in=goals.values()
            )
        }
        for goal, prevalent in sorted(measure.goals.items(), key=lambda g: int(g[0])):
            target = goals[goal]
            note = "Goal prevalente della misura" if prevalent else ""
            link = existing.get(target.pk)
            wanted = {"status": DataStatus.CONFIRMED, "source": PNRR_MAPPING_SOURCE, "note": note}
            if link is None:
                link = Link.objects.create(
                    source_node=node, target_node=target, kind=Link.Kind.CONTRIBUTES_TO, **wanted
                )
                audit.created(link)
                report.links_created += 1
            else:
                was = link.status
                if audit.update_fields(link, wanted):
                    report.links_confirmed += was != DataStatus.CONFIRMED
                else:
                    report.unchanged += 1
    node_positions_refresh(framework_ids=[pnrr.pk])
    audit.save()
    return report


def node_positions_refresh(*, framework_ids: Iterable[int]) -> int:
    """Number the nodes of these frameworks in tree order (`Node.position`); returns how many
    changed. Two queries and one bulk update per call, whatever the frameworks' size."""
    rows = list(
        Node.objects.filter(framework_id__in=list(framework_ids)).values_list(
            "pk", "framework_id", "parent_id", "order", "code", "position"
        )
    )
    by_framework: dict[int, list[NodeKey]] = {}
    current: dict[int, int] = {}
    for pk, framework_id, parent_id, order, code, position in rows:
        by_framework.setdefault(framework_id, []).append((pk, parent_id, order, code))
        current[pk] = position
    changed = [
        Node(pk=pk, position=position)
        for keys in by_framework.values()
        for pk, position in tree_positions(keys).items()
        if current[pk] != position
    ]
    Node.objects.bulk_update(changed, ["position"], batch_size=500)
    return len(changed)
