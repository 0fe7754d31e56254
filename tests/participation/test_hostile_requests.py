"""Hostile requests to the comment, follow, delegation and notification views and the new
API lists: wrong ids, text for numbers, huge numbers, forged cursors and tokens. Each gets
a 4xx, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.worlds import Forum

pytestmark = pytest.mark.django_db


def test_hostile_requests_never_answer_500(forum: Forum, client: Client) -> None:
    client.force_login(forum.participants[0])
    c = forum.contributions[1].pk
    big = 10**30
    urls = [
        (
            "post",
            f"/partecipa/commenti/contribution/{c}/",
            {"body": "x", "parent": str(big), "consent": "on"},
        ),
        (
            "post",
            f"/partecipa/commenti/contribution/{c}/",
            {"body": "1e308", "parent": "NaN", "consent": "on"},
        ),
        ("post", f"/partecipa/commenti/contribution/{big}/", {"body": "x"}),
        ("post", f"/partecipa/commento/{big}/segnala/", {"reason": "spam"}),
        ("post", f"/partecipa/segui/process/{big}/", {}),
        ("post", "/account/organizzazioni/", {"form": "revoke", "delegation": str(big)}),
        (
            "post",
            "/account/organizzazioni/",
            {"form": "invite", "organisation": "abc", "email": "a@b.it", "role": "delegate"},
        ),
        (
            "post",
            "/partecipa/organizzazioni/richiesta/",
            {"organisation": str(big), "consent": "on"},
        ),
        ("post", "/account/notifiche/", {"form": "digest", "digest": "x" * 10000}),
        ("get", "/partecipa/organizzazioni/invito/" + "a" * 500 + "/", None),
        ("get", "/account/notifiche/disiscriviti/" + "a" * 500 + "/", None),
        ("get", f"/api/v1/participation/comments?target_id={big}", None),
        ("get", "/api/v1/participation/comments?target_kind=planet", None),
        ("get", "/api/v1/indicators/observations?cursor=WzFdCg", None),
        ("get", "/api/v1/indicators/observations?cursor=" + "A" * 1900, None),
        ("get", "/indicatori/?pagina=1e308", None),
        ("get", "/indicatori/?pagina=-1", None),
        ("get", "/partecipa/dibattiti/nessuno/", None),
        ("post", "/partecipa/priorita/nessuna/", {"punti-1": "9" * 5000}),
        ("get", "/partecipa/priorita/nessuna/risultati.xlsx", None),
        ("get", "/partecipa/questionari/inviti/stop/" + "a" * 500 + "/", None),
        ("post", "/partecipa/questionari/inviti/stop/" + "a" * 500 + "/", {}),
        ("get", "/account/identita/" + "x" * 300 + "/", None),
        ("get", "/account/identita/spid/ritorno/?code=" + "a" * 5000 + "&state=x", None),
        ("post", f"/account/identita/scollega/{big}/", {}),
        ("get", f"/partecipa/processi/{'x' * 70}/esiti/", None),
        ("get", "/api/v1/participation/prioritisations/" + "x" * 300 + "/results", None),
        ("get", "/api/v1/participation/outcomes?process=" + "x" * 300, None),
    ]
    for method, url, data in urls:
        r = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert r.status_code < 500, (url, r.status_code)
