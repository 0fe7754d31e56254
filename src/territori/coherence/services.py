"""Writes of the coherence matrices: scores with optimistic locking, agreed scores, Excel."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from territori.core.audit import AuditBatch, audit_record, snapshot
from territori.core.models import AuditEntry
from territori.frameworks.models import Node
from territori.indicators.models import Indicator
from territori.io.coherence import parse_score
from territori.io.errors import InputValidationError, RowError
from territori.io.tabular import Row, TableReadError, read_table, require_columns, write_xlsx
from territori.io.uploads import check_document

from .models import (
    AgreedScore,
    Axis,
    Confidence,
    Factor,
    Influence,
    Matrix,
    MatrixNode,
    Score,
    ScoreDocument,
    SystemMap,
)
from .selectors import Axes, can_coordinate, can_score, matrix_axes, matrix_grid

#: A request's user: an authenticated account or AnonymousUser.
User = Any

SHEET_COLUMNS = [
    "riga",
    "titolo_riga",
    "colonna",
    "titolo_colonna",
    "punteggio",
    "motivazione",
    "condizioni",
    "fiducia",
    "evidenze",
]
CONFIDENCE_WORDS = {
    "low": Confidence.LOW,
    "bassa": Confidence.LOW,
    "medium": Confidence.MEDIUM,
    "media": Confidence.MEDIUM,
    "high": Confidence.HIGH,
    "alta": Confidence.HIGH,
}


class EditConflict(Exception):
    """Someone saved the cell after the editor loaded it: nothing was written."""

    def __init__(self, current: Score | AgreedScore | None) -> None:
        self.current = current
        super().__init__("the cell was changed by someone else: reload it and try again")


class NotAllowed(Exception):
    pass


# Permissions -----------------------------------------------------------------------------


def matrix_set_axes(*, matrix: Matrix, rows: Sequence[Node], columns: Sequence[Node]) -> None:
    """Replace the matrix's rows and columns (scores of removed nodes stay in the log)."""
    with transaction.atomic():
        MatrixNode.objects.filter(matrix=matrix).delete()
        MatrixNode.objects.bulk_create(
            [MatrixNode(matrix=matrix, node=n, axis=Axis.ROW, order=i) for i, n in enumerate(rows)]
            + [
                MatrixNode(matrix=matrix, node=n, axis=Axis.COLUMN, order=i)
                for i, n in enumerate(columns)
            ]
        )


def _check_cell(axes: Axes, row: Node, column: Node) -> None:
    errors = []
    if row.pk not in {n.pk for n in axes.rows}:
        errors.append(RowError(0, "row", "not a row of this matrix", row.code))
    if column.pk not in {n.pk for n in axes.columns}:
        errors.append(RowError(0, "column", "not a column of this matrix", column.code))
    if axes.square and row.pk == column.pk:
        errors.append(RowError(0, "column", "the diagonal is not scored", column.code))
    if errors:
        raise InputValidationError(errors)


def _check_score(value: Any) -> int:
    value_f, problem = parse_score(str(value))
    if problem or value_f is None:
        raise InputValidationError(
            [RowError(0, "score", problem or "a score is required", str(value))]
        )
    return int(value_f)


# Scores ----------------------------------------------------------------------------------


