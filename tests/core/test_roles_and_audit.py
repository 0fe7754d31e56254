"""Roles as groups, permissions per role, and the audit log of admin edits."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from territori.core.models import AuditEntry
from territori.core.roles import ADMINISTRATOR, ANALYST, EDITOR, MODERATOR, roles_ensure
from territori.frameworks.models import Link, Node
from territori.territories.models import Membership, Territory
from tests.conftest import count_queries
from tests.factories import FrameworkFactory, NodeFactory, home_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    roles_ensure()

    def make(role: str):
        user = django_user_model.objects.create_user(f"user-{role}", password="x", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (
            EDITOR,
            ["frameworks.change_node", "frameworks.add_link", "core.view_auditentry"],
            [
                "territories.change_territory",
                "territories.add_membership",
                "frameworks.delete_framework",
            ],
        ),
        (
            ANALYST,
            [
                "territories.change_territory",
                "territories.add_membership",
                "frameworks.add_framework",
            ],
            ["frameworks.delete_link", "auth.add_user"],
        ),
        (
            MODERATOR,
            ["frameworks.view_node"],
            ["frameworks.change_node", "territories.change_territory", "core.view_auditentry"],
        ),
        (
            ADMINISTRATOR,
            ["auth.add_user", "frameworks.delete_framework", "territories.delete_membership"],
            ["core.change_auditentry"],
        ),
    ],
)
def test_each_role_has_exactly_its_permissions(staff, role, allowed, denied):
    user = staff(role)
    for permission in allowed:
        assert user.has_perm(permission), permission
    for permission in denied:
        assert not user.has_perm(permission), permission


def test_roles_ensure_is_idempotent():
    first = roles_ensure()
    assert roles_ensure() == first
    assert Group.objects.filter(name__in=[ADMINISTRATOR, EDITOR, ANALYST, MODERATOR]).count() == 4


@pytest.fixture
def agenda() -> list[Node]:
    """An agenda of one area with two Missions whose titles are still to be written."""
    framework = FrameworkFactory(code="agenda-prova", role="agenda")
    area = NodeFactory(framework=framework, level="ambito", code="A1")
    return [
        NodeFactory(
            framework=framework,
            level="obiettivo",
            parent=area,
            code=code,
            title_it=f"Missione {code} — titolo da completare",
        )
        for code in ("2.1", "2.2")
    ]


def test_editor_edits_a_node_in_the_admin_and_the_change_is_audited(client, staff, agenda):
    editor = staff(EDITOR)
    client.force_login(editor)
    node = agenda[0]
    url = f"/admin/frameworks/node/{node.pk}/change/"
    assert client.get(url).status_code == 200
    data = {
        "framework": node.framework_id,
        "parent": node.parent_id,
        "level": node.level,
        "code": node.code,
        "title_it": "Missione 2.1 — titolo ufficiale",
        "title_en": "",
        "description_it": "",
        "description_en": "",
        "order": node.order,
        "status": "confirmed",
        "source": "Atto di prova",
        "attributes": "{}",
        "links_out-TOTAL_FORMS": "0",
        "links_out-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    node.refresh_from_db()
    assert node.title_it == "Missione 2.1 — titolo ufficiale"
    assert "titolo ufficiale" in node.search_text
    entry = AuditEntry.objects.filter(model="frameworks.node", object_id=str(node.pk)).latest("id")
    assert entry.actor == editor
    assert entry.channel == "admin"
    assert entry.before["title_it"].endswith("titolo da completare")
    assert entry.after["status"] == "confirmed"
    # the log is visible in the back office, read only
    assert client.get(f"/admin/core/auditentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403


def test_inline_rows_edited_in_the_admin_are_audited_one_by_one(client, staff, agenda):
    from territori.publication.models import Report, ReportCommentary

    analyst = staff(ANALYST)
    client.force_login(analyst)
    report = Report.objects.create(year=1993, title_it="Rapporto di prova")
    first, second = agenda
    kept = ReportCommentary.objects.create(report=report, node=first, text_it="prima")
    url = f"/admin/publication/report/{report.pk}/change/"
    form = {
        "year": "1993",
        "title_it": "Rapporto di prova",
        "title_en": "",
        "introduction_it": "",
        "introduction_en": "",
        "data_status": report.data_status,
        "commentaries-TOTAL_FORMS": "2",
        "commentaries-INITIAL_FORMS": "1",
        "commentaries-MIN_NUM_FORMS": "0",
        "commentaries-MAX_NUM_FORMS": "1000",
        "commentaries-0-id": str(kept.pk),
        "commentaries-0-report": str(report.pk),
        "commentaries-0-node": str(first.pk),
        "commentaries-0-text_it": "dopo",
        "commentaries-0-text_en": "",
        "commentaries-1-report": str(report.pk),
        "commentaries-1-node": str(second.pk),
        "commentaries-1-text_it": "nuovo commento",
        "commentaries-1-text_en": "",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    entries = AuditEntry.objects.filter(model="publication.reportcommentary", actor=analyst)
    changed = entries.get(object_id=str(kept.pk))
    assert changed.channel == "admin" and changed.action == AuditEntry.Action.UPDATE
    assert changed.before["text_it"] == "prima" and changed.after["text_it"] == "dopo"
    added = ReportCommentary.objects.get(report=report, node=second)
    assert added.updated_by == analyst
    assert entries.get(object_id=str(added.pk)).action == AuditEntry.Action.CREATE
    form.update({"commentaries-0-text_it": "dopo", "commentaries-0-DELETE": "on"})
    form.update({"commentaries-TOTAL_FORMS": "1"})
    assert client.post(url, form).status_code == 302
    removed = entries.get(object_id=str(kept.pk), action=AuditEntry.Action.DELETE)
    assert removed.before["text_it"] == "dopo" and removed.after is None
    assert not ReportCommentary.objects.filter(pk=kept.pk).exists()


def test_analyst_cannot_edit_nodes_text_but_can_edit_memberships(client, staff):
    home_tree(comuni={"001316": "Mappano"}, zones=(4,), members={"001316": 4})
    client.force_login(staff(MODERATOR))
    node = NodeFactory(framework=FrameworkFactory(code="sdg"), code="1")
    assert client.get(f"/admin/frameworks/node/{node.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/frameworks/node/{node.pk}/change/", {}).status_code == 403
    client.force_login(staff(ANALYST))
    membership = Membership.objects.filter(member__name="Mappano").get()
    response = client.post(
        f"/admin/territories/membership/{membership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(model="territories.membership", action="delete").latest("id")
    assert entry.before["member_id"] == Territory.objects.get(name="Mappano").pk
    assert entry.after is None


def _grow_admin_lists(*, actor) -> None:
    """More of every row the admin lists show, each pointing at other rows (parents,
    frameworks, members)."""
    framework = FrameworkFactory(code="crescita")
    parent = NodeFactory(framework=framework, code="G")
    italy = Territory.objects.get(code="IT")
    zone = Territory.objects.filter(kind=Territory.Kind.ZONA).first()
    for n in range(5):
        node = NodeFactory(framework=framework, code=f"G.{n}", parent=parent)
        Link.objects.create(source_node=parent, target_node=node, kind=Link.Kind.CONTRIBUTES_TO)
        comune = Territory.objects.create(
            code=f"0019{n:02d}", kind=Territory.Kind.COMUNE, name=f"Comune {n}", parent=italy
        )
        Membership.objects.create(member=comune, group=zone, valid_from="2000-01-01")
        AuditEntry.objects.create(
            actor=actor, model="frameworks.node", object_id=str(node.pk), action="create"
        )


def test_admin_lists_make_as_many_queries_with_more_rows(client, staff, frameworks) -> None:
    administrator = staff(ADMINISTRATOR)
    client.force_login(administrator)
    urls = (
        "/admin/frameworks/node/",
        "/admin/frameworks/link/",
        "/admin/territories/territory/",
        "/admin/territories/membership/",
        "/admin/core/auditentry/",
        "/admin/frameworks/framework/",
    )
    before = [count_queries(client, url) for url in urls]
    _grow_admin_lists(actor=administrator)
    assert [count_queries(client, url) for url in urls] == before
