"""Uploaded files on S3-compatible object storage (django-storages), against a fake S3
(moto): the files go through Django's storage API, so the health check, a private upload
and a backup's round trip work there as on the local disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client, override_settings

from territori.core.backup import _walk, backup_restore, backup_write

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "territori-prova"


def _s3(location: str) -> dict[str, Any]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "region_name": "eu-south-1",
            "default_acl": None,
            "file_overwrite": False,
            "location": location,
        },
    }


@pytest.fixture
def object_storage(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import boto3
    from moto import mock_aws

    for name, value in (
        ("AWS_ACCESS_KEY_ID", "prova"),
        ("AWS_SECRET_ACCESS_KEY", "prova"),
        ("AWS_DEFAULT_REGION", "eu-south-1"),
    ):
        monkeypatch.setenv(name, value)
    with mock_aws():
        boto3.client("s3", region_name="eu-south-1").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-south-1"}
        )
        from django.conf import settings

        stores = {**settings.STORAGES, "default": _s3("public"), "private": _s3("private")}
        with override_settings(STORAGES=stores):
            yield


def _objects() -> list[str]:
    import boto3

    listing = boto3.client("s3", region_name="eu-south-1").list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_private_and_public_files_are_objects_in_the_bucket(object_storage: None) -> None:
    assert type(storages["private"]).__name__ == "S3Storage"
    name = storages["private"].save("contributi/allegato.pdf", ContentFile(b"%PDF-1.4 prova"))
    storages["default"].save("pagine/foto.png", ContentFile(b"png"))
    assert _objects() == ["private/contributi/allegato.pdf", "public/pagine/foto.png"]
    with storages["private"].open(name) as handle:
        assert handle.read() == b"%PDF-1.4 prova"


def test_the_health_check_writes_reads_and_deletes_an_object(
    object_storage: None, client: Client
) -> None:
    body = client.get("/salute/").json()
    assert body["checks"]["storage"] == {
        "ok": True,
        "backend": "S3Storage",
        "milliseconds": body["checks"]["storage"]["milliseconds"],
    }
    assert _objects() == []  # the probe cleans up after itself


def test_a_backup_round_trip_through_the_bucket(object_storage: None, tmp_path: Path) -> None:
    storages["private"].save("contributi/a.pdf", ContentFile(b"primo"))
    storages["default"].save("pagine/b.png", ContentFile(b"secondo"))
    archive = tmp_path / "s3.tar.gz"
    assert backup_write(path=archive).files == 2
    storages["private"].delete("contributi/a.pdf")
    storages["default"].save("pagine/c.png", ContentFile(b"dopo"))
    backup_restore(path=archive)
    assert _objects() == ["private/contributi/a.pdf", "public/pagine/b.png"]
    assert sorted(_walk(storages["private"])) == ["contributi/a.pdf"]
