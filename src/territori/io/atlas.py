"""The atlas workbook: organisations, networks and memberships (sheets `organizzazioni`, `reti`,
`adesioni`, or one of them as CSV), read into rows; the empty template with its guide; the words
accepted for types and roles. The atlas service checks the rows against the database."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .errors import NO_ROWS, RowError
from .limits import ATLAS_ROWS_LIMIT
from .tabular import (
    EXCEL_SUFFIXES,
    Row,
    TableReadError,
    read_csv,
    read_xlsx,
    write_xlsx,
    xlsx_sheet_names,
)
from .text import fold

KINDS = ("organisations", "networks", "memberships")
SHEETS = {"organisations": "organizzazioni", "networks": "reti", "memberships": "adesioni"}
COLUMNS = {
    "organisations": ["codice", "nome", "tipo", "codice_fiscale", "codice_ipa", "comune", "sito"],
    "networks": [
        "codice",
        "nome",
        "tipo",
        "descrizione",
        "capofila",
        "inizio",
        "fine",
        "comuni",
        "missioni",
        "strategie",
        "fonti",
    ],
    "memberships": ["organizzazione", "rete", "ruolo", "dal", "al"],
}
REQUIRED = {
    "organisations": ["codice", "nome", "tipo"],
    "networks": ["codice", "nome", "tipo"],
    "memberships": ["organizzazione", "rete"],
}
ORGANISATION_WORDS = {
    "ente pubblico": "public_body",
    "comune": "comune",
    "impresa": "company",
    "associazione di categoria": "trade_association",
    "sindacato": "union",
    "universita o centro di ricerca": "university",
    "universita": "university",
    "centro di ricerca": "university",
    "terzo settore": "third_sector",
    "fondazione": "foundation",
    "museo": "museum",
    "scuola o agenzia formativa": "school",
    "scuola": "school",
    "agenzia formativa": "school",
    "altro": "other",
}
NETWORK_WORDS = {
    "green community": "green_community",
    "gal": "gal",
    "gruppo di azione locale": "gal",
    "contratto di fiume": "river_contract",
    "contratto di lago": "river_contract",
    "contratto di fiume o lago": "river_contract",
    "distretto": "district",
    "unione di comuni": "union_of_comuni",
    "consorzio": "consortium",
    "partenariato": "partnership",
    "altro": "other",
}
ROLE_WORDS = {"capofila": "lead", "partner": "partner", "membro": "member", "aderente": "member"}
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FISCAL_CODE = re.compile(r"^(\d{11}|[A-Z0-9]{16})$")
SPLIT = re.compile(r"[\s,;]+")


def choice(text: str, values: list[str], words: dict[str, str]) -> str | None:
    key = fold(text).strip()
    if key in values:
        return key
    return words.get(key)


def parse_date(text: str) -> dt.date | str | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return "bad"


def read_atlas_tables(
    data: bytes, filename: str, kind: str | None
) -> tuple[dict[str, list[Row]], list[RowError]]:
    """The rows of each sheet the file holds (a CSV holds `kind`, or the kind its name says)."""
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


def atlas_template_xlsx() -> bytes:
    """The workbook `atlas_import` reads: the three sheets with their columns, an example row
    each (to delete), and a guide with the accepted types and roles."""
    examples = {
        "organisations": [
            "esempio-ente",
            "Ente di esempio (da cancellare)",
            "ente pubblico",
            "",
            "",
            "001272",
            "https://example.org",
        ],
        "networks": [
            "esempio-rete",
            "Rete di esempio (da cancellare)",
            "green community",
            "",
            "esempio-ente",
            "2024-01-01",
            "",
            "001272 001191",
            "1.2",
            "1.1",
            "",
        ],
        "memberships": ["esempio-ente", "esempio-rete", "capofila", "2024-01-01", ""],
    }
    guide: list[list[object]] = [["foglio", "colonna", "valori accettati"]]
    guide += [
        ["organizzazioni", "tipo", ", ".join(sorted(ORGANISATION_WORDS))],
        ["reti", "tipo", ", ".join(sorted(NETWORK_WORDS))],
        ["adesioni", "ruolo", ", ".join(sorted(ROLE_WORDS))],
        ["tutti", "date", "AAAA-MM-GG"],
        ["reti", "comuni", "codici ISTAT o nomi, separati da spazio, virgola o punto e virgola"],
    ]
    sheets: dict[str, list[list[object]]] = {
        SHEETS[kind]: [list[object](COLUMNS[kind]), list[object](examples[kind])] for kind in KINDS
    }
    sheets["guida"] = guide
    return write_xlsx(sheets)
