"""Reader of the official mapping of PNRR measures to the SNSvS/BES indicators and to the SDG
targets and goals ("Mappatura PNRR – SNSvS – Agenda 2030", Italia Domani open data): one row
per measure or sub-measure and indicator, `;`-separated, with a byte-order mark. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import NO_ROWS, RowError
from .tabular import TableReadError, read_table

MEASURE = re.compile(r"^M\d+C\d+(?:I|R)\d+(?:\.\d+)*$")
COMPONENT = re.compile(r"^M\d+C\d+$")
REQUIRED = {
    "id_misura": "ID Misura",
    "componente": "Componente",
    "descrizione_misura": "Descrizione Misura",
    "goal": "GOAL",
}
NOT_CODED = {"", "n.c.", "n/a", "n.d."}


@dataclass
class MappedMeasure:
    code: str  # "M1C1I1.1"
    component: str  # "M1C1"
    title: str
    kind: str  # "Investimento" or "Riforma"
    goals: dict[str, bool] = field(default_factory=dict)  # SDG goal → is the prevalent one
    indicators: set[str] = field(default_factory=set)  # SNSvS / BES indicator codes
    first_row: int = 0


def read_pnrr_mapping(data: bytes, filename: str) -> tuple[list[MappedMeasure], list[RowError]]:
    errors: list[RowError] = []
    try:
        rows = read_table(data, filename)
    except TableReadError as exc:
        return [], [exc.error]
    if not rows:
        return [], [RowError(0, "file", NO_ROWS)]
    for column, shown in REQUIRED.items():
        if column not in rows[0].values:
            errors.append(RowError(1, shown, "required column is missing"))
    if errors:
        return [], errors
    measures: dict[str, MappedMeasure] = {}
    for row in rows:
        code, component = row.get("id_misura"), row.get("componente")
        if not MEASURE.match(code):
            errors.append(
                RowError(row.line, "ID Misura", "not a PNRR measure code (M1C1I1.1)", code)
            )
            continue
        if not COMPONENT.match(component) or not code.startswith(component):
            errors.append(
                RowError(row.line, "Componente", f"not the component of {code}", component)
            )
            continue
        goal = row.get("goal")
        if goal.lower() in NOT_CODED:
            goal = ""
        elif not goal.isdigit() or not 1 <= int(goal) <= 17:
            errors.append(RowError(row.line, "GOAL", "not an SDG goal (1-17)", goal))
            continue
        measure = measures.setdefault(
            code,
            MappedMeasure(
                code=code,
                component=component,
                title=row.get("descrizione_misura"),
                kind=row.get("investimento_o_riforma"),
                first_row=row.line,
            ),
        )
        if goal:
            prevalent = row.get("prevalente").lower() == "si"
            measure.goals[goal] = measure.goals.get(goal, False) or prevalent
        indicator = row.get("cod_indicatore")
        if indicator.lower() not in NOT_CODED:
            measure.indicators.add(indicator)
    return list(measures.values()), errors
