"""`territori backup` and `territori restore`: every table and every stored file comes back
identical; a damaged, altered, foreign or newer archive is refused before anything changes.
Runs on SQLite and on PostgreSQL (pg_dump and pg_restore)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from territori.core.backup import BackupError, _walk, backup_check, backup_restore, backup_write
from tests.factories import IndicatorFactory, ObservationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the project, in key order."""
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _files() -> dict[str, bytes]:
    found = {}
    for alias in ("default", "private"):
        storage = storages[alias]
        for name in _walk(storage):
            with storage.open(name) as handle:
                found[f"{alias}:{name}"] = handle.read()
    return found


@pytest.fixture(autouse=True)
def _empty_storages() -> None:
    for alias in ("default", "private"):
        for name in list(_walk(storages[alias])):
            storages[alias].delete(name)


@pytest.fixture
def site() -> None:
    if connection.vendor == "postgresql":
        import shutil

        if shutil.which("pg_dump") is None:
            pytest.fail("pg_dump is needed for the PostgreSQL backup test")
    territory = TerritoryFactory(code="BK01", name="Comune del backup")
    indicator = IndicatorFactory(code="BACKUP", name_it="Indicatore àèì")
    for year in (2020, 2021):
        ObservationFactory(indicator=indicator, territory=territory, year=year, value=year / 7)
    storages["private"].save("contributi/allegato.pdf", ContentFile(b"%PDF-1.4 documento"))
    storages["default"].save("pagine/immagine.png", ContentFile(b"\x89PNG immagine"))


def test_a_backup_comes_back_identical(site: None, tmp_path: Path) -> None:
    before_tables, before_files = _tables(), _files()
    assert before_files and any(before_tables.values())
    archive = tmp_path / "backup.tar.gz"
    summary = backup_write(path=archive)
    assert summary.files == 2 and summary.vendor == connection.vendor
    # the site changes after the backup: rows, files
    from territori.indicators.models import Indicator, Observation

    Observation.objects.all().delete()
    Indicator.objects.filter(code="BACKUP").update(name_it="Cambiato")
    IndicatorFactory(code="NUOVO")
    storages["private"].delete("contributi/allegato.pdf")
    storages["default"].save("pagine/altro.png", ContentFile(b"nuovo"))
    assert _tables() != before_tables
    backup_restore(path=archive)
    assert _tables() == before_tables
    assert _files() == before_files


def test_the_commands(site: None, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert "2 files" in out.getvalue()
    with pytest.raises(CommandError, match="exists: choose a new file"):
        call_command("backup", "--output", str(archive), stdout=io.StringIO())
    checked = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=checked)
    assert "a valid backup" in checked.getvalue()
    with pytest.raises(CommandError, match="add --yes"):
        call_command("restore", str(archive), stdout=io.StringIO())
    done = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=done)
    assert "restored b.tar.gz" in done.getvalue()


def _rewrite(source: Path, target: Path, change: Any) -> None:
    """Copy an archive, letting `change(name, data)` alter or drop (None) each member."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            handle = old.extractfile(info)
            assert handle is not None
            data = change(info.name, handle.read())
            if data is None:
                continue
            item = tarfile.TarInfo(info.name)
            item.size = len(data)
            new.addfile(item, io.BytesIO(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda n, d: d + b"x" if n.startswith("files/private/") else d,
            "does not match its checksum",
        ),
        (lambda n, d: None if n.startswith("database/") else d, "is missing"),
        (lambda n, d: None if n == "manifest.json" else d, "no manifest.json"),
        (
            lambda n, d: (
                json.dumps({**json.loads(d), "format_version": 9}).encode()
                if n == "manifest.json"
                else d
            ),
            "backup format 9",
        ),
        (
            lambda n, d: (
                json.dumps(
                    {**json.loads(d), "database": {**json.loads(d)["database"], "vendor": "oracle"}}
                ).encode()
                if n == "manifest.json"
                else d
            ),
            "made from a oracle database",
        ),
        (
            lambda n, d: (
                json.dumps(
                    {**json.loads(d), "migrations": {"indicators": ["9999_from_the_future"]}}
                ).encode()
                if n == "manifest.json"
                else d
            ),
            "made by a newer Territori",
        ),
    ],
)
def test_a_bad_archive_is_refused_before_anything_changes(
    site: None, tmp_path: Path, change: Any, message: str
) -> None:
    good = tmp_path / "good.tar.gz"
    backup_write(path=good)
    bad = tmp_path / "bad.tar.gz"
    _rewrite(good, bad, change)
    IndicatorFactory(code="DOPO")
    before = _tables()
    with pytest.raises(BackupError, match=message):
        backup_restore(path=bad)
    assert _tables() == before
    with pytest.raises(BackupError, match=message):
        backup_check(path=bad)


def test_a_file_that_is_not_an_archive(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="not a Territori backup"):
        backup_restore(path=junk)
    cut = tmp_path / "cut.tar.gz"
    backup_write(path=tmp_path / "whole.tar.gz")
    cut.write_bytes((tmp_path / "whole.tar.gz").read_bytes()[:200])
    with pytest.raises(BackupError):
        backup_restore(path=cut)


def test_an_archive_that_would_fill_the_disk_is_refused_before_it_is_unpacked(
    site: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member's declared size counts against the free disk before a byte of it is written
    (a small gzip that unpacks to terabytes never fills the disk), and nothing changes."""
    import shutil

    from territori.core import backup

    archive = tmp_path / "a.tar.gz"
    backup_write(path=archive)
    with tarfile.open(archive) as members:
        largest = max(info.size for info in members)
    real = shutil.disk_usage
    monkeypatch.setattr(
        backup.shutil,
        "disk_usage",
        lambda path: real(path)._replace(free=largest - 1),
    )
    before = _tables()
    with pytest.raises(BackupError, match="would not fit on the disk"):
        backup_restore(path=archive)
    assert _tables() == before


def test_members_are_copied_a_chunk_at_a_time(
    site: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No read of a backup or a restore asks for more than one chunk: memory stays flat
    whatever the size of the database and the files."""
    from territori.core import backup

    monkeypatch.setattr(backup, "CHUNK", 4096)
    reads: list[int] = []
    real_read = backup._Hashing.read

    def read(self: Any, size: int = -1) -> bytes:
        reads.append(size)
        return real_read(self, size)

    monkeypatch.setattr(backup._Hashing, "read", read)
    archive = tmp_path / "a.tar.gz"
    backup_write(path=archive)
    assert reads and all(0 < size <= 16 * 1024 for size in reads), sorted(set(reads))[-3:]
    backup_restore(path=archive)
