"""Illustrative atlas for the demo: every organisation, network, membership and project is
invented (status illustrative, "dato dimostrativo" in names and pages) from a fixed seed.

- 200 organisations of the kinds that sit on the PSM steering committee (seed 004: trade
  associations, unions, chamber of commerce, comuni, universities, third sector...) with
  invented names, except 40 comuni which are real bodies in invented networks;
- 30 networks of the real types (green communities, GAL, river contracts...) over comuni of
  the metropolitan city, serving Missions and PSM strategies;
The projects are real (the PNRR projects of ReGiS, loaded before this): no invented
project is created, and those of earlier demo versions are removed.

Loaded once: if the first demo network exists, nothing is written.
"""

from __future__ import annotations

import datetime as dt
import random

from territori.atlas.models import (
    Membership,
    Network,
    NetworkArea,
    Organisation,
    Project,
)
from territori.core.audit import AuditBatch
from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.territories.models import Territory

SEED = 404
DEMO = "dato dimostrativo"
ORGANISATION_KINDS = [
    ("trade_association", "Associazione di categoria", 35),
    ("union", "Organizzazione sindacale", 12),
    ("public_body", "Ente pubblico", 15),
    ("company", "Impresa", 30),
    ("university", "Centro di ricerca", 10),
    ("third_sector", "Associazione del terzo settore", 35),
    ("foundation", "Fondazione", 8),
    ("museum", "Museo", 8),
    ("school", "Agenzia formativa", 7),
]
NETWORK_KINDS = [
    ("green_community", "Green community"),
    ("gal", "Gruppo di azione locale"),
    ("river_contract", "Contratto di fiume"),
    ("district", "Distretto"),
    ("union_of_comuni", "Unione di comuni"),
    ("consortium", "Consorzio"),
    ("partnership", "Partenariato"),
]
PNRR_MEASURES = [
    ("M1", "C3"),
    ("M2", "C1"),
    ("M2", "C2"),
    ("M2", "C4"),
    ("M4", "C1"),
    ("M5", "C2"),
    ("M6", "C1"),
]
PHASES = ["Progettazione", "Affidamento", "Esecuzione", "Collaudo"]
THEMES = [
    "Energia",
    "Trasporti",
    "Ambiente",
    "Inclusione sociale",
    "Istruzione",
    "Cultura",
    "Digitale",
]


def demo_atlas_load() -> int:
    """Create the illustrative atlas if it is not there; return the number of rows written."""
    Project.objects.filter(code__startswith="demo-progetto-").delete()
    if Network.objects.filter(code="demo-rete-01").exists():
        return 0
    rng = random.Random(SEED)
    comuni = list(Territory.objects.filter(kind=Territory.Kind.COMUNE).order_by("code"))
    if not comuni:
        return 0
    missions = list(Node.objects.filter(framework__code="amsvs-torino", level="missione"))
    strategies = list(Node.objects.filter(framework__code="psm-2024-2026", level="strategia"))
    audit = AuditBatch(actor=None, channel="demo")
    illustrative = DataStatus.ILLUSTRATIVE
    organisations = []
    number = 0
    for kind, label, count in ORGANISATION_KINDS:
        for _ in range(count):
            number += 1
            organisations.append(
                Organisation(
                    code=f"demo-org-{number:03d}",
                    name=f"{label} dimostrativa {number:03d}",
                    kind=kind,
                    territory=rng.choice(comuni),
                    status=illustrative,
                )
            )
    for comune in rng.sample(comuni, min(40, len(comuni))):
        organisations.append(
            Organisation(
                code=f"demo-comune-{comune.code}",
                name=f"Comune di {comune.name}",
                kind="comune",
                territory=comune,
                status=illustrative,
            )
        )
    organisations = Organisation.objects.bulk_create(organisations)
    networks, areas, memberships = [], [], []
    for index in range(30):
        kind, label = NETWORK_KINDS[index % len(NETWORK_KINDS)]
        networks.append(
            Network(
                code=f"demo-rete-{index + 1:02d}",
                name=f"{label} dimostrativa {index + 1:02d}",
                kind=kind,
                description=f"Rete inventata per mostrare l'atlante ({DEMO}).",
                start=dt.date(rng.randint(2015, 2023), rng.randint(1, 12), 1),
                sources=DEMO,
                status=illustrative,
            )
        )
    networks = Network.objects.bulk_create(networks)
    for network in networks:
        start = rng.randrange(len(comuni))
        covered = comuni[start : start + rng.randint(3, 25)]  # neighbouring codes: one area
        areas += [
            NetworkArea(network=network, territory=c, valid_from=network.start) for c in covered
        ]
        members = rng.sample(organisations, rng.randint(5, 25))
        for position, organisation in enumerate(members):
            role = "lead" if position == 0 else ("partner" if rng.random() < 0.25 else "member")
            memberships.append(
                Membership(
                    organisation=organisation, network=network, role=role, valid_from=network.start
                )
            )
        network.lead = members[0]
        network.nodes.set(
            rng.sample(missions, rng.randint(1, 3))
            + rng.sample(strategies, min(len(strategies), rng.randint(1, 2)))
        )
    Network.objects.bulk_update(networks, ["lead"])
    areas = NetworkArea.objects.bulk_create(areas)
    memberships = Membership.objects.bulk_create(memberships)
    written = [*organisations, *networks, *areas, *memberships]
    for instance in written:
        audit.created(instance)
    audit.save()
    return len(written)
