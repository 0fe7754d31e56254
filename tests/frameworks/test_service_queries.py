"""A framework import makes the same number of queries however many nodes and links a file
holds: nodes are written one insert per depth of the tree, links in one insert."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territori.frameworks.models import Link, Node
from territori.frameworks.services import framework_file_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _goals() -> None:
    """The 17 SDG goals the links point to (the demo's real file)."""
    from territori.demo.files import demo_file

    framework_file_import(data=demo_file(name="sdg.yaml"), filename="sdg.yaml")


def _document(code: str, axes: int) -> bytes:
    nodes = "".join(
        f"  - code: A{n}\n    level: asse\n    title_it: Asse {n}\n    children:\n"
        f"      - {{code: A{n}.1, level: azione, title_it: Azione {n}.1}}\n"
        f"      - {{code: A{n}.2, level: azione, title_it: Azione {n}.2}}\n"
        for n in range(axes)
    )
    links = "".join(
        f'  - {{from: "{code}:A{n}.1", to: "sdg:{n % 17 + 1}", kind: contributes_to}}\n'
        for n in range(axes)
    )
    return (
        f"framework:\n  code: {code}\n  name_it: Piano {code}\n  levels:\n"
        "    - {code: asse, it: Asse, en: Axis}\n    - {code: azione, it: Azione, en: Action}\n"
        f"nodes:\n{nodes}links:\n{links}"
    ).encode()


def _queries(code: str, axes: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = framework_file_import(data=_document(code, axes), filename=f"{code}.yaml")
    assert report.nodes_created in (0, 3 * axes)
    return len(captured)


def test_a_framework_costs_the_same_for_6_or_60_nodes_and_again_for_nothing() -> None:
    # (60 nodes and 20 links stay within one SQLite insert batch of 999 values)
    small, large = _queries("piano-piccolo", 2), _queries("piano-grande", 20)
    assert large == small
    assert Node.objects.filter(framework__code="piano-grande", depth=1).count() == 40
    assert Node.objects.get(framework__code="piano-grande", code="A19.2").parent.code == "A19"
    assert Link.objects.filter(source_node__framework__code="piano-grande").count() == 20
    # the same file again changes nothing and reads what it needs in as many queries
    assert _queries("piano-piccolo", 2) == _queries("piano-grande", 20)
