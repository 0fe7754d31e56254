"""The container set-up as files: what docs/operations.md promises of it holds in the files
(the images themselves are built and started by scripts/compose_smoke.sh where Docker is)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_compose_file_runs_every_part_with_a_health_check() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "proxy"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    # web and worker: one image, the shared database and Redis
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        assert (
            environment["DATABASE_URL"].startswith("postgres://")
            and "@db:5432/" in environment["DATABASE_URL"]
        )
        assert environment["TERRITORI_REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["image"] == "territori:latest"
    assert services["worker"]["command"] == ["territori", "worker"]
    # the proxy reads static and public files, never the data volume with private uploads
    mounts = [volume.split(":")[0] for volume in services["proxy"]["volumes"]]
    assert "static" in mounts and "media" in mounts and "data" not in mounts
    assert all(
        volume.endswith(":ro")
        for volume in services["proxy"]["volumes"]
        if not volume.startswith("caddy")
    )


def test_the_image_is_multi_stage_and_runs_as_a_plain_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, flags=re.MULTILINE)
    assert stages == ["assets", "build", "runtime"]
    runtime = dockerfile.split("AS runtime", 1)[1]
    assert re.search(r"^USER territori$", runtime, flags=re.MULTILINE)
    assert "HEALTHCHECK" in runtime and "/salute/" in runtime
    assert "npm ci --omit=dev" in dockerfile  # no test tools in the image
    assert "gcc" not in runtime and "build-essential" not in runtime


def test_the_proxy_keeps_private_uploads_to_the_app() -> None:
    caddy = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "root * /srv/static" in caddy and "root * /srv/media" in caddy
    assert (
        "/var/lib/territori" not in caddy
        and "private" not in caddy.split("{$TERRITORI_DOMAIN}", 1)[1]
    )
    assert "reverse_proxy web:8000" in caddy
