"""The official PNRR → SNSvS / SDG mapping, real file and broken copies."""

from __future__ import annotations

from typing import Any

import pytest

from territori.core.models import DataStatus
from territori.frameworks.models import Link, Node
from territori.frameworks.services import pnrr_mapping_import
from territori.io.errors import InputValidationError
from territori.io.pnrr import read_pnrr_mapping

MAPPING = ("pnrr-italiadomani-2023-torino", "Mappatura_PNRR_SNSvS_Agenda2030_v2.csv")

pytestmark = pytest.mark.django_db


def test_real_mapping_reads_every_measure(real_file: Any) -> None:
    measures, errors = read_pnrr_mapping(real_file(*MAPPING), "mappatura.csv")
    assert errors == [] and len(measures) == 191
    cloud = next(m for m in measures if m.code == "M1C1I1.2")
    assert cloud.component == "M1C1" and cloud.goals == {"16": True}
    assert cloud.title == "Abilitazione al cloud per le PA locali"


def test_import_links_measures_to_goals_and_confirms_illustrative_links(
    real_file: Any, frameworks: Any
) -> None:
    pnrr_mapping_import(data=real_file(*MAPPING), filename="mappatura.csv")  # as the demo does
    # given an illustrative link that the mapping states
    measure = Node.objects.get(framework__code="pnrr", code="M1C1I1.2")
    goal = Node.objects.get(framework__code="sdg", code="16")
    Link.objects.filter(source_node=measure, target_node=goal).update(
        status=DataStatus.ILLUSTRATIVE, source=""
    )
    # when the mapping is imported again
    report = pnrr_mapping_import(data=real_file(*MAPPING), filename="mappatura.csv")
    # then the link is confirmed, with its source; nothing else changes
    link = Link.objects.get(source_node=measure, target_node=goal)
    assert link.status == DataStatus.CONFIRMED and "Italia Domani" in link.source
    assert "prevalente" in link.note
    assert (report.links_confirmed, report.links_created, report.measures_created) == (1, 0, 0)


def test_broken_copies_are_refused_by_row(real_file: Any, frameworks: Any) -> None:
    data = real_file(*MAPPING).decode("utf-8-sig")
    before = Link.objects.count()
    lines = data.splitlines()
    assert ';16;"Promuovere' in lines[1] and ";M1C1;" in lines[2]
    lines[1] = lines[1].replace(';16;"Promuovere', ';19;"Promuovere', 1)
    lines[2] = lines[2].replace(";M1C1;", ";M9C1;", 1)
    with pytest.raises(InputValidationError) as caught:
        pnrr_mapping_import(data="\n".join(lines).encode(), filename="m.csv")
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "GOAL"), (3, "Componente")]
    assert Link.objects.count() == before
    _measures, errors = read_pnrr_mapping(b"Programma;Missione\nPNRR;M1\n", "m.csv")
    assert {e.field for e in errors} == {"ID Misura", "Componente", "Descrizione Misura", "GOAL"}
