"""The open-data ZIP and workbooks are built once per version of the data, kept in the
storage and served from there; a committed change builds them again (never a stale file),
and files of older versions are deleted."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.core.files.storage import storages
from django.test import Client, override_settings
from openpyxl import load_workbook

from territori.core.backup import _walk
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _kept() -> Iterator[None]:
    caches["pages"].clear()
    storage = storages["default"]
    for name in list(_walk(storage)):
        storage.delete(name)
    with override_settings(TERRITORI_KEEP_BUILT_FILES=True):
        yield


def _kept_names() -> list[str]:
    return sorted(name for name in _walk(storages["default"]) if name.startswith("open-data/"))


def _indicator_codes(client: Client) -> set[str]:
    book = load_workbook(
        io.BytesIO(b"".join(client.get("/dati/indicatori.xlsx").streaming_content))
    )
    sheet = book["indicatori"]
    header = [cell.value for cell in sheet[1]]
    return {row[header.index("code")] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_built_once_per_version_and_again_after_a_change(client: Client) -> None:
    IndicatorFactory(code="PRIMO")
    assert _indicator_codes(client) == {"PRIMO"}
    first = _kept_names()
    assert len(first) == 1 and first[0].endswith("/indicatori.xlsx")
    assert _indicator_codes(client) == {"PRIMO"} and _kept_names() == first  # kept, not rebuilt
    IndicatorFactory(code="SECONDO")  # a committed write: a new version of the data
    assert _indicator_codes(client) == {"PRIMO", "SECONDO"}
    second = _kept_names()
    assert len(second) == 1 and second != first  # the old version's file is gone
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get("/dati/dati-aperti.zip").streaming_content))
    )
    assert "PRIMO" in archive.read("indicatori.csv").decode()
    assert len(_kept_names()) == 2  # the workbook and the ZIP of the same version


def test_the_command_builds_everything_beforehand(client: Client) -> None:
    from django.core.management import call_command

    IndicatorFactory(code="PRIMO")
    out = io.StringIO()
    call_command("build_open_data", stdout=out)
    names = _kept_names()
    assert any(name.endswith("dati-aperti.zip") for name in names)
    assert any(name.endswith("indicatori.xlsx") for name in names)
    assert "built" in out.getvalue()
