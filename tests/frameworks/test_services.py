"""Framework imports: all-or-nothing, idempotent, audited."""

from __future__ import annotations

import pytest

from territori.core.models import AuditEntry
from territori.demo.files import demo_file
from territori.frameworks.models import Framework, Link, Node
from territori.frameworks.selectors import framework_document
from territori.frameworks.services import framework_file_import
from territori.io.errors import InputValidationError
from territori.io.frameworks import write_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sdg() -> None:
    """The 17 SDG goals (the demo's real file, through the importer): the files link to them."""
    framework_file_import(data=demo_file(name="sdg.yaml"), filename="sdg.yaml")


def test_import_creates_then_second_import_changes_nothing(fixture_bytes, django_user_model):
    # Given an analyst and a valid file
    analyst = django_user_model.objects.create_user("analyst-1")
    data = fixture_bytes("frameworks", "good.yaml")
    # When it is imported twice
    first = framework_file_import(data=data, filename="good.yaml", actor=analyst)
    audit_count = AuditEntry.objects.count()
    second = framework_file_import(data=data, filename="good.yaml", actor=analyst)
    # Then the first creates everything, the second changes nothing and logs nothing
    assert (first.frameworks_created, first.nodes_created, first.links_created) == (1, 4, 1)
    assert second.changes == 0
    assert second.nodes_unchanged == 4
    assert second.links_unchanged == 1
    assert AuditEntry.objects.count() == audit_count
    child = Node.objects.get(framework__code="test-plan", code="A.1")
    assert child.parent is not None
    assert child.parent.code == "A"
    assert child.depth == 1
    entry = AuditEntry.objects.filter(model="frameworks.node", object_id=str(child.pk)).get()
    assert entry.actor == analyst
    assert entry.action == "create"
    assert entry.after["title_it"] == "Azione A.1"


def test_a_changed_title_is_updated_and_audited_with_before_and_after(fixture_bytes):
    data = fixture_bytes("frameworks", "good.yaml")
    framework_file_import(data=data, filename="good.yaml")
    changed = data.replace(b"title_it: Asse B", b"title_it: Asse B rivisto")
    report = framework_file_import(data=changed, filename="good.yaml")
    assert report.nodes_updated == 1
    assert report.nodes_unchanged == 3
    node = Node.objects.get(framework__code="test-plan", code="B")
    entry = AuditEntry.objects.filter(
        model="frameworks.node", object_id=str(node.pk), action="update"
    ).get()
    assert (entry.before["title_it"], entry.after["title_it"]) == ("Asse B", "Asse B rivisto")
    assert entry.changed_fields == ["title_it"]


def test_a_broken_file_writes_nothing_and_names_every_row(fixture_bytes):
    counts = (
        Framework.objects.count(),
        Node.objects.count(),
        Link.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(InputValidationError) as caught:
        framework_file_import(
            data=fixture_bytes("frameworks", "broken.yaml"), filename="broken.yaml"
        )
    assert len(caught.value.errors) >= 8
    assert "row 9, field 'code': duplicate code" in str(caught.value)
    assert (
        Framework.objects.count(),
        Node.objects.count(),
        Link.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_csv_adds_targets_under_existing_sdg_goals(fixture_bytes):
    report = framework_file_import(
        data=fixture_bytes("frameworks", "good.csv"), filename="good.csv"
    )
    assert report.nodes_created == 2
    target = Node.objects.get(framework__code="sdg", code="9.2")
    assert target.parent is not None
    assert target.parent.code == "9"
    assert target.description_it == "Target 9.2"
    assert "sdg:1" in report.nodes_not_in_file


def test_dry_run_reports_but_writes_nothing(fixture_bytes):
    before = Node.objects.count()
    report = framework_file_import(
        data=fixture_bytes("frameworks", "good.yaml"), filename="good.yaml", dry_run=True
    )
    assert report.nodes_created == 4
    assert Node.objects.count() == before


def test_moving_a_node_under_its_own_descendant_is_a_cycle(fixture_bytes):
    framework_file_import(data=fixture_bytes("frameworks", "good.yaml"), filename="good.yaml")
    csv = b"framework,code,parent_code,level,title_it,title_en,description\ntest-plan,A,A.1,asse,Asse A,,\n"
    with pytest.raises(InputValidationError) as caught:
        framework_file_import(data=csv, filename="move.csv")
    assert caught.value.errors[0].field == "parent_code"
    assert "cycle" in caught.value.errors[0].message


def test_export_then_import_of_the_agenda_is_a_no_op(frameworks):
    document = framework_document(code="amsvs-torino")
    assert len(document.nodes) == 27  # 6 MAS + 21 Missions
    report = framework_file_import(data=write_yaml(document), filename="agenda.yaml")
    assert report.changes == 0
