"""Indicator pages, downloads, Mission and territory sections, the staff import page."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from territori.core.roles import ANALYST, EDITOR
from territori.frameworks.models import Node
from territori.indicators.models import Assessment, ImportBatch, Indicator, Observation
from territori.territories.models import Territory
from tests.conftest import count_queries
from tests.worlds import Indicators

pytestmark = pytest.mark.django_db

PAGES = [
    "/indicatori/",
    "/indicatori/?missione=1.2",
    "/indicatori/?livello=zona&stato=real",
    "/en/indicatori/",
    "/indicatori/UBB/",
    "/indicatori/UBB/?territorio=001272&anno=2015",
    "/indicatori/SH_65/?territorio=ZO04",
    "/en/indicatori/WASTE_PC/",
    "/quadri/amsvs-torino/1.2/",
    "/territori/001272/",
    "/territori/ZO04/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render(client, url: str, indicators: Indicators) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert b"<h1" in response.content


def test_illustrative_data_is_labelled_everywhere(client, indicators: Indicators) -> None:
    for url in [
        "/indicatori/",
        "/indicatori/UBB/",
        "/quadri/amsvs-torino/1.2/",
        "/territori/001272/",
    ]:
        text = client.get(url).content.decode()
        assert "demo" in text.lower() or "dimostrativ" in text.lower(), url
    page = client.get("/indicatori/UBB/").content.decode()
    assert "Dato dimostrativo" in page or "dato dimostrativo" in page


def test_indicator_page_shows_assessment_target_projection_and_ranking(
    client, indicators: Indicators
) -> None:
    text = client.get("/indicatori/UBB/?territorio=001272").content.decode()
    assert 'id="chart-series"' in text and 'id="chart-map"' in text
    assert "chart-series-table" in text and "chart-map-table" in text
    assert "Torino" in text
    assessment = Assessment.objects.get(
        indicator__code="UBB", territory__code="201", method="eurostat", window="long"
    )
    assert f"{assessment.start_year}–{assessment.end_year}" in text
    assert "Obiettivo dimostrativo" in text


def test_indicator_page_compares_the_three_methods_and_the_disparity(
    client, indicators: Indicators
) -> None:
    text = client.get("/en/indicatori/UBB/").content.decode()
    table = text[
        text.index('id="assessment-methods"') : text.index(
            "</table>", text.index('id="assessment-methods"')
        )
    ]
    stored = {
        (a.method, a.window): a
        for a in Assessment.objects.filter(indicator__code="UBB", territory__code="201")
    }
    assert {("istat", "full"), ("istat", "previous"), ("opensdg", "full")} <= set(stored)
    opensdg = stored[("opensdg", "full")]
    assert opensdg.score is not None and f"{opensdg.score:.2f}" in table
    istat = stored[("istat", "full")]
    assert istat.status.replace("_", " ") in table
    assert f"{istat.start_year}–{istat.end_year}: {istat.cagr * 100:.2f} % a year" in table

    # Disparity among the comuni in the latest year, by hand: coefficient of variation and
    # the population-weighted one (population shares as weights).
    year = (
        Observation.objects.filter(indicator__code="UBB", territory__kind="comune")
        .latest("year")
        .year
    )
    values = dict(
        Observation.objects.filter(
            indicator__code="UBB", territory__kind="comune", year=year, breakdown=""
        ).values_list("territory_id", "value")
    )
    pop_year = Observation.objects.filter(indicator__code="POP").latest("year").year  # closest
    population = dict(
        Observation.objects.filter(
            indicator__code="POP", territory_id__in=values, year=pop_year, breakdown=""
        ).values_list("territory_id", "value")
    )
    n = len(values)
    mean = sum(values.values()) / n
    cv = (sum((v - mean) ** 2 for v in values.values()) / n) ** 0.5 / mean
    total = sum(population.values())
    w_mean = sum(population[k] * v for k, v in values.items()) / total
    w_cv = (
        sum(population[k] * (v - w_mean) ** 2 for k, v in values.items()) / total
    ) ** 0.5 / w_mean
    block = text[text.index('id="disparity"') : text.index("</dl>", text.index('id="disparity"'))]
    assert f"{cv:.3f}" in block and f"population {pop_year}: {w_cv:.3f}" in block


def test_catalogue_filters(client, indicators: Indicators) -> None:
    text = client.get("/indicatori/?missione=1.2").content.decode()
    assert "/indicatori/UBB/" in text and "/indicatori/ELET/" not in text
    real = client.get("/indicatori/?stato=real").content.decode()
    assert "/indicatori/POP/" in real and "/indicatori/UBB/" not in real
    zones = client.get("/indicatori/?livello=zona").content.decode()
    assert "/indicatori/SH_65/" in zones


def test_downloads(client, indicators: Indicators) -> None:
    csv = client.get("/indicatori/UBB/dati.csv?territori=201,01").content.decode().splitlines()
    assert csv[0].startswith("indicatore,territorio,codice_territorio")
    expected = Observation.objects.filter(
        indicator__code="UBB", territory__code__in=["201", "01"]
    ).count()
    assert len(csv) == expected + 1
    data = json.loads(client.get("/indicatori/UBB/dati.json?anno=2020&livello=comune").content)
    assert data["indicator"]["status"] == "illustrative"
    assert {o["anno"] for o in data["observations"]} == {2020}
    xlsx = client.get("/indicatori/UBB/dati.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/indicatori/UBB/dati.pdf").status_code == 404
    assert client.get("/indicatori/NOPE/").status_code == 404
    composite = client.get("/quadri/amsvs-torino/1.2/composito.csv").content.decode().splitlines()
    assert composite[0] == "territorio,anno,valore,metodo,stato_dato" and len(composite) > 10
    methods = {line.split(",")[3] for line in composite[1:]}
    assert methods == {"AMPI-", "min-max", "z-score"}
    # CMTo in the reference year (the first one): AMPI 100 and z-score 0 by construction
    first = {
        line.split(",")[3]: float(line.split(",")[2])
        for line in composite[1:]
        if line.startswith("201,")
        and line.split(",")[1]
        == min(row.split(",")[1] for row in composite[1:] if row.startswith("201,"))
    }
    assert first["AMPI-"] == pytest.approx(100) and first["z-score"] == pytest.approx(0, abs=1e-9)
    assert all(0 <= float(line.split(",")[2]) <= 100 for line in composite[1:] if "min-max" in line)


def grow_indicators() -> None:
    """More indicators, observations, assessments and tags than the demo has."""
    node = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    territories = list(Territory.objects.filter(code__in=["201", "01", "IT", "001272", "ZO04"]))
    for i in range(15):
        indicator = Indicator.objects.create(
            code=f"EXTRA{i}", name_it=f"Extra {i}", status="illustrative"
        )
        indicator.nodes.add(node)
        for territory in territories:
            for year in range(2000, 2010):
                Observation.objects.create(
                    indicator=indicator, territory=territory, year=year, value=year
                )
            Assessment.objects.create(
                indicator=indicator,
                territory=territory,
                method="eurostat",
                window="long",
                status="not_assessable",
            )
    Observation.objects.bulk_create(
        Observation(
            indicator_id=Indicator.objects.get(code="UBB").pk, territory=t, year=2030, value=1
        )
        for t in Territory.objects.filter(kind="comune")[:50]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/indicatori/",
        "/indicatori/UBB/?territorio=001272",
        "/quadri/amsvs-torino/1.2/",
        "/territori/001272/",
        "/territori/ZO04/",
    ],
)
def test_query_count_does_not_grow_with_the_data(client, url: str, indicators: Indicators) -> None:
    before = count_queries(client, url)
    grow_indicators()
    assert count_queries(client, url) == before


def staff_user(role: str) -> User:
    user = User.objects.create_user(f"{role}-user", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_staff_import_preview_and_confirm(client, fixture_bytes, indicators: Indicators) -> None:
    assert client.get("/staff/indicatori/importa/").status_code == 302  # login first
    client.force_login(staff_user(EDITOR))
    assert client.get("/staff/indicatori/importa/").status_code == 403  # editors do not import data
    client.force_login(staff_user(ANALYST))
    assert client.get("/staff/indicatori/importa/").status_code == 200
    assert client.get("/staff/indicatori/modello.xlsx").status_code == 200
    broken = SimpleUploadedFile("tidy-broken.csv", fixture_bytes("indicators", "tidy-broken.csv"))
    response = client.post(
        "/staff/indicatori/importa/", {"file": broken, "indicator": "UBB"}, follow=True
    )
    text = response.content.decode()
    assert "not a year (YYYY) nor a period" in text and "Confirm" not in text
    batch = ImportBatch.objects.latest("id")
    assert batch.state == ImportBatch.State.REJECTED and bytes(batch.original).startswith(b"Year")
    good = SimpleUploadedFile("indicator_UBB.csv", fixture_bytes("indicators", "indicator_UBB.csv"))
    response = client.post("/staff/indicatori/importa/", {"file": good}, follow=True)
    preview = ImportBatch.objects.latest("id")
    assert preview.state == ImportBatch.State.PREVIEWED
    assert not Observation.objects.filter(indicator__code="UBB", year=2025).exists()
    response = client.post(f"/staff/indicatori/importa/{preview.pk}/", follow=True)
    assert response.status_code == 200
    applied = ImportBatch.objects.latest("id")
    assert applied.state == ImportBatch.State.APPLIED and applied.actor.username == "analyst-user"
    assert Observation.objects.filter(indicator__code="UBB", year__gte=2025).count() == 5


def test_staff_import_of_quarterly_values_keeps_the_aggregation_until_applied(
    client, indicators: Indicators
) -> None:
    client.force_login(staff_user(ANALYST))
    quarters = (
        "DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
        + "".join(f"X,001272,2031-Q{q},{60 + q}\n" for q in (1, 2, 3, 4))
    ).encode()

    def upload(**fields: str) -> str:
        data = {"file": SimpleUploadedFile("ubb.csv", quarters), "indicator": "UBB", **fields}
        return client.post("/staff/indicatori/importa/", data, follow=True).content.decode()

    assert "a quarterly period" in upload()
    upload(aggregate="mean")
    preview = ImportBatch.objects.latest("id")
    assert preview.state == ImportBatch.State.PREVIEWED
    assert preview.options["aggregate"] == "mean"
    client.post(f"/staff/indicatori/importa/{preview.pk}/", follow=True)
    (value,) = Observation.objects.filter(
        indicator__code="UBB", territory__code="001272", year=2031
    ).values_list("value", flat=True)
    assert value == 62.5  # the mean of 61, 62, 63 and 64


def test_staff_import_page_query_count_does_not_grow(client, indicators: Indicators) -> None:
    user = staff_user(ANALYST)
    client.force_login(user)
    before = count_queries(client, "/staff/indicatori/importa/")
    for i in range(25):
        ImportBatch.objects.create(
            actor=user,
            channel="staff",
            filename=f"f{i}.csv",
            file_format="tidy",
            original=b"x",
            checksum=f"{i:064d}",
            state=ImportBatch.State.REJECTED,
        )
    assert count_queries(client, "/staff/indicatori/importa/") == before


def test_every_status_gap_and_reason_word_has_an_italian_translation() -> None:
    from django.utils import translation

    from territori.analytics.trends import (
        EUROSTAT_STATUSES,
        ISTAT_STATUSES,
        OPENSDG_STATUSES,
        REASONS,
    )
    from territori.indicators.selectors import REASON_WORDS, STATUS_LABELS, status_label
    from territori.portal.templatetags.territori import GAP_LABELS

    assert set(REASON_WORDS) == {w for w in REASONS.values() if w}  # the list kept in step
    assert {*EUROSTAT_STATUSES, *ISTAT_STATUSES, *OPENSDG_STATUSES} <= set(STATUS_LABELS)
    with translation.override("it"):
        untranslated = [
            text
            for text in [
                *(t for _c, t in STATUS_LABELS.values()),
                *REASON_WORDS,
                *GAP_LABELS.values(),
            ]
            if translation.gettext(text) == text
        ]
        assert untranslated == []
        assert status_label("strong_worsening")[1] == "forte peggioramento"


def test_catalogue_levels_read_one_row_per_indicator(indicators: Indicators) -> None:
    """The levels of the catalogue come from one row per indicator (an EXISTS per kind of
    territory), never from a row per observation (a DISTINCT once inherited the model's
    ordering and fetched them all), and they are right."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from territori.indicators.models import Observation
    from territori.indicators.selectors import CatalogueFilters, indicator_catalogue

    with CaptureQueriesContext(connection) as captured:
        entries = indicator_catalogue(filters=CatalogueFilters()).entries
    levels_sql = next(q["sql"] for q in captured if "EXISTS" in q["sql"] and "kind" in q["sql"])
    assert "DISTINCT" not in levels_sql and "ORDER BY" not in levels_sql
    for entry in entries:
        expected = set(
            Observation.objects.filter(indicator=entry.indicator)
            .values_list("territory__kind", flat=True)
            .distinct()
        )
        assert set(entry.levels) == expected, entry.indicator.code


