"""`territori publiccode` writes a publiccode.yml that the standard's JSON Schema accepts, and
refuses to write one without the facts only the publisher knows (repository, maintainers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from territori.cli.publiccode import PubliccodeError, build, render

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "publiccode"
SCHEMA = json.loads((FIXTURES / "publiccode.schema.json").read_text())
URL = "https://example.org/amministrazione/territori"  # the test's own address


def problems(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]


def written(**options: Any) -> dict[str, Any]:
    """The document as it is read back from the YAML text the command writes."""
    return yaml.safe_load(render(build(url=URL, **options)))


def test_the_schema_accepts_a_valid_example_and_refuses_a_broken_one() -> None:
    example = json.loads((FIXTURES / "schemastore-minimum.json").read_text())
    assert problems(example) == []
    assert problems({**example, "developmentStatus": "finished"})
    assert problems({**example, "url": "not a url"})
    del example["maintenance"]
    assert problems(example)


@pytest.mark.parametrize(
    "options",
    [
        {"maintenance": "internal", "contacts": ["Persona Di Prova <persona@example.org>"]},
        {
            "maintenance": "contract",
            "contractor": "Impresa di prova",
            "contract_until": "2027-12-31",
            "ipa": "c_prova",
        },
        {"maintenance": "none"},
    ],
)
def test_the_written_file_is_valid(options: dict[str, Any]) -> None:
    document = written(**options)
    assert problems(document) == []
    assert document["url"] == URL
    assert document["legal"]["license"] == "AGPL-3.0-or-later"  # from the package's metadata
    assert set(document["description"]) == {"it", "en"}
    assert document["localisation"]["availableLanguages"] == ["it", "en"]
    for language in ("it", "en"):
        text = document["description"][language]
        # the standard's own limits (publiccode.yml 0.5: long description 500-10,000
        # characters, features of at most 100), stricter than the schema's
        assert 500 <= len(text["longDescription"]) <= 10_000
        assert all(len(feature) <= 100 for feature in text["features"])


def test_missing_or_malformed_facts_are_named() -> None:
    cases = {
        "--url": {"url": "http://example.org/territori", "maintenance": "none"},
        "--contact": {"url": URL, "maintenance": "internal"},
        "--contractor": {"url": URL, "maintenance": "contract"},
        "--until": {
            "url": URL,
            "maintenance": "contract",
            "contractor": "Impresa",
            "contract_until": "31/12/2027",
        },
        "--ipa": {"url": URL, "maintenance": "none", "ipa": "c prova;"},
    }
    for option, kwargs in cases.items():
        with pytest.raises(PubliccodeError, match=option):
            build(**kwargs)
    with pytest.raises(PubliccodeError, match="--contact"):
        build(url=URL, maintenance="internal", contacts=["solo un nome"])
    with pytest.raises(PubliccodeError, match="--url"):
        build(url="https://utente:segreto@example.org/territori", maintenance="none")


def test_the_command_writes_the_file_or_says_what_is_missing(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "territori.cli.main", "publiccode"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": ""}  # no Django needed
    target = tmp_path / "publiccode.yml"
    done = subprocess.run(
        [*command, "--url", URL, "--maintenance", "none", "--output", str(target)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert problems(yaml.safe_load(target.read_text())) == []
    refused = subprocess.run(
        [*command, "--maintenance", "internal"], capture_output=True, text=True, env=env
    )
    assert refused.returncode == 2 and "--url" in refused.stderr
    refused = subprocess.run(
        [*command, "--url", URL, "--maintenance", "internal", "--output", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert refused.returncode == 2 and "--contact" in refused.stderr
    assert not (tmp_path / "x").exists()  # nothing written half-way
