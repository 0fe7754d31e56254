"""Writing projects read from OpenCoesione or ReGiS files: validate, then one transaction.

Upsert by code ("oc-" + the local project code for OpenCoesione, "pnrr-" + the CUP for PNRR).
Only places in the metropolitan city are kept (with their share of the project); a project
with no place in it is skipped and counted, since the national files cover all of Italy.
Importing the same file again changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from territori.core.audit import Actor, AuditBatch
from territori.core.signals import bulk_created
from territori.core.validators import text_problems
from territori.io.errors import RowError
from territori.io.projects import ProjectRecord, read_opencoesione, read_regis
from territori.io.text import fold
from territori.territories.models import Territory

from .models import Funding, Organisation, Place, Project

#: Words in an implementing body's name that tell its type (checked in this order).
BODY_KINDS = (
    ("comune di ", Organisation.Kind.COMUNE),
    ("universita", Organisation.Kind.UNIVERSITY),
    ("politecnico", Organisation.Kind.UNIVERSITY),
    ("istituto comprensivo", Organisation.Kind.SCHOOL),
    ("istituto di istruzione", Organisation.Kind.SCHOOL),
    ("liceo", Organisation.Kind.SCHOOL),
    ("fondazione", Organisation.Kind.FOUNDATION),
    ("citta metropolitana", Organisation.Kind.PUBLIC_BODY),
    ("regione ", Organisation.Kind.PUBLIC_BODY),
    ("ministero", Organisation.Kind.PUBLIC_BODY),
    ("azienda sanitaria", Organisation.Kind.PUBLIC_BODY),
    ("unione ", Organisation.Kind.PUBLIC_BODY),
    (" s r l", Organisation.Kind.COMPANY),
    (" s p a", Organisation.Kind.COMPANY),
    (" srl", Organisation.Kind.COMPANY),
    (" spa", Organisation.Kind.COMPANY),
)


def body_kind(name: str) -> str:
    folded = f" {fold(name)} "
    return next((kind for word, kind in BODY_KINDS if word in folded), Organisation.Kind.OTHER)


FIELDS = (
    "cup",
    "local_code",
    "title",
    "summary",
    "origin",
    "theme",
    "programme_code",
    "pnrr_mission",
    "pnrr_component",
    "pnrr_measure",
    "implementing_body_name",
    "total_funding",
    "commitments",
    "payments",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
)


@dataclass
class ProjectImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outside: int = 0  # projects with no place in the metropolitan city
    errors: list[RowError] = field(default_factory=list)


def _code(record: ProjectRecord) -> str:
    if record.origin == "pnrr":
        return f"pnrr-{record.cup.lower()}"
    return f"oc-{slugify(record.local_code)}"[:80]


def opencoesione_import(
    *,
    data: bytes,
    filename: str,
    actor: Actor = None,
    channel: str = "import",
    dry_run: bool = False,
) -> ProjectImportReport:
    records, errors = read_opencoesione(data, filename)
    return _import(
        records,
        errors,
        source=f"OpenCoesione ({filename}), CC BY 4.0",
        actor=actor,
        channel=channel,
        dry_run=dry_run,
    )


def regis_import(
    *,
    projects: bytes,
    projects_name: str,
    places: bytes,
    places_name: str,
    actor: Actor = None,
    channel: str = "import",
    dry_run: bool = False,
) -> ProjectImportReport:
    records, errors = read_regis(projects, projects_name, places, places_name)
    return _import(
        records,
        errors,
        source=f"Italia Domani / ReGiS ({projects_name})",
        actor=actor,
        channel=channel,
        dry_run=dry_run,
    )


def _implementing_bodies(records: list[ProjectRecord], audit: AuditBatch) -> dict[str, int]:
    """Fiscal code → organisation id of the implementing bodies, creating those not known
    (by fiscal code) as organisations. A 16-character code is a person's: never stored."""
    wanted = {
        r.implementing_body_code: r.implementing_body_name
        for r in records
        if r.implementing_body_code
        and len(r.implementing_body_code) == 11
        and r.implementing_body_name
    }
    found = dict(
        Organisation.objects.filter(fiscal_code__in=list(wanted)).values_list("fiscal_code", "id")
    )
    comuni = {
        fold(name): pk
        for name, pk in Territory.objects.filter(kind=Territory.Kind.COMUNE).values_list(
            "name", "id"
        )
    }
    new = []
    for fiscal_code, name in wanted.items():
        if fiscal_code in found:
            continue
        kind = body_kind(name)
        seat = (
            comuni.get(fold(name)[len("comune di ") :])
            if kind == Organisation.Kind.COMUNE
            else None
        )
        new.append(
            Organisation(
                code=f"cf-{fiscal_code}",
                name=name[:300],
                kind=kind,
                fiscal_code=fiscal_code,
                territory_id=seat,
            )
        )
    for organisation in Organisation.objects.bulk_create(new):
        audit.created(organisation)
        found[organisation.fiscal_code] = organisation.pk
    bulk_created.send(sender=Organisation, pks=[o.pk for o in new])
    return found


