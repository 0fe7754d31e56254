"""Pages and news (Markdown, drafts, two languages, feeds) and the site search, which runs on
FTS5 under SQLite and on tsvector under PostgreSQL through one interface."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from territori.publication.models import Page, SearchEntry
from territori.publication.search import KINDS, search, search_paused, search_rebuild
from territori.publication.services import page_publish

from ..conftest import assert_same_queries
from ..worlds import Site

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_page_markdown_is_rendered_and_sanitised(client: Client) -> None:
    Page.objects.create(
        slug="prova",
        kind=Page.Kind.PAGE,
        title_it="Prova",
        body_it="## Titolo\n\n![Mappa](/media/pagine/mappa.png)\n\n<script>alert(1)</script>"
        "\n\n[link](javascript:alert(1)) e **grassetto**",
        published=True,
        published_at=timezone.now(),
    )
    page = client.get("/pagine/prova/").content.decode()
    assert "<h2>Titolo</h2>" in page and "<strong>grassetto</strong>" in page
    assert '<img alt="Mappa" src="/media/pagine/mappa.png">' in page
    assert "<script>alert" not in page and "javascript:" not in page


def test_drafts_are_hidden_from_the_public_and_shown_to_editors(
    client: Client, django_user_model: Any, site: Site
) -> None:
    from django.contrib.auth.models import Group

    from territori.core.roles import EDITOR

    assert client.get("/pagine/bozza-newsletter/").status_code == 404
    assert "Bozza" not in client.get("/notizie/").content.decode()
    editor = django_user_model.objects.create_user("editor-pages", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(editor)
    assert "non è pubblicata" in client.get("/pagine/bozza-newsletter/").content.decode()


def test_pages_speak_english_at_english_addresses(client: Client, site: Site) -> None:
    page = client.get("/en/pagine/dati-aperti/").content.decode()
    assert "Open data and reuse" in page and "What can be downloaded" in page


def test_rss_and_atom_list_published_news_newest_first(client: Client, site: Site) -> None:
    rss = ET.fromstring(client.get("/notizie/rss.xml").content)
    titles = [item.findtext("title") for item in rss.iter("item")]
    news = Page.objects.filter(published=True, kind=Page.Kind.NEWS).order_by("-published_at")
    assert titles == [item.title_it for item in news]
    assert not any("Bozza" in title for title in titles)
    atom = ET.fromstring(client.get("/en/notizie/atom.xml").content)
    entries = [entry.findtext(f"{ATOM}title") for entry in atom.iter(f"{ATOM}entry")]
    assert entries == [item.title_en for item in news]
    assert atom.find(f"{ATOM}entry/{ATOM}updated") is not None


def _urls(query: str, **kwargs: Any) -> list[str]:
    return [entry.url for entry in search(query, language="it", kinds=[], **kwargs).entries]


def test_search_runs_on_this_database(client: Client, site: Site) -> None:
    assert connection.vendor in ("sqlite", "postgresql")
    results = search("torino", kinds=[], language="it")
    assert results.total > 0 and results.entries
    assert set(results.counts) <= set(KINDS)


def test_search_ignores_accents_and_case(site: Site) -> None:
    assert "/territori/001130/" in _urls("leini")
    assert "/territori/001130/" in _urls("LEINÌ")


def test_search_matches_word_prefixes_and_every_word(site: Site) -> None:
    assert "/quadri/agenda-prova/1.1/" in _urls("green econ")
    assert _urls("green zzzzqq") == []


def test_title_matches_rank_above_text_matches() -> None:
    SearchEntry.objects.bulk_create(
        [
            SearchEntry(
                kind="page",
                key="a",
                language="it",
                title="Altro",
                body="quokka " * 3,
                url="/a/",
                title_terms="altro",
                body_terms="quokka quokka quokka",
            ),
            SearchEntry(
                kind="page",
                key="b",
                language="it",
                title="Quokka",
                body="altro",
                url="/b/",
                title_terms="quokka",
                body_terms="altro",
            ),
        ]
    )
    assert _urls("quokka") == ["/b/", "/a/"]


def test_filter_by_type_and_counts_by_type(site: Site) -> None:
    everything = search("torino", kinds=[], language="it")
    only = search("torino", kinds=["territory"], language="it")
    assert {entry.kind for entry in only.entries} == {"territory"}
    assert only.total == everything.counts["territory"] < everything.total
    assert search("torino", kinds=["planet"], language="it").total == everything.total


def test_english_search_finds_english_titles(site: Site) -> None:
    results = search("open data reuse", kinds=["page"], language="en")
    assert [entry.url for entry in results.entries] == ["/en/pagine/dati-aperti/"]


@pytest.mark.parametrize(
    "query", ['"', "AND OR NOT", "*", "a:b", "NEAR(x y)", "'; DROP TABLE x; --", "-", "()"]
)
def test_search_syntax_in_the_query_is_never_an_error(client: Client, query: str) -> None:
    assert client.get("/cerca/", {"q": query}).status_code == 200


def test_publishing_a_page_makes_it_findable_and_unpublishing_hides_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = Page.objects.create(
            slug="ornitorinco", title_it="Ornitorinco", title_en="Platypus", body_it="testo"
        )
    assert _urls("ornitorinco") == []
    with django_capture_on_commit_callbacks(execute=True):
        page_publish(page=page, actor=None)
    assert _urls("ornitorinco") == ["/pagine/ornitorinco/"]
    with django_capture_on_commit_callbacks(execute=True):
        page.published = False
        page.save()
    assert _urls("ornitorinco") == []


def test_changes_reach_the_index_when_their_transaction_commits(
    django_capture_on_commit_callbacks: Any, site: Site
) -> None:
    from territori.atlas.models import Project

    project = Project.objects.order_by("pk").first()
    assert project is not None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        project.title = "Rinoceronte lanoso"
        project.save()
        assert _urls("rinoceronte") == []  # not before the commit
    for callback in callbacks:
        callback()
    url = f"/atlante/progetti/{project.code}/"
    assert _urls("rinoceronte") == [url]
    with django_capture_on_commit_callbacks(execute=True):
        project.delete()
    assert _urls("rinoceronte") == []


def test_a_rolled_back_change_leaves_the_index_as_the_database_is(
    django_capture_on_commit_callbacks: Any, site: Site
) -> None:
    from django.db import transaction

    from territori.atlas.models import Network

    network = Network.objects.order_by("pk").first()
    assert network is not None
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                network.name = "Armadillo"
                network.save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        Page.objects.create(slug="altro", title_it="Altro", published=True)  # another commit
    network.refresh_from_db()
    assert _urls("armadillo") == []
    found = search(network.name, kinds=["network"], language="it").entries
    assert network.name in [entry.title for entry in found]


def test_bulk_loads_can_pause_the_index_and_rebuild_it(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), search_paused():
        Page.objects.create(slug="lemure", title_it="Lemure", published=True)
    assert _urls("lemure") == []
    search_rebuild()
    assert _urls("lemure") == ["/pagine/lemure/"]


def test_hidden_contributions_leave_the_index(
    django_capture_on_commit_callbacks: Any, site: Site
) -> None:
    from territori.participation.models import Contribution
    from territori.participation.services import contribution_hide

    contribution = Contribution.objects.filter(hidden_at__isnull=True).first()
    assert contribution is not None
    with django_capture_on_commit_callbacks(execute=True):
        contribution.title = "Tapiro"
        contribution.save()
    assert _urls("tapiro") == [f"/partecipa/contributi/{contribution.pk}/"]
    with django_capture_on_commit_callbacks(execute=True):
        contribution_hide(contribution=contribution, reason="fuori tema", actor=None)  # type: ignore[arg-type]
    assert _urls("tapiro") == []


def test_every_kind_is_indexed(site: Site) -> None:
    indexed = set(SearchEntry.objects.values_list("kind", flat=True))
    assert indexed == set(KINDS)


def test_search_page_lists_results_with_type_filters(client: Client, site: Site) -> None:
    page = client.get("/cerca/", {"q": "torino", "tipo": "territory"}).content.decode()
    assert 'id="tipo-territory" name="tipo" value="territory" checked' in page
    assert "/territori/001272/" in page
    assert "0 risultati" in client.get("/cerca/?q=zzzzzz").content.decode()


def test_publication_pages_make_the_same_queries_however_many_items(
    client: Client, django_capture_on_commit_callbacks: Any, site: Site
) -> None:
    from ..factories import NewsFactory

    def more_news() -> None:
        with django_capture_on_commit_callbacks(execute=True):  # the search index follows
            for _n in range(2):
                NewsFactory(title_it="Torino notizia di prova", body_it="Torino, testo.")

    for url in (
        "/cerca/?q=torino",
        "/cerca/?q=torino&tipo=node&tipo=page",
        "/notizie/",
        "/notizie/rss.xml",
        "/pubblicazioni/",
    ):
        assert_same_queries(client, url, more_news)
