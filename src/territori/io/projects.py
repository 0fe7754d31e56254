"""Project files: OpenCoesione's projects CSV and the PNRR open data of ReGiS (Progetti joined
with Localizzazione on CUP). Pure: returns records and every problem, by file, row and column.

OpenCoesione (data-sources.md): semicolon separated; several values in one cell (comuni of a
multi-place project) are joined by ":::"; amounts with a dot or a comma; dates YYYYMMDD.

ReGiS / Italia Domani: the columns this reader uses are listed in `REGIS_PROJECT_COLUMNS`
and `REGIS_PLACE_COLUMNS`, each with the names the published files have used (one place to
change if the portal renames them again). Files come with `;` or `,`, a byte-order mark,
`N/D` for "not available" and Italian or plain number formats. The comune is the ISTAT code
(`COD_ISTAT_COMUNE`), or "Codice Provincia" and "Codice Comune" joined (the published
files give the comune's number within its province, and converted copies lose the leading
zeros: `1` and `312` are 001312, Vistrorio). A project's share in each place is "Quota
Localizzazione" (a percentage); without it, places share equally. Funding by source comes
from the "Finanziamento ..." columns (`REGIS_FUNDING`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import NO_ROWS, RowError
from .limits import AMOUNT_LIMIT, PROJECT_ROWS_LIMIT, YEAR_MAX, YEAR_MIN, amount_parse
from .tabular import Row, TableReadError, read_csv, require_columns

MULTI = ":::"
#: How publishers write "not available" in an amount or date cell.
NOT_AVAILABLE = {"n/d", "n.d.", "nd", "n/a"}
#: Amounts are stored with 16 digits, 2 of them decimals.

CUP = re.compile(r"^[A-Z0-9]{15}$")
OC_COLUMNS = [
    "COD_LOCALE_PROGETTO",
    "CUP",
    "OC_TITOLO_PROGETTO",
    "OC_SINTESI_PROGETTO",
    "OC_TEMA_SINTETICO",
    "OC_CODICE_PROGRAMMA",
    "FONDO_COMUNITARIO",
    "COD_REGIONE",
    "COD_PROVINCIA",
    "COD_COMUNE",
    "DEN_COMUNE",
    "FINANZ_UE",
    "FINANZ_TOTALE_PUBBLICO",
    "IMPEGNI",
    "TOT_PAGAMENTI",
    "OC_STATO_PROGETTO",
    "OC_DATA_INIZIO_PROGETTO",
    "OC_DATA_FINE_PROGETTO_PREVISTA",
    "OC_DATA_FINE_PROGETTO_EFFETTIVA",
    "OC_DENOM_BENEFICIARIO",
]
OC_REQUIRED = ["COD_LOCALE_PROGETTO", "OC_TITOLO_PROGETTO", "COD_COMUNE", "FINANZ_TOTALE_PUBBLICO"]
REGIS_PROJECT_COLUMNS = {
    "mission": "Missione",
    "component": "Componente",
    "measure": "ID Misura|Misura",
    "cup": "CUP",
    "local_code": "Codice Locale Progetto",
    "title": "Titolo Progetto",
    "summary": "Sintesi Progetto",
    "pnrr": "Finanziamento PNRR|FINANZIAMENTO_PNRR",
    "total": "Finanziamento Totale|FINANZ_TOTALE",
    "body": "Soggetto Attuatore",
    "body_code": "Codice fiscale soggetto attuatore",
    "planned_start": "Data di Inizio Progetto Prevista",
    "planned_end": "Data di Fine Progetto Prevista",
    "actual_start": "Data di Inizio Progetto Effettiva",
    "actual_end": "Data di Fine Progetto Effettiva",
}
REGIS_PLACE_COLUMNS = {
    "cup": "CUP",
    "region": "Codice Regione|Regione",
    "province": "Codice Provincia|Provincia",
    "comune": "COD_ISTAT_COMUNE|Codice Comune|Comune",
    "share": "Quota Localizzazione",
}
STATUS_WORDS = {
    "concluso": "completed",
    "liquidato": "completed",
    "in corso": "in_progress",
    "non avviato": "not_started",
}


@dataclass
class ProjectRecord:
    line: int
    origin: str
    local_code: str
    cup: str
    title: str
    summary: str = ""
    theme: str = ""
    programme_code: str = ""
    pnrr_mission: str = ""
    pnrr_component: str = ""
    pnrr_measure: str = ""
    implementing_body_name: str = ""
    implementing_body_code: str = ""  # the body's fiscal code (ReGiS)
    total_funding: Decimal | None = None
    commitments: Decimal | None = None
    payments: Decimal | None = None
    funding: dict[str, Decimal] = field(default_factory=dict)
    status: str = "unknown"
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    places: dict[str, float] = field(default_factory=dict)  # 6-digit ISTAT comune code → share


class _Rows:
    def __init__(
        self,
        filename: str,
        errors: list[RowError],
        names: dict[str, str] | None = None,
        *,
        italian: bool = False,
    ) -> None:
        self.filename = filename
        self.errors = errors
        self.names = names or {}  # normalised column → the name in the file
        self.italian = italian  # numbers written the Italian way (1.234,5; 40.000)

    def error(self, row: Row, column: str, message: str, value: str = "") -> None:
        name = self.names.get(column, column)
        self.errors.append(RowError(row.line, f"{self.filename}: {name}", message, value))

    def amount(self, row: Row, column: str) -> Decimal | None:
        text = row.get(column).replace(" ", "")
        if not text or text.lower() in NOT_AVAILABLE:
            return None
        if "," in text and "." in text:
            text = text.replace(".", "").replace(",", ".")  # 1.234,56
        elif self.italian and ITALIAN_THOUSANDS.match(text):
            text = text.replace(".", "")  # 40.000
        value, problem = amount_parse(text.replace(",", "."))
        if value is None:
            self.error(row, column, problem or "not an amount", row.get(column))
            return None
        if value < 0:
            self.error(row, column, "negative amount", row.get(column))
        return value

    def date(self, row: Row, column: str) -> dt.date | None:
        text = row.get(column)
        if not text or text.lower() in NOT_AVAILABLE:
            return None
        for pattern in ("%Y%m%d", "%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = dt.datetime.strptime(text[:10], pattern).date()
            except ValueError:
                continue
            if not YEAR_MIN <= day.year <= YEAR_MAX:
                self.error(row, column, f"year outside {YEAR_MIN}-{YEAR_MAX}", text)
                return None
            return day
        self.error(row, column, "not a date (YYYYMMDD, YYYY-MM-DD or DD/MM/YYYY)", text)
        return None

    def cup(self, row: Row, column: str) -> str:
        text = row.get(column).upper()
        if text and not CUP.match(text):
            self.error(row, column, "not a CUP (15 letters and digits)", row.get(column))
        return text


def _comune_code(text: str) -> str:
    digits = text.strip()
    if digits.isdigit() and len(digits) == 9:  # region + province + comune
        digits = digits[3:]
    return digits.zfill(6) if digits.isdigit() else digits


def _read(data: bytes, filename: str, errors: list[RowError]) -> list[Row]:
    try:
        return list(read_csv(data, rows_limit=PROJECT_ROWS_LIMIT))
    except TableReadError as exc:
        errors.append(RowError(exc.error.row, f"{filename}: {exc.error.field}", exc.error.message))
        return []


def _key(column: str) -> str:
    """A column name as the CSV reader gives it (lower case, spaces to underscores)."""
    return column.strip().lower().replace(" ", "_")


def _raw_columns(rows: list[Row]) -> set[str]:
    return {c.upper() for c in rows[0].values} if rows else set()


def read_opencoesione(data: bytes, filename: str) -> tuple[list[ProjectRecord], list[RowError]]:
    errors: list[RowError] = []
    rows = _read(data, filename, errors)
    if errors or not rows:
        return [], errors or [RowError(0, filename, NO_ROWS)]
    present = _raw_columns(rows)
    missing = require_columns(rows, [c.lower() for c in OC_REQUIRED], {c.lower() for c in present})
    if missing:
        return [], [RowError(1, f"{filename}: {e.field.upper()}", e.message) for e in missing]
    check = _Rows(filename, errors)
    records: list[ProjectRecord] = []
    seen: dict[str, int] = {}
    for row in rows:
        values = Row(row.line, {k.upper(): v for k, v in row.values.items()})
        code = values.get("COD_LOCALE_PROGETTO")
        if not code:
            check.error(values, "COD_LOCALE_PROGETTO", "the project has no local code")
            continue
        if code in seen:
            check.error(values, "COD_LOCALE_PROGETTO", f"duplicate (also row {seen[code]})", code)
            continue
        seen[code] = values.line
        if not values.get("OC_TITOLO_PROGETTO"):
            check.error(values, "OC_TITOLO_PROGETTO", "the project has no title")
        comuni = [_comune_code(c) for c in values.get("COD_COMUNE").split(MULTI) if c.strip()]
        if not comuni:
            check.error(values, "COD_COMUNE", "the project has no comune")
        eu = check.amount(values, "FINANZ_UE")
        total = check.amount(values, "FINANZ_TOTALE_PUBBLICO")
        if eu is not None and total is not None and eu > total:
            check.error(
                values,
                "FINANZ_UE",
                f"larger than FINANZ_TOTALE_PUBBLICO ({total})",
                values.get("FINANZ_UE"),
            )
        status_text = values.get("OC_STATO_PROGETTO").lower()
        records.append(
            ProjectRecord(
                line=values.line,
                origin="opencoesione",
                local_code=code,
                cup=check.cup(values, "CUP"),
                title=values.get("OC_TITOLO_PROGETTO"),
                summary=values.get("OC_SINTESI_PROGETTO"),
                theme=values.get("OC_TEMA_SINTETICO"),
                programme_code=values.get("OC_CODICE_PROGRAMMA"),
                implementing_body_name=values.get("OC_DENOM_BENEFICIARIO"),
                total_funding=total,
                commitments=check.amount(values, "IMPEGNI"),
                payments=check.amount(values, "TOT_PAGAMENTI"),
                funding={"eu": eu} if eu is not None else {},
                status=STATUS_WORDS.get(status_text, "unknown"),
                planned_start=check.date(values, "OC_DATA_INIZIO_PROGETTO"),
                planned_end=check.date(values, "OC_DATA_FINE_PROGETTO_PREVISTA"),
                actual_end=check.date(values, "OC_DATA_FINE_PROGETTO_EFFETTIVA"),
                places={c: 1 / len(comuni) for c in comuni},
            )
        )
    return records, errors


#: "Finanziamento ..." columns of ReGiS → funding source (amounts of one source are added).
REGIS_FUNDING = {
    "Finanziamento PNRR": "pnrr",
    "Finanziamento UE (diverso da PNRR)": "eu",
    "Finanziamento - Stato": "national",
    "Finanziamento PNC": "national",
    "Finanziamento Regione": "regional",
    "Finanziamento Provincia": "local",
    "Finanziamento Comune": "local",
    "Finanziamento Altro Pubblico": "other",
    "Finanziamento Privato": "private",
    "Altri fondi": "other",
    # the first publication (January 2023) names them differently
    "FINANZIAMENTO _UE": "eu",
    "FINANZIAMENTO_REGIONE": "regional",
    "FINANZIAMENTO_PROVINCIA": "local",
    "FINANZIAMENTO_COMUNE": "local",
    "FINANZIAMENTO_ALTRO_PUBBLICO": "other",
    "FINANZIAMENTO_PRIVATO": "private",
    "FINANZIAMENTO_PNRR": "pnrr",
    "FINANZIAMENTO_PNC": "national",
}
#: "40.000" in a file written the Italian way is forty thousand.
ITALIAN_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def _columns(spec: dict[str, str], present: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """For each key, the first of its names (`A|B`) the file has, as the reader gives it, and
    the name to show in messages (the first alternative when none is present)."""
    keys, shown = {}, {}
    for key, names in spec.items():
        options = names.split("|")
        found = next((n for n in options if _key(n) in present), options[0])
        keys[key], shown[_key(found)] = _key(found), found
    return keys, shown


def _fiscal_code(text: str) -> str:
    """An entity's fiscal code (11 digits), with leading zeros lost in conversion restored."""
    digits = text.strip()
    return digits.zfill(11) if digits.isdigit() and len(digits) < 11 else digits.upper()


