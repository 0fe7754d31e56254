"""Frameworks are read as trees: Missions 1.1, 1.2 … 1.10 before 2.1, whatever the order of
the file or the codes' digits."""

from __future__ import annotations

import pytest

from territori.frameworks.models import Node
from territori.frameworks.services import framework_file_import
from territori.frameworks.tree import natural_key, tree_positions


def test_codes_are_read_with_their_numbers_as_numbers() -> None:
    codes = ["2.1", "1.10", "1.2", "SDG 17", "SDG 9", "D1-L1", "D1", "1.1"]
    assert sorted(codes, key=natural_key) == [
        "1.1",
        "1.2",
        "1.10",
        "2.1",
        "D1",
        "D1-L1",
        "SDG 9",
        "SDG 17",
    ]


def test_positions_read_the_tree_depth_first() -> None:
    # (pk, parent, order, code): two MAS with Missions, all of order 0, in a shuffled list
    nodes = [
        (5, 2, 0, "2.1"),
        (3, 1, 0, "1.10"),
        (1, None, 0, "1"),
        (4, 1, 0, "1.2"),
        (2, None, 0, "2"),
        (6, 1, 0, "1.1"),
        (7, 6, 0, "1.1.a"),
    ]
    positions = tree_positions(nodes)
    assert sorted(positions, key=positions.__getitem__) == [1, 6, 7, 4, 3, 2, 5]
    # the order given among siblings comes before the code
    assert tree_positions([(1, None, 2, "A"), (2, None, 1, "B")]) == {2: 1, 1: 2}
    # a node whose parent is absent is a root; a cycle never loops
    assert set(tree_positions([(1, 99, 0, "x"), (2, 3, 0, "y"), (3, 2, 0, "z")])) == {1, 2, 3}


@pytest.mark.django_db
def test_the_agenda_s_missions_are_listed_in_order(frameworks) -> None:
    missions = list(
        Node.objects.filter(framework__code="amsvs-torino", level="missione").values_list(
            "code", flat=True
        )
    )
    assert missions[:3] == ["1.1", "1.2", "1.3"]
    assert missions == sorted(missions, key=natural_key)


@pytest.mark.django_db
def test_a_second_import_keeps_the_positions_and_a_reordered_file_moves_them() -> None:
    text = (
        "framework:\n  code: piano\n  name_it: Piano\n  levels:\n"
        "    - {code: asse, it: Asse}\n    - {code: azione, it: Azione}\n"
        "nodes:\n"
        "  - {code: B, level: asse, title_it: B, order: 2}\n"
        "  - {code: A, level: asse, title_it: A, order: 1}\n"
        "  - {code: B.1, level: azione, parent_code: B, title_it: B.1}\n"
        "  - {code: A.1, level: azione, parent_code: A, title_it: A.1}\n"
    )
    framework_file_import(data=text.encode(), filename="piano.yaml")
    assert list(Node.objects.values_list("code", flat=True)) == ["A", "A.1", "B", "B.1"]
    framework_file_import(data=text.encode(), filename="piano.yaml")
    assert list(Node.objects.values_list("code", flat=True)) == ["A", "A.1", "B", "B.1"]
    swapped = text.replace("order: 2", "order: 9").replace("order: 1}", "order: 10}")
    framework_file_import(data=swapped.encode(), filename="piano.yaml")
    assert list(Node.objects.values_list("code", flat=True)) == ["B", "B.1", "A", "A.1"]