def test_the_catalogue_names_levels_in_words_from_italy_to_the_comune(
    client, indicators: Indicators
) -> None:
    page = client.get("/indicatori/").content.decode()
    assert ">country" not in page and "metro_city," not in page and ", zona<" not in page
    row = page.split("Popolazione residente")[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0] for cell in row.split('<td class="small">')[1:]]
    levels = next(cell for cell in cells if "comune" in cell)
    assert levels.index("città metropolitana") < levels.index("comune")
    english = client.get("/en/indicatori/").content.decode()
    assert "metropolitan city" in english and "metro_city," not in english


def test_the_catalogue_comes_in_pages_that_cost_the_same_however_many_indicators(
    client, indicators: Indicators
) -> None:
    """Fifty indicators a page, the filters kept in the page links; the queries and the rows
    read are a page's, whatever the size of the catalogue."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from territori.indicators.models import Indicator
    from territori.indicators.selectors import CATALOGUE_PAGE
    from tests.factories import IndicatorFactory

    present = Indicator.objects.count()
    for n in range(CATALOGUE_PAGE + 5 - present):
        IndicatorFactory(code=f"pagina-prova-{n:03d}", name_it=f"Indicatore pagina {n:03d}")
    first = client.get("/indicatori/?stato=").content.decode()
    assert first.count('<th scope="row"') == CATALOGUE_PAGE
    assert "?stato=&amp;pagina=2" in first and 'aria-current="page"' in first
    second = client.get("/indicatori/?stato=&pagina=2").content.decode()
    assert second.count('<th scope="row"') == 5
    assert client.get("/indicatori/?pagina=999").status_code == 200  # the last page

    def measured() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/indicatori/").status_code == 200
        levels = next(q["sql"] for q in captured if "EXISTS" in q["sql"] and "kind" in q["sql"])
        # the levels are read for the page's indicators only
        assert levels.count(",") - levels.split(" IN (")[0].count(",") <= CATALOGUE_PAGE + 5
        return len(captured)

    before = measured()
    for n in range(3 * CATALOGUE_PAGE):
        IndicatorFactory(code=f"pagina-altra-{n:03d}")
    assert measured() == before