def _place_code(row: Row, q: dict[str, str]) -> str:
    text = row.get(q["comune"])
    province = row.get(q["province"]) if q["province"] in row.values else ""
    if (
        q["comune"] != "cod_istat_comune"
        and text.isdigit()
        and len(text) <= 3
        and province.isdigit()
    ):
        return province.zfill(3) + text.zfill(3)
    return _comune_code(text)


def _semicolons(data: bytes) -> bool:
    """Whether a CSV's header is `;`-separated (the Italian way, with Italian numbers)."""
    first = data[:4096].split(b"\n", 1)[0]
    return first.count(b";") > first.count(b",")


def read_regis(
    projects: bytes, projects_name: str, places: bytes, places_name: str
) -> tuple[list[ProjectRecord], list[RowError]]:
    """Progetti joined with Localizzazione on CUP; a project without a place is an error."""
    errors: list[RowError] = []
    project_rows = _read(projects, projects_name, errors)
    place_rows = _read(places, places_name, errors)
    if errors:
        return [], errors
    p, p_shown = _columns(
        REGIS_PROJECT_COLUMNS, set(project_rows[0].values) if project_rows else set()
    )
    q, q_shown = _columns(REGIS_PLACE_COLUMNS, set(place_rows[0].values) if place_rows else set())
    for rows, name, keys, shown, required in (
        (project_rows, projects_name, p, p_shown, ["cup", "title", "mission"]),
        (place_rows, places_name, q, q_shown, ["cup", "comune"]),
    ):
        present = set(rows[0].values) if rows else set()
        for key in required:
            if keys[key] not in present:
                errors.append(
                    RowError(1, f"{name}: {shown[keys[key]]}", "required column is missing")
                )
    if errors:
        return [], errors
    where = _Rows(places_name, errors, q_shown)
    located: dict[str, dict[str, float]] = {}
    explicit: dict[str, bool] = {}
    for row in place_rows:
        cup = where.cup(row, q["cup"])
        comune = _place_code(row, q)
        if not comune:
            where.error(row, q["comune"], "no comune code")
            continue
        share_text = row.get(q["share"]).replace(",", ".") if q["share"] in row.values else ""
        share = 1.0
        if share_text:
            try:
                share = float(share_text) / 100
            except ValueError:
                where.error(row, q["share"], "not a percentage", share_text)
                continue
            if not 0 < share <= 1:
                where.error(row, q["share"], "not a percentage between 0 and 100", share_text)
                continue
            explicit[cup] = True
        located.setdefault(cup, {})
        located[cup][comune] = located[cup].get(comune, 0.0) + share
    check = _Rows(projects_name, errors, p_shown, italian=_semicolons(projects))
    funding_columns = {
        _key(name): source
        for name, source in REGIS_FUNDING.items()
        if project_rows and _key(name) in project_rows[0].values
    }
    for name in REGIS_FUNDING:
        check.names.setdefault(_key(name), name)
    records: list[ProjectRecord] = []
    seen: dict[tuple[str, str], int] = {}
    by_cup: dict[str, int] = {}
    for row in project_rows:
        cup = check.cup(row, p["cup"])
        if not cup:
            check.error(row, p["cup"], "the project has no CUP")
            continue
        local = row.get(p["local_code"])
        if (cup, local) in seen:
            check.error(row, p["cup"], f"duplicate (also row {seen[cup, local]})", cup)
            continue
        seen[cup, local] = row.line
        shares = located.get(cup)
        if not shares:
            check.error(row, p["cup"], f"no place in {places_name}", cup)
            continue
        if explicit.get(cup):
            if abs(sum(shares.values()) - 1) > 0.011:
                check.error(
                    row,
                    p["cup"],
                    f"its places' shares add up to {100 * sum(shares.values()):.1f} %, not 100 %",
                    cup,
                )
        else:
            shares = {c: 1 / len(shares) for c in shares}
        funding: dict[str, Decimal] = {}
        for column, source in funding_columns.items():
            amount = check.amount(row, column)
            if amount:
                funding[source] = funding.get(source, Decimal(0)) + amount
        if "pnrr" not in funding_columns.values():
            pnrr = check.amount(row, p["pnrr"])
            if pnrr is not None:
                funding["pnrr"] = pnrr
        body_code = _fiscal_code(row.get(p["body_code"])) if p["body_code"] in row.values else ""
        total = check.amount(row, p["total"])
        if cup in by_cup:
            # one CUP (one public investment) in several rows with their own local codes, e.g.
            # yearly tranches: one project whose funding adds up
            first = records[by_cup[cup]]
            for source, amount in funding.items():
                first.funding[source] = first.funding.get(source, Decimal(0)) + amount
            if total is not None:
                first.total_funding = (first.total_funding or Decimal(0)) + total
            if max([first.total_funding or 0, *first.funding.values()]) >= AMOUNT_LIMIT:
                check.error(
                    row,
                    p["total"],
                    "the CUP's rows add up to more than the largest amount accepted (10^13 euro)",
                    cup,
                )
            continue
        by_cup[cup] = len(records)
        records.append(
            ProjectRecord(
                line=row.line,
                origin="pnrr",
                local_code=row.get(p["local_code"]),
                cup=cup,
                title=row.get(p["title"]),
                summary=row.get(p["summary"]),
                pnrr_mission=row.get(p["mission"]),
                pnrr_component=row.get(p["component"]),
                pnrr_measure=row.get(p["measure"]),
                implementing_body_name=row.get(p["body"]),
                implementing_body_code=body_code,
                total_funding=total,
                funding=funding,
                planned_start=check.date(row, p["planned_start"]),
                planned_end=check.date(row, p["planned_end"]),
                actual_start=check.date(row, p["actual_start"]),
                actual_end=check.date(row, p["actual_end"]),
                places=shares,
            )
        )
    return records, errors
