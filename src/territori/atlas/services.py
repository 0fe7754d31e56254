"""Importing organisations, networks and memberships (CSV or an Excel workbook).

A workbook may hold the sheets `organizzazioni`, `reti` and `adesioni` together (later sheets
may refer to codes defined in earlier ones); a CSV holds one of them (`kind`). Everything is
checked first; then all rows are written in one transaction, upserting by code (memberships
by organisation, network and start date). Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from territori.core.audit import Actor, AuditBatch
from territori.core.signals import bulk_created
from territori.core.validators import text_problems
from territori.frameworks.models import Node
from territori.frameworks.selectors import site_frameworks
from territori.io.atlas import (
    CODE,
    FISCAL_CODE,
    KINDS,
    NETWORK_WORDS,
    ORGANISATION_WORDS,
    REQUIRED,
    ROLE_WORDS,
    SHEETS,
    SPLIT,
    choice,
    parse_date,
    read_atlas_tables,
)
from territori.io.errors import RowError
from territori.io.tabular import (
    Row,
    require_columns,
)
from territori.io.text import fold
from territori.territories.models import Territory

from .models import Membership, Network, NetworkArea, Organisation


@dataclass
class AtlasImportReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    errors: list[RowError] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


def _no_node(column: str, framework: str) -> str:
    if not framework:
        role = "agenda" if column == "missioni" else "plan"
        return f"no framework has the role {role}: load the {role} before linking networks to it"
    return f"not a node of {framework}"


class _Checker:
    """Validates rows of one kind, collecting RowErrors named `sheet: column`."""

    def __init__(self, kind: str, errors: list[RowError]) -> None:
        self.sheet = SHEETS[kind]
        self.errors = errors

    def error(self, row: Row, column: str, message: str, value: str = "") -> None:
        self.errors.append(RowError(row.line, f"{self.sheet}: {column}", message, value))

    def date(self, row: Row, column: str) -> dt.date | None:
        value = parse_date(row.get(column))
        if value == "bad":
            self.error(row, column, "not a date (YYYY-MM-DD)", row.get(column))
            return None
        return value  # type: ignore[return-value]

    def code(self, row: Row, seen: dict[Any, int]) -> str | None:
        """The row's `codice`, lower-cased, or None (and an error) if malformed or repeated."""
        code = row.get("codice").lower()
        if not CODE.match(code):
            self.error(row, "codice", "use lower-case letters, digits, - and _", row.get("codice"))
            return None
        return code if self.unique(row, "codice", code, seen) else None

    def unique(self, row: Row, column: str, key: Any, seen: dict[Any, int]) -> bool:
        if key in seen:
            self.error(row, column, f"duplicate (also row {seen[key]})", str(key))
            return False
        seen[key] = row.line
        return True