@transaction.atomic
def score_save(
    *,
    matrix: Matrix,
    row: Node,
    column: Node,
    assessor: Any,
    score: Any,
    expected_version: int | None,
    rationale: str = "",
    conditions: str = "",
    confidence: str = Confidence.MEDIUM,
    evidence: str = "",
    indicator_codes: Iterable[str] = (),
    documents: Sequence[tuple[str, bytes]] = (),
    channel: str = "staff",
) -> Score:
    """Save an assessor's score of a cell.

    `expected_version` is the version the editor loaded (None for a cell it saw unscored):
    if the stored score has moved on, EditConflict is raised and nothing is written.
    """
    if not can_score(user=assessor, matrix=matrix):
        raise NotAllowed("only the matrix's assessors may score it, and not once published")
    _check_cell(matrix_axes(matrix=matrix), row, column)
    value = _check_score(score)
    if confidence not in Confidence.values:
        raise InputValidationError(
            [RowError(0, "confidence", "use low, medium or high", confidence)]
        )
    codes = [c for c in indicator_codes if c]
    indicators = list(Indicator.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {i.code for i in indicators})
    if unknown:
        raise InputValidationError(
            [RowError(0, "indicators", "unknown indicator code", ", ".join(unknown))]
        )
    checked = []
    for name, content in documents:
        media_type, problem = check_document(name, content)
        if problem is not None:
            raise InputValidationError([problem])
        checked.append((name, content, media_type))
    current = (
        Score.objects.select_for_update()
        .filter(matrix=matrix, row=row, column=column, assessor=assessor)
        .first()
    )
    if (current.version if current else None) != expected_version:
        raise EditConflict(current)
    fields = {
        "score": value,
        "rationale": rationale.strip(),
        "conditions": conditions.strip(),
        "confidence": confidence,
        "evidence": evidence.strip(),
    }
    if current is None:
        current = Score.objects.create(
            matrix=matrix, row=row, column=column, assessor=assessor, **fields
        )
        audit_record(
            instance=current,
            action=AuditEntry.Action.CREATE,
            before=None,
            actor=assessor,
            channel=channel,
        )
    else:
        before = snapshot(current)
        for name, new in fields.items():
            setattr(current, name, new)
        current.version += 1
        current.save()
        audit_record(
            instance=current,
            action=AuditEntry.Action.UPDATE,
            before=before,
            actor=assessor,
            channel=channel,
        )
    current.indicators.set(indicators)
    for name, content, media_type in checked:
        document = ScoreDocument.objects.create(
            score=current,
            name=name[:200],
            media_type=media_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
        )
        audit_record(
            instance=document,
            action=AuditEntry.Action.CREATE,
            before=None,
            actor=assessor,
            channel=channel,
        )
    return current


@transaction.atomic
def score_clear(
    *, matrix: Matrix, row: Node, column: Node, assessor: Any, expected_version: int
) -> None:
    if not can_score(user=assessor, matrix=matrix):
        raise NotAllowed("only the matrix's assessors may score it, and not once published")
    current = (
        Score.objects.select_for_update()
        .filter(matrix=matrix, row=row, column=column, assessor=assessor)
        .first()
    )
    if current is None or current.version != expected_version:
        raise EditConflict(current)
    audit_record(
        instance=current,
        action=AuditEntry.Action.DELETE,
        before=snapshot(current),
        actor=assessor,
        channel="staff",
    )
    current.delete()


@transaction.atomic
def agreed_save(
    *,
    matrix: Matrix,
    row: Node,
    column: Node,
    coordinator: Any,
    score: Any,
    note: str,
    expected_version: int | None,
) -> AgreedScore:
    """Record the cell's agreed score (the coordinator, after the discussion)."""
    if not can_coordinate(user=coordinator, matrix=matrix):
        raise NotAllowed("only the matrix's coordinator records agreed scores")
    _check_cell(matrix_axes(matrix=matrix), row, column)
    value = _check_score(score)
    current = (
        AgreedScore.objects.select_for_update()
        .filter(matrix=matrix, row=row, column=column)
        .first()
    )
    if (current.version if current else None) != expected_version:
        raise EditConflict(current)
    if current is None:
        current = AgreedScore.objects.create(
            matrix=matrix,
            row=row,
            column=column,
            score=value,
            note=note.strip(),
            decided_by=coordinator,
        )
        audit_record(
            instance=current,
            action=AuditEntry.Action.CREATE,
            before=None,
            actor=coordinator,
            channel="staff",
        )
        return current
    before = snapshot(current)
    current.score, current.note, current.decided_by = value, note.strip(), coordinator
    current.version += 1
    current.save()
    audit_record(
        instance=current,
        action=AuditEntry.Action.UPDATE,
        before=before,
        actor=coordinator,
        channel="staff",
    )
    return current


