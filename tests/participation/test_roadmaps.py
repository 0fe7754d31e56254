"""Backcasting roadmaps: who may edit (the working group's delegates, the staff), milestones
checked and linked, every save a version, the page, a version, the PDF and query counts."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import translation

from territori.atlas.models import Organisation
from territori.core.roles import EDITOR
from territori.frameworks.models import Node
from territori.participation.models import Body, BodyMember, Milestone, Roadmap, RoadmapVersion
from territori.participation.services import ParticipationError
from territori.participation.services.roadmaps import (
    can_edit_roadmap,
    milestone_add,
    milestone_remove,
    roadmap_update,
)
from tests.worlds import Forum, participant

from ..conftest import assert_same_queries
from ..factories import IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(forum: Forum) -> dict[str, Any]:
    mission = Node.objects.get(framework__code="agenda-prova", code="1.1")
    group = Body.objects.create(code="gruppo-prova", kind="working_group", name_it="Gruppo")
    member = BodyMember.objects.create(
        body=group, organisation=Organisation.objects.get(code="ente-prova-a")
    )
    delegate = forum.participants[0]
    member.delegates.add(delegate)
    roadmap = Roadmap.objects.create(
        code="tabella-prova",
        node=mission,
        body=group,
        title_it="Tabella di prova",
        vision_it="Una visione.",
        horizon=2040,
    )
    return {"roadmap": roadmap, "delegate": delegate, "outsider": forum.participants[1]}


def test_who_may_edit(setup: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    roadmap = setup["roadmap"]
    assert can_edit_roadmap(user=setup["delegate"], roadmap=roadmap)
    assert not can_edit_roadmap(user=setup["outsider"], roadmap=roadmap)
    assert not can_edit_roadmap(user=AnonymousUser(), roadmap=roadmap)
    editor = participant("redazione-tabelle")
    editor.groups.add(Group.objects.get(name=EDITOR))
    assert can_edit_roadmap(user=editor, roadmap=roadmap)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"year": 2041}, "year", "between 2026 and the horizon, 2040"),
        ({"year": 2025}, "year", "between 2026"),
        ({"nodes": "agenda-prova:1.1, piano:9"}, "nodes", "No action piano:9"),
        ({"projects": "nessuno"}, "projects", "No project with the code or CUP nessuno"),
        ({"indicators": "nessuno"}, "indicators", "No indicator with the code nessuno"),
        ({"title_it": " "}, "title_it", "Give the milestone a title"),
    ],
)
def test_bad_milestones_are_named_and_write_nothing(
    setup: dict[str, Any], fields: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"year": 2030, "title_it": "Traguardo"} | fields
    with translation.override("en"), pytest.raises(ParticipationError, match=message) as caught:
        milestone_add(roadmap=setup["roadmap"], actor=setup["delegate"], today_year=2026, **values)
    assert caught.value.field == field
    assert not Milestone.objects.exists()
    assert not RoadmapVersion.objects.exists()


def test_every_save_is_a_version(setup: dict[str, Any]) -> None:
    roadmap, delegate = setup["roadmap"], setup["delegate"]
    indicator = IndicatorFactory(code="ind-prova")
    project = ProjectFactory(code="prog-prova", cup="J11B22000090006")
    first = milestone_add(
        roadmap=roadmap,
        year=2035,
        title_it="Primo traguardo",
        nodes="agenda-prova:1.1",
        projects="j11b22000090006",
        indicators="ind-prova",
        actor=delegate,
        today_year=2026,
    )
    assert list(first.projects.all()) == [project]
    assert list(first.indicators.all()) == [indicator]
    milestone_add(roadmap=roadmap, year=2028, title_it="Secondo", actor=delegate, today_year=2026)
    roadmap_update(
        roadmap=roadmap,
        title_it="Nuovo titolo",
        vision_it="Nuova visione.",
        horizon=2040,
        note="titolo",
        actor=delegate,
    )
    milestone_remove(milestone=first, actor=delegate)
    roadmap.refresh_from_db()
    assert roadmap.version == 4
    versions = list(RoadmapVersion.objects.filter(roadmap=roadmap).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3, 4]
    assert [m["year"] for m in versions[1].content["milestones"]] == [2035, 2028]
    assert versions[1].content["milestones"][0]["projects"] == ["prog-prova"]
    assert versions[2].content["title_it"] == "Nuovo titolo" and versions[2].note == "titolo"
    assert [m["year"] for m in versions[3].content["milestones"]] == [2028]
    with pytest.raises(ParticipationError):
        roadmap_update(roadmap=roadmap, title_it="x", vision_it="y", horizon=2027, actor=delegate)


def test_pages_pdf_and_permissions(client: Client, setup: dict[str, Any]) -> None:
    roadmap, delegate = setup["roadmap"], setup["delegate"]
    milestone_add(
        roadmap=roadmap, year=2039, title_it="Traguardo lontano", actor=delegate, today_year=2026
    )
    milestone_add(
        roadmap=roadmap, year=2031, title_it="Traguardo vicino", actor=delegate, today_year=2026
    )
    page = client.get("/en/partecipa/tabelle-di-marcia/tabella-prova/").content.decode()
    assert page.index("Traguardo lontano") < page.index("Traguardo vicino")  # back to today
    assert "/partecipa/tabelle-di-marcia/tabella-prova/modifica/" not in page
    version = client.get("/en/partecipa/tabelle-di-marcia/tabella-prova/versioni/1/")
    assert version.status_code == 200 and "Traguardo lontano" in version.content.decode()
    assert client.get("/partecipa/tabelle-di-marcia/tabella-prova/versioni/9/").status_code == 404
    pdf = client.get("/partecipa/tabelle-di-marcia/tabella-prova/tabella.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert text.index("2039 — Traguardo lontano") < text.index("2031 — Traguardo vicino")
    milestone_add(
        roadmap=roadmap,
        year=2035,
        title_it="Con azione",
        nodes="agenda-prova:1.1",
        actor=delegate,
        today_year=2026,
    )
    node = Node.objects.get(framework__code="agenda-prova", code="1.1")
    pdf = client.get("/partecipa/tabelle-di-marcia/tabella-prova/tabella.pdf")
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert f"1.1 {node.title_it[:40]}" in text and "(agenda-prova)" in text  # titled actions
    edit = "/en/partecipa/tabelle-di-marcia/tabella-prova/modifica/"
    assert client.get(edit).status_code == 302
    client.force_login(setup["outsider"])
    assert client.get(edit).status_code == 403
    assert (
        client.post(edit, {"form": "milestone", "year": "2030", "title_it": "x"}).status_code == 403
    )
    client.force_login(delegate)
    assert client.get(edit).status_code == 200
    bad = client.post(
        edit, {"form": "milestone", "year": "2030", "title_it": "Nuovo", "indicators": "nessuno"}
    )
    assert bad.status_code == 400
    assert "No indicator with the code nessuno" in bad.content.decode()
    assert 'value="Nuovo"' in bad.content.decode()  # what was sent is kept
    ok = client.post(edit, {"form": "milestone", "year": "2030", "title_it": "Nuovo"})
    assert ok.status_code == 302
    assert Milestone.objects.filter(title_it="Nuovo").exists()


def test_roadmap_page_queries_do_not_grow(client: Client, setup: dict[str, Any]) -> None:
    roadmap, delegate = setup["roadmap"], setup["delegate"]
    milestone_add(
        roadmap=roadmap,
        year=2030,
        title_it="Uno",
        nodes="agenda-prova:1.1",
        projects=ProjectFactory().code,
        indicators=IndicatorFactory().code,
        actor=delegate,
        today_year=2026,
    )

    def grow() -> None:
        for n in range(3):
            project = ProjectFactory()
            indicator = IndicatorFactory()
            milestone_add(
                roadmap=roadmap,
                year=2031 + n,
                title_it=f"Altro {n}",
                nodes="agenda-prova:2.1",
                projects=project.code,
                indicators=indicator.code,
                actor=delegate,
                today_year=2026,
            )

    assert_same_queries(client, "/partecipa/tabelle-di-marcia/tabella-prova/", grow)


def test_roadmap_edit_page_queries_do_not_grow(client: Client, setup: dict[str, Any]) -> None:
    roadmap, delegate = setup["roadmap"], setup["delegate"]
    client.force_login(delegate)

    def milestones(count: int, first_year: int) -> None:
        for n in range(count):
            milestone_add(
                roadmap=roadmap,
                year=first_year + n,
                title_it=f"Tappa {n}",
                nodes="agenda-prova:1.1",
                projects=ProjectFactory().code,
                indicators=IndicatorFactory().code,
                actor=delegate,
                today_year=2026,
            )

    milestones(1, 2027)  # related rows are fetched in one query each once there is a milestone
    assert_same_queries(
        client,
        "/en/partecipa/tabelle-di-marcia/tabella-prova/modifica/",
        lambda: milestones(3, 2028),
    )
