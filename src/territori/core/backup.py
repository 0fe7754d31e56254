"""Backups of the whole site in one archive: the database and the stored files.

`backup_write` makes a gzipped tar holding `manifest.json`, the database (SQLite: a copy by
SQLite's online backup, consistent while the site runs; PostgreSQL: `pg_dump` in its custom
format) and every file of the `default` and `private` storages (read through Django's
storage API, so local disks and object storage alike). The manifest lists every member
with its size and SHA-256, the database's vendor and the migrations applied.

`backup_restore` refuses, before touching anything, an archive that is not a Territori
backup, has a member missing, extra or altered (checksums), comes from another database
vendor or from a newer Territori (migrations this code does not know); then it puts the
database back (SQLite's backup API into the live database; `pg_restore --clean` in one
transaction) and replaces the stored files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "territori-backup"
FORMAT_VERSION = 1
STORAGES = ("default", "private")
MANIFEST = "manifest.json"


class BackupError(Exception):
    """Why an archive cannot be written or restored (nothing has been changed)."""


@dataclass
class BackupSummary:
    path: Path
    vendor: str
    files: int
    size: int
    members: list[str] = field(default_factory=list)


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file of a storage (its names relative to the storage's root)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _migrations() -> dict[str, list[str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app, name in sorted(loader.applied_migrations):
        applied.setdefault(app, []).append(name)
    return applied


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    arguments = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            arguments += [flag, str(settings[key])]
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is needed for a PostgreSQL database (postgresql-client)")
    return found


def _database_copy(folder: Path) -> tuple[str, Path]:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = folder / "territori.sqlite3"
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = folder / "territori.dump"
        arguments, environment = _pg_arguments()
        command = [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            *arguments,
            "--file",
            str(target),
            str(connection.settings_dict["NAME"]),
        ]
        completed = subprocess.run(command, capture_output=True, text=True, env=environment)
        if completed.returncode != 0:
            raise BackupError(f"pg_dump failed: {completed.stderr.strip()[:500]}")
        return "postgresql", target
    raise BackupError(f"backups of a {connection.vendor} database are not supported")


#: Bytes read or written at a time: no member is ever held whole in memory.
CHUNK = 1024 * 1024


class _Hashing:
    """A file read through: counts and hashes what tarfile reads from it."""

    def __init__(self, handle: Any) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.size += len(data)
        return bytes(data)


def _add(archive: tarfile.TarFile, name: str, handle: Any, size: int) -> dict[str, Any]:
    """Stream `size` bytes of `handle` into the archive as `name`; its size and checksum."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    reader = _Hashing(handle)
    archive.addfile(info, reader)
    if reader.size != size:
        raise BackupError(f"{name} changed while it was being copied: try again")
    return {"member": name, "size": size, "sha256": reader.digest.hexdigest()}


def backup_write(*, path: Path) -> BackupSummary:
    """Write the archive at `path` (a new file; an existing one is never overwritten)."""
    if path.exists():
        raise BackupError(f"{path} exists: choose a new file")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "migrations": _migrations(),
        "files": [],
    }
    members: list[str] = []
    partial = path.with_name(path.name + ".part")
    try:
        with tempfile.TemporaryDirectory() as folder, tarfile.open(partial, "w:gz") as archive:
            vendor, copy = _database_copy(Path(folder))
            with copy.open("rb") as handle:
                added = _add(archive, f"database/{copy.name}", handle, copy.stat().st_size)
            manifest["database"] = {"vendor": vendor, **added}
            members.append(added["member"])
            copy.unlink()
            for alias in STORAGES:
                storage = storages[alias]
                for name in sorted(_walk(storage)):
                    with storage.open(name) as handle:
                        added = _add(archive, f"files/{alias}/{name}", handle, storage.size(name))
                    manifest["files"].append({"storage": alias, "name": name, **added})
                    members.append(added["member"])
            text = json.dumps(manifest, indent=1).encode()
            _add(archive, MANIFEST, io.BytesIO(text), len(text))
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return BackupSummary(
        path=path,
        vendor=manifest["database"]["vendor"],
        files=len(manifest["files"]),
        size=path.stat().st_size,
        members=members,
    )


def _safe_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


@dataclass
class _Checked:
    manifest: dict[str, Any]
    #: where each member was unpacked (a temporary folder the caller removes)
    files: dict[str, Path]


