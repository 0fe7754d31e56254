"""Illustrative coherence matrices for the demo (flagged: every score is invented).

- PSM 2024-2026 strategies × AMSvS Missions (rectangular, external, vertical);
- Missions × Missions for the Missions of MAS 1 and MAS 2 (square, internal, horizontal).

Two demo assessors ("valutatore-demo-1", "valutatore-demo-2": not people) score every cell
from a fixed seed; they disagree on a few cells, some of which the demo coordinator settles
with an agreed score. Loaded once: an existing matrix is left as it is (users may have
scored it since), so a second load writes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from territori.coherence.models import (
    AgreedScore,
    Confidence,
    Factor,
    Matrix,
    Score,
    SystemMap,
)
from territori.coherence.services import (
    factor_add,
    influence_set,
    matrix_set_axes,
    system_seed_from_matrix,
)
from territori.core.audit import AuditBatch
from territori.core.models import DataStatus
from territori.frameworks.models import Node

SEED = 2024
DEMO_SYSTEM = "demo-sistema-missione-1-2"
ASSESSORS = ("valutatore-demo-1", "valutatore-demo-2")
COORDINATOR = "coordinatore-demo"
NOTE = "Dato dimostrativo: punteggio e motivazione inventati per mostrare lo strumento."
WORDS = {
    3: "è indissolubile da",
    2: "rafforza",
    1: "rende possibile",
    0: "non interagisce in modo rilevante con",
    -1: "limita",
    -2: "contrasta",
    -3: "annulla",
}
CONDITIONS = [
    "Se i fondi sono assegnati nei tempi previsti.",
    "Nelle zone omogenee con servizi di trasporto pubblico adeguati.",
    "Con il coinvolgimento delle imprese del territorio.",
    "",
]


@dataclass(frozen=True)
class DemoMatrix:
    code: str
    title_it: str
    title_en: str
    purpose_it: str
    purpose_en: str
    analysis: str
    direction: str
    weights: tuple[float, ...]  # probabilities of -3..+3


MATRICES = (
    DemoMatrix(
        code="psm-strategie-missioni",
        title_it="Strategie del PSM 2024-2026 e Missioni dell'Agenda (dimostrativa)",
        title_en="PSM 2024-2026 strategies and Agenda Missions (demo)",
        purpose_it=(
            "Come le strategie del Piano strategico metropolitano contribuiscono alle Missioni "
            "dell'Agenda metropolitana o le ostacolano. Punteggi inventati: dato dimostrativo."
        ),
        purpose_en=(
            "How the Metropolitan Strategic Plan's strategies help or hinder the Agenda's "
            "Missions. Invented scores: demo data."
        ),
        analysis=Matrix.Analysis.EXTERNAL,
        direction=Matrix.Direction.VERTICAL,
        weights=(0.01, 0.03, 0.08, 0.45, 0.2, 0.15, 0.08),
    ),
    DemoMatrix(
        code="missioni-missioni",
        title_it="Interazioni tra le Missioni delle MAS 1 e 2 (dimostrativa)",
        title_en="Interactions between the Missions of MAS 1 and 2 (demo)",
        purpose_it=(
            "Quanto il progresso di una Missione aiuta o frena le altre: matrice quadrata per "
            "l'analisi di influenza e dei gruppi che si rafforzano. Punteggi inventati."
        ),
        purpose_en=(
            "How progress on one Mission helps or holds back the others: a square matrix for "
            "influence and reinforcing groups. Invented scores."
        ),
        analysis=Matrix.Analysis.INTERNAL,
        direction=Matrix.Direction.HORIZONTAL,
        weights=(0.02, 0.05, 0.1, 0.35, 0.23, 0.17, 0.08),
    ),
)


def _users() -> tuple[list[Any], Any]:
    User = get_user_model()
    people = []
    for name in (*ASSESSORS, COORDINATOR):
        user, created = User.objects.get_or_create(username=name, defaults={"is_staff": True})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people[:2], people[2]


def _rationale(row: Node, column: Node, score: int) -> str:
    return f"{NOTE} «{row.code}» {WORDS[score]} «{column.code}»."


def demo_coherence_load() -> int:
    """Create the demo matrices that do not exist yet; return how many scores were written."""
    missions = list(
        Node.objects.filter(framework__code="amsvs-torino", level="missione").order_by("position")
    )
    strategies = list(
        Node.objects.filter(framework__code="psm-2024-2026", level="strategia").order_by("position")
    )
    axes = {
        "psm-strategie-missioni": (strategies, missions),
        "missioni-missioni": ([m for m in missions if m.code.split(".")[0] in {"1", "2"}],) * 2,
    }
    assessors, coordinator = _users()
    rng = random.Random(SEED)
    written = 0
    for spec in MATRICES:
        if Matrix.objects.filter(code=spec.code).exists():
            continue
        rows, columns = axes[spec.code]
        if not rows or not columns:
            continue
        matrix = Matrix.objects.create(
            code=spec.code,
            title_it=spec.title_it,
            title_en=spec.title_en,
            purpose_it=spec.purpose_it,
            purpose_en=spec.purpose_en,
            analysis=spec.analysis,
            direction=spec.direction,
            status=Matrix.Status.PUBLISHED,
            published_at=timezone.now(),
            data_status=DataStatus.ILLUSTRATIVE,
            owner=coordinator,
        )
        matrix.assessors.set(assessors)
        matrix_set_axes(matrix=matrix, rows=rows, columns=columns)
        audit = AuditBatch(actor=None, channel="demo")
        audit.created(matrix)
        scores, agreed = [], []
        for row in rows:
            for column in columns:
                if row.pk == column.pk:
                    continue
                base = rng.choices(range(-3, 4), weights=spec.weights)[0]
                other = (
                    base
                    if rng.random() < 0.85
                    else max(-3, min(3, base + rng.choice((-2, -1, 1, 2))))
                )
                for assessor, value in zip(assessors, (base, other), strict=True):
                    scores.append(
                        Score(
                            matrix=matrix,
                            row=row,
                            column=column,
                            assessor=assessor,
                            score=value,
                            rationale=_rationale(row, column, value),
                            conditions=rng.choice(CONDITIONS),
                            confidence=rng.choice(list(Confidence.values)),
                        )
                    )
                if other != base and rng.random() < 0.5:
                    agreed.append(
                        AgreedScore(
                            matrix=matrix,
                            row=row,
                            column=column,
                            score=round((base + other) / 2),
                            note=f"{NOTE} Punteggio concordato in laboratorio.",
                            decided_by=coordinator,
                        )
                    )
        for instance in [
            *Score.objects.bulk_create(scores),
            *AgreedScore.objects.bulk_create(agreed),
        ]:
            audit.created(instance)
        audit.save()
        written += len(scores) + len(agreed)
    return written + _demo_system()


def _demo_system() -> int:
    """An illustrative systems map of Mission 1.2, seeded from the Missions × Missions
    matrix, with one factor and two delayed influences drawn by hand."""
    mission = Node.objects.filter(framework__code="amsvs-torino", code="1.2").first()
    matrix = Matrix.objects.filter(code="missioni-missioni").first()
    if mission is None or matrix is None or SystemMap.objects.filter(code=DEMO_SYSTEM).exists():
        return 0
    system = SystemMap.objects.create(
        code=DEMO_SYSTEM,
        node=mission,
        title_it="Mappa dei fattori della Missione 1.2 (dato dimostrativo)",
        title_en="Factors map of Mission 1.2 (demo data)",
        description_it=(
            "Mappa dimostrativa: fattori e influenze ricavati dalla matrice Missioni × Missioni "
            "dimostrativa, più un fattore aggiunto a mano. Non descrive il territorio."
        ),
        description_en=(
            "A demo map: factors and influences taken from the demo Missions × Missions matrix, "
            "plus one factor added by hand. It does not describe the territory."
        ),
        data_status=DataStatus.ILLUSTRATIVE,
    )
    factors, influences = system_seed_from_matrix(system=system, matrix=matrix, actor=None)
    factor_add(
        system=system,
        code="investimenti-imprese",
        label_it="Investimenti verdi delle imprese (dimostrativo)",
        label_en="Businesses' green investment (demo)",
        actor=None,
    )
    seeded = Factor.objects.filter(system=system, node=mission).first()
    if seeded is not None:
        influence_set(
            system=system,
            source=seeded.code,
            target="investimenti-imprese",
            sign=1,
            strength=2,
            delay=2,
            note="dimostrativo",
            actor=None,
        )
        influence_set(
            system=system,
            source="investimenti-imprese",
            target=seeded.code,
            sign=1,
            strength=1,
            delay=1,
            note="dimostrativo",
            actor=None,
        )
    return factors + influences + 3