def atlas_import(
    *,
    data: bytes,
    filename: str,
    kind: str | None = None,
    actor: Actor = None,
    channel: str = "import",
    dry_run: bool = False,
) -> AtlasImportReport:
    report = AtlasImportReport()
    tables, report.errors = read_atlas_tables(data, filename, kind)
    if report.errors:
        return report
    for name, rows in tables.items():
        for problem in require_columns(rows, REQUIRED[name]):
            report.errors.append(
                RowError(problem.row, f"{SHEETS[name]}: {problem.field}", problem.message)
            )
    if report.errors:
        return report
    comuni = {
        t.code: t
        for t in Territory.objects.filter(kind=Territory.Kind.COMUNE).only("id", "code", "name")
    }
    by_name = {fold(t.name): t for t in comuni.values()}
    frameworks = site_frameworks()
    #: The workbook's "missioni" name nodes of the agenda, its "strategie" nodes of the plan.
    node_columns = {"missioni": frameworks.agenda_code, "strategie": frameworks.plan_code}
    nodes = {
        (n.framework.code, n.code): n
        for n in Node.objects.filter(
            framework__code__in=[code for code in node_columns.values() if code]
        ).select_related("framework")
    }
    organisation_codes = set(Organisation.objects.values_list("code", flat=True))
    network_codes = set(Network.objects.values_list("code", flat=True))
    plans: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}

    def comune(check: _Checker, row: Row, column: str, text: str) -> Territory | None:
        found = comuni.get(text.zfill(6)) if text.isdigit() else by_name.get(fold(text))
        if found is None:
            check.error(row, column, "not a comune of the metropolitan city", text)
        return found

    if "organisations" in tables:
        check, seen = _Checker("organisations", report.errors), dict[Any, int]()
        for row in tables["organisations"]:
            code = check.code(row, seen)
            if code is None:
                continue
            kind_value = choice(row.get("tipo"), Organisation.Kind.values, ORGANISATION_WORDS)
            if kind_value is None:
                check.error(row, "tipo", "unknown type of organisation", row.get("tipo"))
            if not row.get("nome"):
                check.error(row, "nome", "a name is required")
            fiscal = row.get("codice_fiscale").upper()
            if fiscal and not FISCAL_CODE.match(fiscal):
                check.error(
                    row, "codice_fiscale", "not a fiscal code (11 digits or 16 characters)", fiscal
                )
            if len(fiscal) == 16:
                check.error(
                    row,
                    "codice_fiscale",
                    "a person's fiscal code: the atlas holds organisations, never private persons",
                )
            site = row.get("sito")
            if site:
                try:
                    URLValidator()(site)
                except ValidationError:
                    check.error(row, "sito", "not a web address (https://...)", site)
            seat = comune(check, row, "comune", row.get("comune")) if row.get("comune") else None
            organisation_codes.add(code)
            plan: dict[str, Any] = {
                "code": code,
                "name": row.get("nome"),
                "kind": kind_value,
                "fiscal_code": fiscal,
                "ipa_code": row.get("codice_ipa"),
                "territory": seat,
                "website": site,
            }
            report.errors += text_problems(
                Organisation, plan, row=row.line, label="organizzazioni: "
            )
            plans["organisations"].append(plan)
    if "networks" in tables:
        check, seen = _Checker("networks", report.errors), dict[Any, int]()
        for row in tables["networks"]:
            code = check.code(row, seen)
            if code is None:
                continue
            kind_value = choice(row.get("tipo"), Network.Kind.values, NETWORK_WORDS)
            if kind_value is None:
                check.error(row, "tipo", "unknown type of network", row.get("tipo"))
            lead = row.get("capofila").lower()
            if lead and lead not in organisation_codes:
                check.error(row, "capofila", "unknown organisation code", lead)
            start, end = check.date(row, "inizio"), check.date(row, "fine")
            if start and end and end < start:
                check.error(row, "fine", "ends before it starts", row.get("fine"))
            areas = [comune(check, row, "comuni", c) for c in SPLIT.split(row.get("comuni")) if c]
            linked = []
            for column, framework in node_columns.items():
                for node_code in (c for c in SPLIT.split(row.get(column)) if c):
                    node = nodes.get((framework, node_code))
                    if node is None:
                        check.error(row, column, _no_node(column, framework), node_code)
                    linked.append(node)
            network_codes.add(code)
            plan = {
                "code": code,
                "name": row.get("nome"),
                "kind": kind_value,
                "description": row.get("descrizione"),
                "lead": lead,
                "start": start,
                "end": end,
                "sources": row.get("fonti"),
                "areas": areas,
                "nodes": linked,
            }
            report.errors += text_problems(Network, plan, row=row.line, label="reti: ")
            plans["networks"].append(plan)
    if "memberships" in tables:
        check, seen = _Checker("memberships", report.errors), dict[Any, int]()
        for row in tables["memberships"]:
            organisation, network = row.get("organizzazione").lower(), row.get("rete").lower()
            if organisation not in organisation_codes:
                check.error(row, "organizzazione", "unknown organisation code", organisation)
            if network not in network_codes:
                check.error(row, "rete", "unknown network code", network)
            role = choice(row.get("ruolo") or "membro", Membership.Role.values, ROLE_WORDS)
            if role is None:
                check.error(row, "ruolo", "use capofila, partner or membro", row.get("ruolo"))
            start, end = check.date(row, "dal"), check.date(row, "al")
            if start and end and end < start:
                check.error(row, "al", "ends before it starts", row.get("al"))
            check.unique(row, "organizzazione", (organisation, network, start), seen)
            plans["memberships"].append(
                {
                    "organisation": organisation,
                    "network": network,
                    "role": role,
                    "valid_from": start,
                    "valid_to": end,
                }
            )
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        _write(plans, report, AuditBatch(actor=actor, channel=channel))
    return report


def _sort_out(
    model: Any,
    instance: Any,
    values: dict[str, Any],
    kind: str,
    report: AtlasImportReport,
    audit: AuditBatch,
    new: list[Any],
) -> Any:
    """A new row is kept in `new` for one bulk insert; an existing one is updated (saved only
    if a value changed: a second import of the same file writes nothing)."""
    if instance is None:
        instance = model(**values)
        new.append(instance)
        return instance
    if audit.update_fields(instance, values):
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return instance


def _insert(
    model: Any, rows: list[Any], kind: str, report: AtlasImportReport, audit: AuditBatch
) -> None:
    """Insert the new rows in one query, audit them and tell the search index."""
    if not rows:
        return
    model.objects.bulk_create(rows)
    for row in rows:
        audit.created(row)
    report.created[kind] += len(rows)
    bulk_created.send(sender=model, pks=[row.pk for row in rows])


