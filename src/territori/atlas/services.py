"""Importing organisations, networks and memberships (CSV or an Excel workbook).

A workbook may hold the sheets `organizzazioni`, `reti` and `adesioni` together (later sheets
may refer to codes defined in earlier ones); a CSV holds one of them (`kind`). Everything is
checked first; then all rows are written in one transaction, upserting by code (memberships
by organisation, network and start date). Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from territori.core.audit import Actor, AuditBatch
from territori.core.validators import text_problems
from territori.frameworks.models import Node
from territori.frameworks.selectors import site_frameworks
from territori.io.errors import NO_ROWS, RowError
from territori.io.limits import ATLAS_ROWS_LIMIT
from territori.io.tabular import (
    EXCEL_SUFFIXES,
    Row,
    TableReadError,
    read_csv,
    read_xlsx,
    require_columns,
    xlsx_sheet_names,
)
from territori.io.text import fold
from territori.territories.models import Territory

from .models import Membership, Network, NetworkArea, Organisation

KINDS = ("organisations", "networks", "memberships")
SHEETS = {"organisations": "organizzazioni", "networks": "reti", "memberships": "adesioni"}
COLUMNS = {
    "organisations": ["codice", "nome", "tipo", "codice_fiscale", "codice_ipa", "comune", "sito"],
    "networks": ["codice", "nome", "tipo", "descrizione", "capofila", "inizio", "fine", "comuni",
                 "missioni", "strategie", "fonti"],
    "memberships": ["organizzazione", "rete", "ruolo", "dal", "al"],
}  # fmt: skip
REQUIRED = {
    "organisations": ["codice", "nome", "tipo"],
    "networks": ["codice", "nome", "tipo"],
    "memberships": ["organizzazione", "rete"],
}
ORGANISATION_WORDS = {
    "ente pubblico": "public_body", "comune": "comune", "impresa": "company",
    "associazione di categoria": "trade_association", "sindacato": "union",
    "universita o centro di ricerca": "university", "universita": "university",
    "centro di ricerca": "university", "terzo settore": "third_sector",
    "fondazione": "foundation", "museo": "museum", "scuola o agenzia formativa": "school",
    "scuola": "school", "agenzia formativa": "school", "altro": "other",
}  # fmt: skip
NETWORK_WORDS = {
    "green community": "green_community", "gal": "gal", "gruppo di azione locale": "gal",
    "contratto di fiume": "river_contract", "contratto di lago": "river_contract",
    "contratto di fiume o lago": "river_contract", "distretto": "district",
    "unione di comuni": "union_of_comuni", "consorzio": "consortium",
    "partenariato": "partnership", "altro": "other",
}  # fmt: skip
ROLE_WORDS = {"capofila": "lead", "partner": "partner", "membro": "member", "aderente": "member"}
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FISCAL_CODE = re.compile(r"^(\d{11}|[A-Z0-9]{16})$")
SPLIT = re.compile(r"[\s,;]+")


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


def _choice(text: str, values: list[str], words: dict[str, str]) -> str | None:
    key = fold(text).strip()
    if key in values:
        return key
    return words.get(key)


def _date(text: str) -> dt.date | str | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return "bad"


class _Checker:
    """Validates rows of one kind, collecting RowErrors named `sheet: column`."""

    def __init__(self, kind: str, errors: list[RowError]) -> None:
        self.sheet = SHEETS[kind]
        self.errors = errors

    def error(self, row: Row, column: str, message: str, value: str = "") -> None:
        self.errors.append(RowError(row.line, f"{self.sheet}: {column}", message, value))

    def date(self, row: Row, column: str) -> dt.date | None:
        value = _date(row.get(column))
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


def _read(
    data: bytes, filename: str, kind: str | None
) -> tuple[dict[str, list[Row]], list[RowError]]:
    suffix = Path(filename).suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES:
            names = xlsx_sheet_names(data)
            tables = {
                k: list(read_xlsx(data, SHEETS[k], rows_limit=ATLAS_ROWS_LIMIT))
                for k in KINDS
                if SHEETS[k] in names
            }
            if not tables:
                sheets = ", ".join(SHEETS.values())
                return {}, [RowError(0, "file", f"the workbook has none of the sheets {sheets}")]
            return tables, []
        if kind not in KINDS:
            guess = next((k for k in KINDS if SHEETS[k] in Path(filename).stem.lower()), None)
            if guess is None:
                return {}, [
                    RowError(
                        0, "file", "say what the CSV holds: organisations, networks or memberships"
                    )
                ]
            kind = guess
        rows = list(read_csv(data, rows_limit=ATLAS_ROWS_LIMIT))
        if not rows:
            return {}, [RowError(0, "file", NO_ROWS)]
        return {kind: rows}, []
    except TableReadError as exc:
        return {}, [exc.error]


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
    tables, report.errors = _read(data, filename, kind)
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
            kind_value = _choice(row.get("tipo"), Organisation.Kind.values, ORGANISATION_WORDS)
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
                "code": code, "name": row.get("nome"), "kind": kind_value, "fiscal_code": fiscal,
                "ipa_code": row.get("codice_ipa"), "territory": seat, "website": site,
            }  # fmt: skip
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
            kind_value = _choice(row.get("tipo"), Network.Kind.values, NETWORK_WORDS)
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
                "code": code, "name": row.get("nome"), "kind": kind_value,
                "description": row.get("descrizione"), "lead": lead, "start": start, "end": end,
                "sources": row.get("fonti"), "areas": areas, "nodes": linked,
            }  # fmt: skip
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
            role = _choice(row.get("ruolo") or "membro", Membership.Role.values, ROLE_WORDS)
            if role is None:
                check.error(row, "ruolo", "use capofila, partner or membro", row.get("ruolo"))
            start, end = check.date(row, "dal"), check.date(row, "al")
            if start and end and end < start:
                check.error(row, "al", "ends before it starts", row.get("al"))
            check.unique(row, "organizzazione", (organisation, network, start), seen)
            plans["memberships"].append({
                "organisation": organisation, "network": network, "role": role,
                "valid_from": start, "valid_to": end,
            })  # fmt: skip
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        _write(plans, report, AuditBatch(actor=actor, channel=channel))
    return report


def _upsert(
    model: Any, lookup: dict[str, Any], values: dict[str, Any], kind: str,
    report: AtlasImportReport, audit: AuditBatch, instance: Any,
) -> Any:  # fmt: skip
    if instance is None:
        instance = model.objects.create(**lookup, **values)
        audit.created(instance)
        report.created[kind] += 1
        return instance
    if audit.update_fields(instance, values):
        report.updated[kind] += 1
    else:
        report.unchanged[kind] += 1
    return instance


def _write(
    plans: dict[str, list[dict[str, Any]]], report: AtlasImportReport, audit: AuditBatch
) -> None:
    organisations = {o.code: o for o in Organisation.objects.all()}
    for item in plans["organisations"]:
        code = item.pop("code")
        organisations[code] = _upsert(
            Organisation, {"code": code}, item, "organisations", report, audit,
            organisations.get(code),
        )  # fmt: skip
    networks = {n.code: n for n in Network.objects.all()}
    for item in plans["networks"]:
        code = item.pop("code")
        areas, linked = item.pop("areas"), item.pop("nodes")
        item["lead"] = organisations.get(item["lead"]) if item["lead"] else None
        network = _upsert(
            Network, {"code": code}, item, "networks", report, audit,
            networks.get(code),
        )  # fmt: skip
        networks[code] = network
        if {n.pk for n in network.nodes.all()} != {n.pk for n in linked}:
            network.nodes.set(linked)
        current = set(
            NetworkArea.objects.filter(network=network).values_list("territory_id", flat=True)
        )
        wanted = {t.pk for t in areas}
        if current != wanted:
            NetworkArea.objects.filter(network=network).exclude(territory_id__in=wanted).delete()
            for territory_id in wanted - current:
                audit.created(
                    NetworkArea.objects.create(
                        network=network, territory_id=territory_id, valid_from=network.start
                    )
                )
    existing = {
        (m.organisation_id, m.network_id, m.valid_from): m for m in Membership.objects.all()
    }
    for item in plans["memberships"]:
        organisation, network = organisations[item["organisation"]], networks[item["network"]]
        key = (organisation.pk, network.pk, item["valid_from"])
        existing[key] = _upsert(
            Membership, {"organisation": organisation, "network": network, "valid_from": item["valid_from"]},
            {"role": item["role"], "valid_to": item["valid_to"]}, "memberships", report, audit,
            existing.get(key),
        )  # fmt: skip
    audit.save()


def atlas_template_xlsx() -> bytes:
    """The workbook `atlas_import` reads: the three sheets with their columns, an example row
    each (to delete), and a guide with the accepted types and roles."""
    from territori.io.tabular import write_xlsx

    examples = {
        "organisations": ["esempio-ente", "Ente di esempio (da cancellare)", "ente pubblico",
                          "", "", "001272", "https://example.org"],
        "networks": ["esempio-rete", "Rete di esempio (da cancellare)", "green community", "",
                     "esempio-ente", "2024-01-01", "", "001272 001191", "1.2", "1.1", ""],
        "memberships": ["esempio-ente", "esempio-rete", "capofila", "2024-01-01", ""],
    }  # fmt: skip
    guide: list[list[object]] = [["foglio", "colonna", "valori accettati"]]
    guide += [["organizzazioni", "tipo", ", ".join(sorted(ORGANISATION_WORDS))],
              ["reti", "tipo", ", ".join(sorted(NETWORK_WORDS))],
              ["adesioni", "ruolo", ", ".join(sorted(ROLE_WORDS))],
              ["tutti", "date", "AAAA-MM-GG"],
              ["reti", "comuni", "codici ISTAT o nomi, separati da spazio, virgola o punto e virgola"]]  # fmt: skip
    sheets: dict[str, list[list[object]]] = {
        SHEETS[kind]: [list[object](COLUMNS[kind]), list[object](examples[kind])] for kind in KINDS
    }
    sheets["guida"] = guide
    return write_xlsx(sheets)


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
    return update
