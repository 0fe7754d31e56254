"""`territori publiccode`: write the publiccode.yml that Developers Italia's catalogue reads.

What is a fact about the software (its name, descriptions in both languages, features,
licence, languages, platforms) is in `publiccode.yaml` beside this module and in the
package's metadata. Two facts only the publisher knows, and no default stands in for them:
the address of the public repository (`--url`) and who maintains it (`--maintenance` with
`--contact` people or a `--contractor`). The command refuses to write the file without
them, naming what is missing. No database and no Django.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

#: The standard's version this file follows, and its Italian extension's.
PUBLICCODE_VERSION = "0.5"
TEXTS = Path(__file__).with_name("publiccode.yaml")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
CONTACT = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>]+)>\s*$")
MAINTENANCE = ("internal", "contract", "community", "none")


class PubliccodeError(ValueError):
    """A missing or malformed fact, named by its option."""


def repository_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or parts.username or parts.password:
        raise PubliccodeError(
            f"--url: {value!r} is not the public repository's https:// address "
            "(without user or password)"
        )
    return value


def contact(value: str, affiliation: str = "") -> dict[str, str]:
    """ "First Last <name@example.org>" → the standard's contact (a real person)."""
    match = CONTACT.match(value)
    if match is None or not EMAIL.match(match.group("email")):
        raise PubliccodeError(
            f"--contact: {value!r} is not written as 'First Last <name@example.org>'"
        )
    found = {"name": match.group("name"), "email": match.group("email")}
    if affiliation:
        found["affiliation"] = affiliation
    return found


def until(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise PubliccodeError(f"--until: {value!r} is not a date YYYY-MM-DD") from None


def build(
    *,
    url: str,
    maintenance: str,
    contacts: Sequence[str] = (),
    affiliation: str = "",
    contractor: str = "",
    contract_until: str = "",
    ipa: str = "",
    landing_url: str = "",
) -> dict[str, Any]:
    """The publiccode.yml document, or PubliccodeError naming the first missing fact."""
    if maintenance not in MAINTENANCE:
        raise PubliccodeError(f"--maintenance: one of {', '.join(MAINTENANCE)}")
    texts = yaml.safe_load(TEXTS.read_text(encoding="utf-8"))
    document: dict[str, Any] = {
        "publiccodeYmlVersion": PUBLICCODE_VERSION,
        "name": texts["name"],
        "url": repository_url(url),
    }
    if landing_url:
        document["landingURL"] = repository_url(landing_url)
    meta = importlib.metadata.metadata("territori")
    document.update({key: texts[key] for key in ("platforms", "categories", "developmentStatus")})
    document["softwareType"] = texts["softwareType"]
    document["intendedAudience"] = texts["intendedAudience"]
    document["description"] = texts["description"]
    document["legal"] = {"license": meta["License-Expression"] or meta["License"]}
    people = [contact(value, affiliation) for value in contacts]
    kept: dict[str, Any] = {"type": maintenance}
    if maintenance in ("internal", "community") and not people:
        raise PubliccodeError(
            f"--contact: maintenance {maintenance!r} needs at least one person who maintains "
            "Territori ('First Last <name@example.org>')"
        )
    if maintenance == "contract":
        if not contractor or not contract_until:
            raise PubliccodeError(
                "--contractor and --until: maintenance 'contract' needs who holds the "
                "contract and when it ends"
            )
        kept["contractors"] = [{"name": contractor, "until": until(contract_until)}]
    if people:
        kept["contacts"] = people
    document["maintenance"] = kept
    document["localisation"] = texts["localisation"]
    document["dependsOn"] = texts["dependsOn"]
    document["IT"] = dict(texts["IT"])
    if ipa:
        if not re.fullmatch(r"[A-Za-z0-9_]{2,20}", ipa):
            raise PubliccodeError(f"--ipa: {ipa!r} is not a codice IPA")
        document["IT"]["riuso"] = {"codiceIPA": ipa}
    return document


def render(document: dict[str, Any]) -> str:
    header = (
        "# publiccode.yml of Territori (https://github.com/publiccodeyml/publiccode.yml),\n"
        "# written by `territori publiccode`: change its options or the texts in\n"
        "# src/territori/cli/publiccode.yaml, then write it again.\n"
    )
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    return header + body


def run(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori publiccode",
        description="Write the publiccode.yml of the repository where Territori is published.",
    )
    parser.add_argument("--url", required=True, help="the public repository's https:// address")
    parser.add_argument("--landing-url", default="", help="a page about it, if --url is not one")
    parser.add_argument("--maintenance", required=True, choices=MAINTENANCE)
    parser.add_argument(
        "--contact",
        action="append",
        default=[],
        help="a person who maintains it: 'First Last <name@example.org>' (repeatable)",
    )
    parser.add_argument("--affiliation", default="", help="the contacts' administration")
    parser.add_argument("--contractor", default="", help="for --maintenance contract")
    parser.add_argument("--until", default="", help="end of the contract, YYYY-MM-DD")
    parser.add_argument("--ipa", default="", help="the publishing administration's codice IPA")
    parser.add_argument("--output", default="publiccode.yml", help="file to write, or -")
    args = parser.parse_args(argv)
    try:
        document = build(
            url=args.url,
            maintenance=args.maintenance,
            contacts=args.contact,
            affiliation=args.affiliation,
            contractor=args.contractor,
            contract_until=args.until,
            ipa=args.ipa,
            landing_url=args.landing_url,
        )
    except PubliccodeError as exc:
        parser.error(str(exc))
    text = render(document)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0