def _write(
    plans: dict[str, list[dict[str, Any]]], report: AtlasImportReport, audit: AuditBatch
) -> None:
    """Write the checked rows: a fixed number of queries for new rows, however many (existing
    rows that changed are saved one by one, with their audit entry)."""
    organisations = {o.code: o for o in Organisation.objects.all()}
    new: list[Any] = []
    for item in plans["organisations"]:
        code = item["code"]
        organisations[code] = _sort_out(
            Organisation, organisations.get(code), item, "organisations", report, audit, new
        )
    _insert(Organisation, new, "organisations", report, audit)

    networks = {n.code: n for n in Network.objects.all()}
    wanted_nodes: dict[str, set[int]] = {}
    wanted_areas: dict[str, set[int]] = {}
    new = []
    for item in plans["networks"]:
        code = item["code"]
        wanted_areas[code] = {t.pk for t in item.pop("areas")}
        wanted_nodes[code] = {n.pk for n in item.pop("nodes")}
        item["lead"] = organisations.get(item["lead"]) if item["lead"] else None
        networks[code] = _sort_out(
            Network, networks.get(code), item, "networks", report, audit, new
        )
    _insert(Network, new, "networks", report, audit)
    _write_network_links(
        {networks[code]: ids for code, ids in wanted_nodes.items()},
        {networks[code]: ids for code, ids in wanted_areas.items()},
        audit,
    )

    existing = {
        (m.organisation_id, m.network_id, m.valid_from): m for m in Membership.objects.all()
    }
    new = []
    for item in plans["memberships"]:
        organisation, network = organisations[item["organisation"]], networks[item["network"]]
        key = (organisation.pk, network.pk, item["valid_from"])
        values = {"role": item["role"], "valid_to": item["valid_to"]}
        if key not in existing:
            values |= {
                "organisation": organisation,
                "network": network,
                "valid_from": item["valid_from"],
            }
        existing[key] = _sort_out(
            Membership, existing.get(key), values, "memberships", report, audit, new
        )
    _insert(Membership, new, "memberships", report, audit)
    audit.save()


def _write_network_links(
    nodes: dict[Network, set[int]], areas: dict[Network, set[int]], audit: AuditBatch
) -> None:
    """Set the networks' Missions and strategies and their comuni to the file's, in a fixed
    number of queries (the areas' changes are audited)."""
    if not nodes:
        return
    through = Network.nodes.through
    current_nodes: dict[int, set[int]] = {}
    for network_id, node_id in through.objects.filter(network__in=list(nodes)).values_list(
        "network_id", "node_id"
    ):
        current_nodes.setdefault(network_id, set()).add(node_id)
    changed = [n for n, ids in nodes.items() if current_nodes.get(n.pk, set()) != ids]
    through.objects.filter(network__in=changed).delete()
    through.objects.bulk_create(
        through(network_id=network.pk, node_id=node_id)
        for network in changed
        for node_id in nodes[network]
    )
    current_areas: dict[int, dict[int, int]] = {}
    for pk, network_id, territory_id in NetworkArea.objects.filter(
        network__in=list(areas)
    ).values_list("pk", "network_id", "territory_id"):
        current_areas.setdefault(network_id, {})[territory_id] = pk
    stale = [
        pk
        for network, wanted in areas.items()
        for territory_id, pk in current_areas.get(network.pk, {}).items()
        if territory_id not in wanted
    ]
    NetworkArea.objects.filter(pk__in=stale).delete()
    added = NetworkArea.objects.bulk_create(
        NetworkArea(network=network, territory_id=territory_id, valid_from=network.start)
        for network, wanted in areas.items()
        for territory_id in wanted - set(current_areas.get(network.pk, {}))
    )
    for area in added:
        audit.created(area)


@transaction.atomic
def project_update_add(
    *,
    project: Any,
    text: str,
    actor: Any,
    progress: int | None = None,
    milestone: str = "",
    milestone_due: dt.date | None = None,
    channel: str = "staff",
) -> Any:
    """A dated entry in a project's public log, with optional progress and a new milestone;
    every change audited."""
    from territori.core.audit import audit_record, snapshot

    from .models import Milestone, ProjectUpdate

    if not text.strip():
        raise ValueError("text: required")
    if progress is not None and not 0 <= progress <= 100:
        raise ValueError(f"progress: must be from 0 to 100, not {progress}")
    changes: dict[str, Any] = {}
    if progress is not None and progress != project.progress:
        before = snapshot(project)
        changes["progress"] = [project.progress, progress]
        project.progress = progress
        project.save(update_fields=["progress"])
        audit_record(instance=project, action="update", before=before, actor=actor, channel=channel)
    if milestone:
        created = Milestone.objects.create(project=project, title=milestone, due=milestone_due)
        changes["milestone"] = milestone
        audit_record(instance=created, action="create", before=None, actor=actor, channel=channel)
    update = ProjectUpdate.objects.create(
        project=project, author=actor, text=text.strip(), changes=changes
    )
    audit_record(instance=update, action="create", before=None, actor=actor, channel=channel)
    from territori.core.signals import project_updated

    project_updated.send(sender=type(project), project=project, update=update)
    return update