def matrix_set_status(*, matrix: Matrix, status: str, actor: Any) -> Matrix:
    if status not in Matrix.Status.values:
        raise InputValidationError([RowError(0, "status", "unknown status", status)])
    before = snapshot(matrix)
    matrix.status = status
    matrix.published_at = timezone.now() if status == Matrix.Status.PUBLISHED else None
    matrix.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        instance=matrix,
        action=AuditEntry.Action.UPDATE,
        before=before,
        actor=actor,
        channel="staff",
    )
    return matrix


# Excel round trip ------------------------------------------------------------------------

SCALE_SHEET: list[list[object]] = [
    ["punteggio", "significato", "meaning"],
    [3, "indivisibile", "indivisible"],
    [2, "rafforzativo", "reinforcing"],
    [1, "abilitante", "enabling"],
    [0, "coerente (nessuna interazione rilevante)", "consistent"],
    [-1, "vincolante", "constraining"],
    [-2, "contrastante", "counteracting"],
    [-3, "annullante", "cancelling"],
]


def matrix_export_xlsx(*, matrix: Matrix, assessor: Any | None = None) -> bytes:
    """One row per cell (the assessor's scores filled in) for offline scoring, and the scale.

    The first sheet, "punteggi", is the one `matrix_import` reads back.
    """
    axes = matrix_axes(matrix=matrix)
    mine = (
        {(s.row_id, s.column_id): s for s in Score.objects.filter(matrix=matrix, assessor=assessor)}
        if assessor is not None
        else {}
    )
    rows: list[list[object]] = [list[object](SHEET_COLUMNS)]
    for row in axes.rows:
        for column in axes.columns:
            if axes.square and row.pk == column.pk:
                continue
            s = mine.get((row.pk, column.pk))
            rows.append(
                [
                    axes.label(row, Axis.ROW),
                    row.title_it,
                    axes.label(column, Axis.COLUMN),
                    column.title_it,
                    s.score if s else None,
                    s.rationale if s else "",
                    s.conditions if s else "",
                    s.confidence if s else "",
                    s.evidence if s else "",
                ]
            )
    about: list[list[object]] = [
        ["campo", "valore"],
        ["matrice", matrix.code],
        ["titolo", matrix.title_it],
        ["esportata il", timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [
            "istruzioni",
            "Compilare 'punteggio' da -3 a +3; lasciare vuoto se non valutato. "
            "fiducia: bassa, media, alta. Non cambiare 'riga' e 'colonna'.",
        ],
    ]
    return write_xlsx({"punteggi": rows, "scala": SCALE_SHEET, "matrice": about})


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: int = 0
    errors: list[RowError] = field(default_factory=list)


def _parse_rows(
    matrix: Matrix, axes: Axes, table: list[Row]
) -> tuple[list[dict[str, Any]], ImportOutcome]:
    outcome = ImportOutcome(errors=require_columns(table, ["riga", "colonna", "punteggio"]))
    if outcome.errors:
        return [], outcome
    row_keys, column_keys = axes.keys(Axis.ROW), axes.keys(Axis.COLUMN)
    seen: dict[tuple[int, int], int] = {}
    parsed: list[dict[str, Any]] = []
    for item in table:
        line = item.line
        row_code, column_code = item.get("riga"), item.get("colonna")
        row, column = row_keys.get(row_code), column_keys.get(column_code)
        if row is None:
            outcome.errors.append(RowError(line, "riga", "not a row of this matrix", row_code))
        if column is None:
            outcome.errors.append(
                RowError(line, "colonna", "not a column of this matrix", column_code)
            )
        value, problem = parse_score(item.get("punteggio"))
        if problem:
            outcome.errors.append(RowError(line, "punteggio", problem, item.get("punteggio")))
        confidence_text = item.get("fiducia").lower()
        confidence = CONFIDENCE_WORDS.get(confidence_text, Confidence.MEDIUM)
        if confidence_text and confidence_text not in CONFIDENCE_WORDS:
            outcome.errors.append(
                RowError(line, "fiducia", "use bassa, media or alta", item.get("fiducia"))
            )
        if row is None or column is None or problem:
            continue
        if axes.square and row.pk == column.pk:
            outcome.errors.append(
                RowError(line, "colonna", "the diagonal is not scored", column_code)
            )
            continue
        key = (row.pk, column.pk)
        if key in seen:
            outcome.errors.append(
                RowError(
                    line,
                    "riga/colonna",
                    f"duplicate cell {row_code} × {column_code} (also row {seen[key]})",
                )
            )
            continue
        seen[key] = line
        if value is None:
            outcome.blank += 1
            continue
        parsed.append(
            {
                "row": row,
                "column": column,
                "score": int(value),
                "rationale": item.get("motivazione"),
                "conditions": item.get("condizioni"),
                "confidence": confidence,
                "evidence": item.get("evidenze"),
            }
        )
    return parsed, outcome


def matrix_import(
    *, matrix: Matrix, data: bytes, filename: str, assessor: Any, dry_run: bool = False
) -> ImportOutcome:
    """An assessor's scores from the exported sheet (or a CSV with the same columns).

    Everything is checked first (unknown codes, scores outside -3..+3, duplicate cells by
    row and column); then all scores are written in one transaction. Blank scores are
    skipped: they leave an existing score as it is.
    """
    if not can_score(user=assessor, matrix=matrix):
        raise NotAllowed("only the matrix's assessors may score it, and not once published")
    try:
        table = read_table(data, filename)
    except TableReadError as exc:
        return ImportOutcome(errors=[exc.error])
    axes = matrix_axes(matrix=matrix)
    parsed, outcome = _parse_rows(matrix, axes, table)
    if outcome.errors or dry_run:
        return outcome
    fields = ("score", "rationale", "conditions", "confidence", "evidence")
    with transaction.atomic():
        existing = {
            (s.row_id, s.column_id): s
            for s in Score.objects.select_for_update().filter(matrix=matrix, assessor=assessor)
        }
        audit = AuditBatch(actor=assessor, channel="import")
        create, update = [], []
        for item in parsed:
            current = existing.get((item["row"].pk, item["column"].pk))
            if current is None:
                create.append(Score(matrix=matrix, assessor=assessor, **item))
                continue
            if all(getattr(current, name) == item[name] for name in fields):
                outcome.unchanged += 1
                continue
            before = snapshot(current)
            for name in fields:
                setattr(current, name, item[name])
            current.version += 1
            current.updated_at = timezone.now()
            update.append(current)
            audit.updated(current, before)
        created = Score.objects.bulk_create(create)
        for score in created:
            audit.created(score)
        Score.objects.bulk_update(update, [*fields, "version", "updated_at"])
        audit.save()
    outcome.created, outcome.updated = len(created), len(update)
    return outcome


# --- Systems maps ------------------------------------------------------------------------------


class SystemMapError(Exception):
    """A change to a systems map the rules refuse; `field` names the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _factor(system: SystemMap, code: str, field_name: str) -> Factor:
    factor = Factor.objects.filter(system=system, code=code.strip()).first()
    if factor is None:
        raise SystemMapError(
            _("No factor %(code)s in this map.") % {"code": code.strip()[:40]}, field_name
        )
    return factor


@transaction.atomic
def factor_add(
    *, system: SystemMap, code: str, label_it: str, label_en: str = "", actor: Any
) -> Factor:
    factor = Factor(
        system=system, code=code.strip(), label_it=label_it.strip(), label_en=label_en.strip()
    )
    try:
        factor.full_clean()
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise SystemMapError(" ".join(messages), field_name) from exc
    factor.save()
    audit_record(instance=factor, action="create", before=None, actor=actor, channel="web")
    return factor


@transaction.atomic
def influence_set(
    *,
    system: SystemMap,
    source: str,
    target: str,
    sign: int,
    strength: int = 1,
    delay: int = 0,
    note: str = "",
    actor: Any,
    matrix: Matrix | None = None,
) -> Influence:
    """Add or change the influence of `source` on `target` (factor codes)."""
    if sign not in (1, -1):
        raise SystemMapError(_("The sign is + or −."), "sign")
    if not 1 <= strength <= 3:
        raise SystemMapError(_("The strength is 1, 2 or 3."), "strength")
    if not 0 <= delay <= 50:
        raise SystemMapError(_("The delay is a number of years from 0 to 50."), "delay")
    from_factor = _factor(system, source, "source")
    to_factor = _factor(system, target, "target")
    influence = Influence.objects.filter(
        system=system, source=from_factor, target=to_factor
    ).first()
    before = snapshot(influence) if influence else None
    influence = influence or Influence(system=system, source=from_factor, target=to_factor)
    influence.sign, influence.strength, influence.delay = sign, strength, delay
    influence.note = note.strip()[:500]
    influence.matrix = matrix if before is None else influence.matrix
    influence.save()
    audit_record(
        instance=influence,
        action="update" if before else "create",
        before=before,
        actor=actor,
        channel="web",
    )
    SystemMap.objects.filter(pk=system.pk).update(updated_at=timezone.now())
    return influence


@transaction.atomic
def influence_remove(*, influence: Influence, actor: Any) -> None:
    audit_record(
        instance=influence, action="delete", before=snapshot(influence), actor=actor, channel="web"
    )
    influence.delete()


def _half_away(value: float) -> int:
    """Round half away from zero (a median of 1.5 is 2, of −0.5 is −1)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@transaction.atomic
def system_seed_from_matrix(*, system: SystemMap, matrix: Matrix, actor: Any) -> tuple[int, int]:
    """Factors and influences from the matrix's scores (each cell's value: the agreed score,
    else the median of the assessors', rounded half away from zero): the map's Mission and every node it
    interacts with (a non-zero value in its row or column) become factors, and every
    non-zero value among them an influence of the row on the column (the sign of the value,
    the strength its size). Influences already drawn are kept as they are. Returns
    (factors added, influences added)."""
    grid = matrix_grid(matrix=matrix)
    cells = [
        (cell.row.pk, cell.column.pk, _half_away(cell.value))
        for cell in grid.cells.values()
        if cell.value is not None and _half_away(cell.value) != 0
    ]
    mission = system.node_id
    involved = {mission}
    for row, column, _score in cells:
        if row == mission:
            involved.add(column)
        if column == mission:
            involved.add(row)
    if len(involved) == 1:
        raise SystemMapError(
            _("The matrix scores no interaction with this map's Mission."), "matrix"
        )
    existing = {f.node_id: f for f in Factor.objects.filter(system=system, node__isnull=False)}
    taken = set(Factor.objects.filter(system=system).values_list("code", flat=True))
    added_factors = 0
    for node in Node.objects.filter(pk__in=involved).order_by("framework_id", "position", "code"):
        if node.pk in existing:
            continue
        code = slugify(f"{node.framework.code}-{node.code}")[:40] or f"nodo-{node.pk}"
        while code in taken:
            code = f"{code[:36]}-{node.pk}"[:40]
        taken.add(code)
        existing[node.pk] = Factor.objects.create(
            system=system,
            code=code,
            label_it=f"{node.code} {node.title_it}"[:200],
            label_en=f"{node.code} {node.title_en}"[:200] if node.title_en else "",
            node=node,
        )
        added_factors += 1
    drawn = set(Influence.objects.filter(system=system).values_list("source_id", "target_id"))
    added = 0
    for row, column, score in cells:
        if row == column or not {row, column} <= involved:
            continue
        source, target = existing[row], existing[column]
        if (source.pk, target.pk) in drawn:
            continue
        Influence.objects.create(
            system=system,
            source=source,
            target=target,
            sign=1 if score > 0 else -1,
            strength=min(3, abs(score)),
            matrix=matrix,
            note=f"{matrix.code}: {score:+d}",
        )
        drawn.add((source.pk, target.pk))
        added += 1
    audit_record(
        instance=system,
        action="update",
        before=None,
        actor=actor,
        channel="web",
        note=f"seeded from {matrix.code}: {added_factors} factors, {added} influences",
    )
    return added_factors, added