def _import(
    records: list[ProjectRecord],
    errors: list[RowError],
    *,
    source: str,
    actor: Actor,
    channel: str,
    dry_run: bool,
) -> ProjectImportReport:
    report = ProjectImportReport(errors=list(errors))
    for record in records:
        values = {name: getattr(record, name) for name in FIELDS} | {"code": _code(record)}
        report.errors += text_problems(Project, values, row=record.line)
        report.errors += text_problems(
            Organisation,
            {"name": record.implementing_body_name},
            row=record.line,
            label="implementing body ",
        )
    if report.errors:
        return report
    comuni = dict(Territory.objects.filter(kind=Territory.Kind.COMUNE).values_list("code", "id"))
    wanted = []
    for record in records:
        places = {comuni[c]: share for c, share in record.places.items() if c in comuni}
        if not places:
            report.outside += 1
            continue
        wanted.append((record, places))
    if dry_run:
        report.created = len(wanted)
        return report
    with transaction.atomic():
        audit = AuditBatch(actor=actor, channel=channel)
        codes = [_code(r) for r, _p in wanted]
        existing = {p.code: p for p in Project.objects.filter(code__in=codes)}
        current_places = {
            (place.project_id, place.territory_id): place.share
            for place in Place.objects.filter(project__code__in=codes)
        }
        current_funding = {
            (f.project_id, f.source): f.amount
            for f in Funding.objects.filter(project__code__in=codes)
        }
        bodies = _implementing_bodies([r for r, _p in wanted], audit)
        places_of: dict[int, dict[int, float]] = defaultdict(dict)
        for (project_id, territory_id), share in current_places.items():
            places_of[project_id][territory_id] = share
        funding_of: dict[int, dict[str, Decimal]] = defaultdict(dict)
        for (project_id, funding_source), amount in current_funding.items():
            funding_of[project_id][funding_source] = amount
        new: list[tuple[Project, ProjectRecord, dict[int, float]]] = []
        relink: list[tuple[Project, ProjectRecord, dict[int, float]]] = []
        for record, places in wanted:
            code = _code(record)
            values = {name: getattr(record, name) for name in FIELDS} | {"source": source}
            if record.implementing_body_code in bodies:
                values["implementing_body_id"] = bodies[record.implementing_body_code]
            project = existing.get(code)
            if project is None:
                new.append((Project(code=code, **values), record, places))
                continue
            changed = audit.update_fields(project, values)
            changed_links = places_of[project.pk] != places or funding_of[project.pk] != {
                k: Decimal(v) for k, v in record.funding.items()
            }
            if changed or changed_links:
                report.updated += 1
            else:
                report.unchanged += 1
            if changed_links:
                relink.append((project, record, places))
        # new projects in bulk (their search entries are written below, in this transaction)
        created = Project.objects.bulk_create([p for p, _r, _pl in new], batch_size=1000)
        for project in created:
            audit.created(project)
        report.created = len(created)
        stale = [p.pk for p, _r, _pl in relink]
        Place.objects.filter(project_id__in=stale).delete()
        Funding.objects.filter(project_id__in=stale).delete()
        links = [*new, *relink]
        for instance in [
            *Place.objects.bulk_create(
                (
                    Place(project=project, territory_id=t, share=share)
                    for project, _r, places in links
                    for t, share in places.items()
                ),
                batch_size=2000,
            ),
            *Funding.objects.bulk_create(
                (
                    Funding(project=project, source=k, amount=v)
                    for project, record, _pl in links
                    for k, v in record.funding.items()
                ),
                batch_size=2000,
            ),
        ]:
            audit.created(instance)
        bulk_created.send(sender=Project, pks=[p.pk for p in created])
        audit.save()
    return report
