"""One bad stored row never takes a page down, and no answer carries invalid JSON.

The worst values the database accepts (infinities, ±1e308, NaN where PostgreSQL stores it,
the largest amount the column holds) are written straight into the demo's tables, as a
hand edit or an old import could have left them; the recomputation must go through, and
every page, download and API list must answer without a 500 and with strict JSON.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from territori.atlas.models import Funding, Project
from territori.indicators.models import (
    Assessment,
    CompositeValue,
    DisparityValue,
    Indicator,
    Observation,
    Projection,
    Target,
)
from territori.indicators.services import indicator_results_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.demo]  # the demo's pages, poisoned

#: Indicators shown on many pages: an illustrative one aggregated from the comuni and tagged
#: to the Missions, and a real BES one compared among the metropolitan cities.
POISONED = ("UBB", "10AMB017")
PAGES = [
    "/",
    "/en/",
    "/quadri/amsvs-torino/",
    "/quadri/amsvs-torino/1.2/",
    "/quadri/amsvs-torino/1.2/composito.csv",
    "/en/quadri/pnrr/M1/",
    "/territori/",
    "/territori/ZO04/",
    "/territori/001272/",
    "/en/territori/201/",
    "/territori/201/comuni.csv",
    "/cerca/?q=banda",
    "/indicatori/",
    "/indicatori/UBB/",
    "/indicatori/UBB/?territorio=001272",
    "/indicatori/UBB/dati.csv",
    "/indicatori/UBB/dati.xlsx",
    "/indicatori/UBB/dati.json",
    "/indicatori/10AMB017/",
    "/confronti/",
    "/confronti/10AMB017/",
    "/confronti/10AMB017/classifica.csv",
    "/confronti/10AMB017/serie.xlsx",
    "/confronti/pagella/201/",
    "/confronti/pagella/201/dati.csv",
    "/confronti/compositi/",
    "/confronti/compositi/dati.csv",
    "/coerenza/",
    "/coerenza/schede/amsvs-torino/1.2/",
    "/programma/proposta-2024/",
    "/atlante/",
    "/atlante/comuni.csv",
    "/atlante/progetti.csv",
    "/en/atlante/missioni/1.2/",
    "/pubblicazioni/",
    "/infografiche/",
    "/dati/",
    "/dati/dati-aperti.zip",
    "/dati/osservazioni.csv",
    "/dati/osservazioni.json",
    "/dati/valutazioni.json",
    "/dati/compositi.xlsx",
    "/dati/progetti.json",
    "/dati/progetti.csv",
    "/atlante/progetti/pnrr-c81f22003040001/",
    "/partecipa/",
    "/api/v1/indicators/observations?indicator=UBB&limit=1000",
    "/api/v1/indicators/observations.csv?indicator=UBB",
    "/api/v1/indicators/assessments?indicator=UBB&limit=1000",
    "/api/v1/indicators/composites?limit=1000",
    "/api/v1/atlas/projects?limit=1000",
    "/api/v1/comparisons/indicators/10AMB017",
    "/api/v1/comparisons/scorecards/201",
    "/api/v1/comparisons/composites",
]


def _strict_json(text: str, where: str) -> Any:
    def refuse(token: str) -> Any:
        raise AssertionError(f"{where}: invalid JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def _worst_floats() -> list[float]:
    worst = [math.inf, -math.inf, 1e308, -1e308]
    if connection.vendor == "postgresql":  # SQLite stores NaN as NULL, refused by NOT NULL
        worst.append(math.nan)
    return worst


def _poison_observations() -> None:
    worst = _worst_floats()
    for code in POISONED:
        rows = list(
            Observation.objects.filter(
                indicator__code=code, territory__code__in=["001272", "201", "001001", "ZO04"]
            ).order_by("pk")[: len(worst) * 3]
        )
        assert rows, code
        for i, row in enumerate(rows):
            row.value = worst[i % len(worst)]
        Observation.objects.bulk_update(rows, ["value"])
    Target.objects.filter(indicator__code__in=POISONED).update(value=math.inf)
    Indicator.objects.filter(code__in=POISONED).update(natural_limit=1e308)


def _poison_results() -> None:
    worst = _worst_floats()
    for model, fields in (
        (Assessment, ["cagr", "required_cagr", "ratio", "score"]),
        (Projection, ["value", "lower", "upper", "gap_closure"]),
        (CompositeValue, ["value"]),
        (DisparityValue, ["mean", "cv", "theil", "max_min_ratio", "reference"]),
    ):
        rows = list(model.objects.order_by("pk")[:40])  # type: ignore[attr-defined]
        for i, row in enumerate(rows):
            for field in fields:
                setattr(row, field, worst[i % len(worst)])
        model.objects.bulk_update(rows, fields)  # type: ignore[attr-defined]
    # numeric(16, 2) on PostgreSQL; SQLite reads decimals back through a 15-digit float, so
    # its largest readable value is a digit shorter (the importers stop below both)
    largest = Decimal(
        "99999999999999.99" if connection.vendor == "postgresql" else "9999999999999.99"
    )
    projects = list(Project.objects.order_by("pk")[:5])
    for project in projects:
        project.total_funding = project.commitments = project.payments = largest
    Project.objects.bulk_update(projects, ["total_funding", "commitments", "payments"])
    Funding.objects.filter(project__in=projects).update(amount=largest)


def test_recomputation_goes_through_values_beyond_the_limits() -> None:
    _poison_observations()
    counts = indicator_results_refresh(codes=list(POISONED))
    assert counts["assessments"] > 0
    for value in Assessment.objects.filter(indicator__code__in=POISONED).values_list(
        "cagr", "score"
    ):
        assert all(v is None or math.isfinite(v) for v in value)
    aggregates = Observation.objects.filter(
        indicator__code="UBB", coverage__isnull=False
    ).values_list("value", flat=True)
    assert aggregates and all(math.isfinite(v) and abs(v) <= 1e15 for v in aggregates)


@pytest.mark.slow
def test_no_page_answers_500_or_invalid_json_with_extreme_stored_values(client: Any) -> None:
    _poison_observations()
    _poison_results()
    failures = []
    for url in PAGES:
        response = client.get(url)
        if response.status_code >= 500 or response.status_code == 404:
            failures.append(f"{url}: {response.status_code}")
            continue
        kind = response.get("Content-Type", "")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if "json" in kind:
            _strict_json(body.decode(), url)
        elif "html" in kind:
            for block in re.findall(
                r'<script[^>]*type="application/json"[^>]*>(.*?)</script>', body.decode(), re.S
            ):
                _strict_json(block, url)
    assert not failures, failures
