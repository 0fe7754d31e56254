"""Files built from the data once per version of the data, kept in the default storage and
served from there: the open-data ZIP and the datasets' Excel workbooks.

A file is kept under `open-data/<data version>/`; the version changes with every committed
write (core.pagecache), so a kept file is never older than the data. A file is built when it
is first asked for after a change (or beforehand by `open_data_build`, which the
recomputation task and `territori build-open-data` call); files of older versions are
deleted then.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages

from territori.core.pagecache import data_version

FOLDER = "open-data"


def _storage() -> Storage:
    return storages["default"]


def _prune(storage: Storage, version: str) -> None:
    try:
        folders, _files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for folder in folders:
        if folder == version:
            continue
        _subfolders, names = storage.listdir(f"{FOLDER}/{folder}")
        for name in names:
            storage.delete(f"{FOLDER}/{folder}/{name}")


def built_file(*, name: str, build: Callable[[IO[bytes]], None]) -> File[bytes]:
    """The file `name` for the current data, built (into a temporary file, never whole in
    memory) and kept if it is not there yet; open for reading."""
    if not settings.TERRITORI_KEEP_BUILT_FILES:  # tests, whose writes never commit
        scratch = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
        build(scratch)
        scratch.seek(0)
        return File(scratch, name=name)
    storage = _storage()
    version = data_version()
    path = f"{FOLDER}/{version}/{name}"
    if not storage.exists(path):
        with tempfile.TemporaryFile() as scratch:
            build(scratch)
            scratch.seek(0)
            saved = storage.save(path, File(scratch, name=name))
        if saved != path:  # another worker built it at the same time: keep one
            storage.delete(saved)
        _prune(storage, version)
    return storage.open(path)


def bulk_zip_file() -> File[bytes]:
    from . import catalogue, dataset_files

    jsonld = catalogue.catalogue_jsonld()
    return built_file(name="dati-aperti.zip", build=lambda out: dataset_files.bulk_zip(jsonld, out))


def dataset_xlsx_file(key: str) -> File[bytes]:
    from . import dataset_files
    from .datasets import DATASETS

    dataset = DATASETS[key]
    return built_file(
        name=f"{key}.xlsx", build=lambda out: dataset_files.dataset_xlsx(dataset, out)
    )


def open_data_build() -> list[str]:
    """Build every kept file for the current data now (the bulk ZIP and each workbook)."""
    from .datasets import DATASETS

    built = [bulk_zip_file()]
    built += [dataset_xlsx_file(key) for key in DATASETS]
    names = []
    for handle in built:
        names.append(str(handle.name))
        handle.close()
    return names