def _unpack(path: Path, folder: Path) -> dict[str, tuple[Path, int, str]]:
    """Every member of the archive written to `folder` a chunk at a time: its file, size and
    checksum. Refuses links, absolute or climbing names, and members that would not fit on
    the disk (a small archive that unpacks to terabytes is refused before it fills it)."""
    found: dict[str, tuple[Path, int, str]] = {}
    room = shutil.disk_usage(folder).free
    try:
        with tarfile.open(path, "r:*") as archive:
            for n, info in enumerate(archive):
                if not info.isfile() or not _safe_member(info.name) or info.name in found:
                    raise BackupError(f"{path.name}: unexpected member {info.name!r}")
                room -= info.size
                if room < 0:
                    raise BackupError(
                        f"{path.name}: {info.name!r} would not fit on the disk "
                        f"({info.size:,} bytes): damaged or not a Territori backup"
                    )
                handle = archive.extractfile(info)
                if handle is None:
                    raise BackupError(f"{path.name}: unreadable member {info.name!r}")
                target = folder / f"{n:08d}"
                digest, size = hashlib.sha256(), 0
                with handle, target.open("wb") as out:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[info.name] = (target, size, digest.hexdigest())
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path.name}: not a Territori backup, or damaged ({exc})") from exc
    return found


def _check(path: Path, folder: Path) -> _Checked:
    """Unpack and verify the whole archive into `folder`; raise BackupError naming the first
    problem."""
    found = _unpack(path, folder)
    if MANIFEST not in found:
        raise BackupError(f"{path.name}: no {MANIFEST}: not a Territori backup")
    if found[MANIFEST][1] > 64 * CHUNK:
        raise BackupError(f"{path.name}: {MANIFEST} is too large: not a Territori backup")
    try:
        manifest = json.loads(found[MANIFEST][0].read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path.name}: {MANIFEST} is not readable ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path.name}: not a Territori backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path.name}: backup format {manifest.get('format_version')!r}, this Territori "
            f"reads {FORMAT_VERSION}"
        )
    listed = [manifest.get("database", {}), *manifest.get("files", [])]
    for item in listed:
        member = item.get("member", "")
        if member not in found:
            raise BackupError(f"{path.name}: {member or 'a member'} is missing")
        _file, size, digest = found[member]
        if digest != item.get("sha256") or size != item.get("size"):
            raise BackupError(f"{path.name}: {member} does not match its checksum")
    extra = set(found) - {MANIFEST} - {item.get("member") for item in listed}
    if extra:
        raise BackupError(f"{path.name}: members not in the manifest: {sorted(extra)[:5]}")
    return _Checked(manifest, {name: file for name, (file, _s, _d) in found.items()})


def _compatible(manifest: dict[str, Any], name: str) -> None:
    vendor = manifest["database"].get("vendor")
    if vendor != connection.vendor:
        raise BackupError(
            f"{name}: made from a {vendor} database; this site uses {connection.vendor}"
        )
    known = MigrationLoader(connection, ignore_no_migrations=True).disk_migrations
    unknown = [
        f"{app}.{migration}"
        for app, names in manifest.get("migrations", {}).items()
        for migration in names
        if (app, migration) not in known
    ]
    if unknown:
        raise BackupError(
            f"{name}: made by a newer Territori (migrations unknown here: {unknown[:3]})"
        )


def _restore_database(manifest: dict[str, Any], copy: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(copy)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    arguments, environment = _pg_arguments()
    connection.close()  # no open transaction of ours in the way
    command = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        *arguments,
        "--dbname",
        str(connection.settings_dict["NAME"]),
        str(copy),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, env=environment)
    if completed.returncode != 0:
        raise BackupError(f"pg_restore failed: {completed.stderr.strip()[:500]}")


def _restore_files(manifest: dict[str, Any], files: dict[str, Path]) -> int:
    for alias in STORAGES:
        storage = storages[alias]
        for name in list(_walk(storage)):
            storage.delete(name)
    for item in manifest.get("files", []):
        storage = storages[item["storage"]]
        with files[item["member"]].open("rb") as handle:
            saved = storage.save(item["name"], File(handle))
        if saved != item["name"]:
            raise BackupError(f"the storage renamed {item['name']!r} to {saved!r}")
    return len(manifest.get("files", []))


def backup_check(*, path: Path) -> dict[str, Any]:
    """The manifest of a verified archive that this site can restore."""
    with tempfile.TemporaryDirectory() as folder:
        checked = _check(path, Path(folder))
    _compatible(checked.manifest, path.name)
    return checked.manifest


def backup_restore(*, path: Path) -> dict[str, Any]:
    """Put the archive's database and files back; everything is checked before."""
    from .pagecache import data_changed

    with tempfile.TemporaryDirectory() as folder:
        checked = _check(path, Path(folder))
        manifest = checked.manifest
        _compatible(manifest, path.name)
        _restore_database(manifest, checked.files[manifest["database"]["member"]])
        _restore_files(manifest, checked.files)
    data_changed()
    return manifest
