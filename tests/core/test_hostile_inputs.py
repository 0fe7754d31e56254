"""Hostile and careless files (`tests/fixtures/hostile/`) against every importer, the staff
upload page and the API: each gets a message naming the row, field and reason, the command
exits 1 (CommandError), the API answers 422, and nothing is written."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from territori.atlas.models import Organisation, Project
from territori.frameworks.models import Framework, Node
from territori.indicators.models import ImportBatch, Observation
from territori.programme.models import Action, Programme
from territori.territories.models import Membership
from tests.api.tokens import make_token
from tests.worlds import Forum, Frameworks

pytestmark = pytest.mark.django_db

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile"


def _counts() -> dict[str, int]:
    models = (Observation, Framework, Node, Programme, Action, Project, Organisation, Membership)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["applied"] = ImportBatch.objects.filter(state="applied").count()
    return counts


def _refused(args: list[str], expected: str) -> str:
    before = _counts()
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=io.StringIO())
    assert expected in str(raised.value), str(raised.value)
    assert _counts() == before, "something was written"
    return str(raised.value)


def _indicators(name: str) -> list[str]:
    return ["import_indicators", str(HOSTILE / name), "--indicator", "UBB"]


def _programme(name: str) -> list[str]:
    return ["import_programme", str(HOSTILE / name), "--code", "ostile", "--title", "Ostile"]


CASES: list[tuple[list[str], str]] = [
    (_indicators("obs-infinity.csv"), "row 2, field 'Value': not a finite number"),
    (_indicators("obs-nan.csv"), "row 2, field 'Value': not a finite number"),
    (_indicators("obs-1e308.csv"), "row 2, field 'Value': beyond the accepted range (±1e+15)"),
    (_indicators("obs-year-0.csv"), "row 2, field 'Year': year outside 1900-2100"),
    (_indicators("obs-year-9999.csv"), "row 2, field 'Year': year outside 1900-2100"),
    (_indicators("not-a-zip.xlsx"), "not an Excel workbook (.xlsx files are zip archives)"),
    (_indicators("jsonstat-wrong-size.json"), "a dimension lists 1 categories for size 2"),
    (_indicators("jsonstat-key-not-a-number.json"), "a value's key is not a position"),
    (_indicators("jsonstat-index-out-of-range.json"), "category '001272' has position 7"),
    (_indicators("jsonstat-infinite-value.json"), "row 1, field 'value': not a finite number"),
    (["import_framework", str(HOSTILE / "yaml-bomb.yaml")], "aliases (*name) are not accepted"),
    (["import_framework", str(HOSTILE / "framework-year-0.yaml")], "year outside 1900-2100"),
    (_programme("programme-year-0.yaml"), "field 'months.M1': programme: year outside"),
    (_programme("programme-year-10000.yaml"), "field 'months.M1': programme: not a month"),
    (_programme("programme-nan.yaml"), "budget.personale_interno': action 1.1.a: not a finite"),
    (_programme("programme-infinity.yaml"), "action 1.1.a: not a finite amount"),
    (_programme("programme-text-total.yaml"), "field 'totals.total': programme: not an amount"),
    (_programme("programme-duration.yaml"), "duration_months': longer than 600 months"),
    (
        _programme("programme-budget-beyond-column.yaml"),
        "too large (at most 9,999,999,999.99 euro)",
    ),
    (["import_zones", str(HOSTILE / "zones-duplicate-row.csv")], "row 3, field 'zona': duplicate"),
    (_indicators("obs-nul.csv"), "row 2, field 'file': a NUL character (0x00)"),
    (_indicators("jsonstat-nul-code.json"), "a NUL character (0x00 or \\u0000)"),
    (
        ["import_framework", str(HOSTILE / "framework-title-too-long.csv")],
        "row 2, field 'title_it': longer than 500 characters (600)",
    ),
    (["import_framework", str(HOSTILE / "framework-nul-escape.yaml")], "a NUL character"),
    (
        ["import_projects", "--opencoesione", str(HOSTILE / "opencoesione-title-too-long.csv")],
        "row 2, field 'title': longer than",
    ),
    (["import_zones", str(HOSTILE / "zones-header-only.csv")], "no data rows"),
    (
        ["import_projects", "--opencoesione", str(HOSTILE / "opencoesione-1e308.csv")],
        "FINANZ_TOTALE_PUBBLICO': too large",
    ),
    (
        ["import_projects", "--opencoesione", str(HOSTILE / "opencoesione-infinity.csv")],
        "FINANZ_TOTALE_PUBBLICO': not a finite amount",
    ),
    (
        ["import_projects", "--opencoesione", str(HOSTILE / "opencoesione-1e14.csv")],
        "too large (at most 9,999,999,999,999.99 euro)",
    ),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[c[0][1].rsplit("/")[-1] for c in CASES])
def test_hostile_file_is_refused_with_its_reason(
    args: list[str], expected: str, catalogue: Frameworks
) -> None:
    _refused(args, expected)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    return buffer.getvalue()


def _deep_json() -> bytes:
    return b'{"class": "dataset", "value": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


def _rows(header: str, row: str, count: int) -> bytes:
    return (header + "\n" + (row + "\n") * count).encode()


GENERATED: list[tuple[str, Callable[[], bytes], list[str], str]] = [
    ("bomb.xlsx", _zip_bomb, ["--indicator", "UBB"], "refused as a possible zip bomb"),
    ("deep.json", _deep_json, ["--indicator", "UBB"], "the JSON is nested too deeply"),
    (
        "many.csv",
        lambda: _rows("Year,GeoCode,Value", "2023,001272,1", 200_001),
        ["--indicator", "UBB"],
        "more than 200,000 data rows",
    ),
]


@pytest.mark.parametrize(
    ("name", "make", "extra", "expected"), GENERATED, ids=[g[0] for g in GENERATED]
)
def test_hostile_generated_file_is_refused_in_seconds(
    tmp_path: Path, name: str, make: Callable[[], bytes], extra: list[str], expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    started = time.perf_counter()
    _refused(["import_indicators", str(path), *extra], expected)
    print(f"{name}: refused in {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize(
    ("command", "header", "row", "limit"),
    [
        ("import_framework", "framework,code,level,title_it", "p,{i},a,Nodo", "20,000"),
        ("import_zones", "comune,zona,valid_from", "001024,2,", "20,000"),
        ("import_atlas", "code,name,kind", "o{i},Org,association", "20,000"),
    ],
)
def test_other_importers_refuse_files_beyond_their_row_limit(
    tmp_path: Path, command: str, header: str, row: str, limit: str
) -> None:
    path = tmp_path / "organizzazioni.csv"
    count = int(limit.replace(",", "")) + 1
    path.write_text(header + "\n" + "".join(row.format(i=i) + "\n" for i in range(count)))
    _refused([command, str(path)], f"more than {limit} data rows")


def test_projects_refuse_files_beyond_their_row_limit(tmp_path: Path) -> None:
    source = (HOSTILE / "opencoesione-1e14.csv").read_text().splitlines()
    path = tmp_path / "progetti.csv"
    path.write_text(source[0] + "\n" + (source[1] + "\n") * 30_001)
    _refused(["import_projects", "--opencoesione", str(path)], "more than 30,000 data rows")


def test_long_error_lists_are_summarised_by_kind(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(_rows("Year,GeoCode,Value", "2023,001272,abc", 5_000))
    message = _refused(["import_indicators", str(path), "--indicator", "UBB"], "5,000 problem(s)")
    assert message.count("not a number") == 21  # 20 listed, then the count of the rest
    assert "… and 4,980 more in field 'Value': not a number" in message
    batch = ImportBatch.objects.filter(state="rejected").latest("pk")
    assert batch.error_count == 5_000 and len(batch.errors) == 50


def test_staff_page_shows_the_true_count_and_keeps_a_bounded_file(
    client: Any, tmp_path: Path, catalogue: Frameworks
) -> None:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("analyst-hostile", is_staff=True)
    user.groups.add(Group.objects.get(name="analyst"))
    client.force_login(user)
    body = _rows("Year,GeoCode,Value", "2023,001272," + "x" * 200, 12_000)
    assert len(body) > 2 * 1024 * 1024
    response = client.post(
        "/staff/indicatori/importa/",
        {"file": _upload("bad.csv", body), "indicator": "UBB"},
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "12000 problems" in text or "12000 problemi" in text, text[:3000]
    batch = ImportBatch.objects.filter(state="rejected").latest("pk")
    assert batch.size == len(body) and batch.original_truncated
    assert len(bytes(batch.original)) == 1024 * 1024


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("jsonstat-wrong-size.json", "a dimension lists 1 categories for size 2"),
        ("jsonstat-key-not-a-number.json", "a value's key is not a position"),
        ("jsonstat-index-out-of-range.json", "has position 7"),
        ("jsonstat-infinite-value.json", "not a finite number"),
    ],
)
def test_api_answers_422_with_the_reason(
    client: Any, name: str, expected: str, catalogue: Frameworks
) -> None:
    _token, key = make_token(["write-indicators"])
    before = _counts()
    response = client.post(
        "/api/v1/indicators/observations/import?format=json-stat&indicator=UBB",
        (HOSTILE / name).read_bytes(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422, response.content
    assert any(expected in p["reason"] for p in response.json()["problems"]), response.json()
    assert _counts() == before


def test_api_answers_deep_json_with_422(client: Any, catalogue: Frameworks) -> None:
    _token, key = make_token(["write-indicators"])
    response = client.post(
        "/api/v1/indicators/observations/import?format=json-stat&indicator=UBB",
        _deep_json(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 422
    assert "nested too deeply" in response.json()["problems"][0]["reason"]


def test_api_answers_a_body_beyond_the_limit_with_413_naming_it(
    client: Any, settings: Any, catalogue: Frameworks
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    _token, key = make_token(["write-indicators"])
    response = client.post(
        "/api/v1/indicators/observations/import?format=tidy&indicator=UBB",
        _rows("Year,GeoCode,Value", "2023,001272,1", 200),
        content_type="text/csv",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "the request body is larger than the API's limit of 1,024 bytes"
    }


# --- Exports that cannot attack their readers ------------------------------------------------

FORMULAS = ['=HYPERLINK("http://example.org","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


def test_csv_and_xlsx_exports_neutralise_formulas(client: Any, forum: Forum) -> None:
    import csv

    from openpyxl import load_workbook

    from territori.participation.models import Contribution

    exported = client.get("/partecipa/contributi/esporta.csv").content.decode()
    first_id = int(next(csv.reader(io.StringIO(exported.splitlines()[1])))[0])
    Contribution.objects.filter(pk=first_id).update(title=FORMULAS[0], body=FORMULAS[1])
    rows = list(
        csv.reader(io.StringIO(client.get("/partecipa/contributi/esporta.csv").content.decode()))
    )
    row = next(r for r in rows[1:] if int(r[0]) == first_id)
    assert "'" + FORMULAS[0] in row and "'" + FORMULAS[1] in row
    book = load_workbook(io.BytesIO(client.get("/partecipa/contributi/esporta.xlsx").content))
    cells = [c for r in book.active.iter_rows() for c in r if c.value in FORMULAS]
    assert cells and all(c.data_type == "s" for c in cells), [(c.value, c.data_type) for c in cells]


def test_csv_cell_keeps_numbers_and_escapes_formula_text() -> None:
    from territori.io.tabular import csv_cell

    assert [csv_cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert [csv_cell(v) for v in ("-12.5", "+3", -4, 1.5, None, "\tx", "\rx", "ok")] == [
        "-12.5",
        "+3",
        -4,
        1.5,
        "",
        "'\tx",
        "'\rx",
        "ok",
    ]


def test_deeply_nested_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("framework: " + "[" * 5_000 + "]" * 5_000 + "\n")
    _refused(["import_framework", str(path)], "nested more than 40 levels deep")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["import_atlas", str(HOSTILE / "not-a-zip.xlsx")], "not an Excel workbook"),
        (["import_framework", str(HOSTILE / "not-a-zip.xlsx")], "not an Excel workbook"),
        (["import_zones", str(HOSTILE / "not-a-zip.xlsx")], "not an Excel workbook"),
        (["import_pnrr_mapping", str(HOSTILE / "not-a-zip.xlsx")], "not an Excel workbook"),
        (["import_pnrr_mapping", str(HOSTILE / "pnrr-mapping-header-only.csv")], "no data rows"),
        (_indicators("obs-header-only.csv"), "no data rows"),
        (
            ["import_projects", "--opencoesione", str(HOSTILE / "opencoesione-header-only.csv")],
            "no data rows",
        ),
        (["import_framework", str(HOSTILE / "framework-header-only.csv")], "no data rows"),
        (["import_atlas", str(HOSTILE / "organizzazioni-header-only.csv")], "no data rows"),
    ],
    ids=[
        "atlas",
        "framework",
        "zones",
        "pnrr-mapping",
        "pnrr-mapping-empty",
        "observations-empty",
        "projects-empty",
        "framework-empty",
        "atlas-empty",
    ],
)
def test_every_importer_refuses_a_broken_workbook_or_an_empty_file(
    args: list[str], expected: str
) -> None:
    _refused(args, expected)


def test_staff_page_shows_the_reason_for_a_hostile_json_stat(
    client: Any, catalogue: Frameworks
) -> None:
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("analyst-jsonstat", is_staff=True)
    user.groups.add(Group.objects.get(name="analyst"))
    client.force_login(user)
    before = _counts()
    response = client.post(
        "/staff/indicatori/importa/",
        {
            "file": _upload("x.json", (HOSTILE / "jsonstat-index-out-of-range.json").read_bytes()),
            "indicator": "UBB",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "category &#x27;001272&#x27; has position 7" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize(
    ("model", "fields", "message"),
    [
        ("observation", {"value": float("inf")}, "Non è un numero finito"),
        ("observation", {"value": 1e308}, "Fuori dall'intervallo accettato"),
        ("observation", {"year": 0}, "Anno fuori dall'intervallo 1900-2100"),
        ("project", {"total_funding": __import__("decimal").Decimal("99999999999999.99")}, "10^13"),
    ],
)
def test_staff_forms_apply_the_same_limits(
    model: str, fields: dict[str, Any], message: str
) -> None:
    from django.core.exceptions import ValidationError

    from tests.factories import ObservationFactory, ProjectFactory

    instance: Any = (ObservationFactory if model == "observation" else ProjectFactory)()
    for name, value in fields.items():
        setattr(instance, name, value)
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    assert message in str(raised.value), str(raised.value)
