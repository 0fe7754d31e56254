"""Public pages from the cache: served without touching the database, rebuilt after every
committed write (saves, bulk updates, deletes), kept after a rolled back one; never for
signed-in visitors, the back office or pages holding a CSRF token; revalidated by ETag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from territori.core import pagecache
from territori.publication.models import Page

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "/pagine/notizia-cache/"


@pytest.fixture(autouse=True)
def _cache_on() -> Iterator[None]:
    caches["pages"].clear()
    with override_settings(TERRITORI_PAGE_CACHE=True):
        yield
    caches["pages"].clear()


@pytest.fixture
def news() -> Page:
    return Page.objects.create(
        slug="notizia-cache",
        kind=Page.Kind.NEWS,
        title_it="Prima versione",
        title_en="First version",
        body_it="Testo.",
        published=True,
        published_at=timezone.now(),
    )


def _get(client: Client, url: str = ADDRESS, **headers: Any) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response, len(captured)


def test_a_page_is_served_from_the_cache_without_queries(client: Client, news: Page) -> None:
    first, queries = _get(client)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss" and queries > 0
    again, queries = _get(client)
    assert again["X-Page-Cache"] == "hit" and queries == 0
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    english, _queries = _get(client, "/en" + ADDRESS)
    assert english["X-Page-Cache"] == "miss" and b"First version" in english.content
    fragment, _queries = _get(client, HX_Request="true")  # htmx's fragment is kept apart
    assert fragment["X-Page-Cache"] == "miss"


def test_never_a_stale_page_after_a_change(client: Client, news: Page) -> None:
    _get(client)
    news.title_it = "Seconda versione"
    news.save()
    after_save, _ = _get(client)
    assert after_save["X-Page-Cache"] == "miss" and b"Seconda versione" in after_save.content
    Page.objects.filter(pk=news.pk).update(title_it="Terza versione")  # no signals
    after_update, _ = _get(client)
    assert b"Terza versione" in after_update.content
    with transaction.atomic():
        Page.objects.filter(pk=news.pk).update(title_it="Quarta versione")
    assert b"Quarta versione" in _get(client)[0].content
    Page.objects.filter(pk=news.pk).delete()
    assert _get(client)[0].status_code == 404


def test_a_rolled_back_write_keeps_the_cached_page(client: Client, news: Page) -> None:
    _get(client)
    version = pagecache.data_version()

    def write_then_fail() -> None:
        with transaction.atomic():
            Page.objects.filter(pk=news.pk).update(title_it="Mai vista")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert pagecache.data_version() == version
    response, queries = _get(client)
    assert response["X-Page-Cache"] == "hit" and queries == 0
    assert b"Mai vista" not in response.content


def test_the_cache_s_own_bookkeeping_does_not_count_as_a_change(client: Client, news: Page) -> None:
    _get(client)
    version = pagecache.data_version()
    session = client.session  # a session row written: not a change of the data
    session["x"] = 1
    session.save()
    assert pagecache.data_version() == version


def test_browsers_revalidate_with_the_entity_tag(client: Client, news: Page) -> None:
    first, _ = _get(client)
    tag = first["ETag"]
    assert first["Cache-Control"] == "public, no-cache" and "Cookie" in first["Vary"]
    unchanged, queries = _get(client, If_None_Match=tag)
    assert unchanged.status_code == 304 and queries == 0
    news.title_it = "Cambiata"
    news.save()
    changed, _ = _get(client, If_None_Match=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_signed_in_visitors_and_the_back_office_are_never_cached(
    client: Client, news: Page, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("cache-user", password="x")
    client.force_login(user)
    for _ in range(2):
        response, queries = _get(client)
        assert "X-Page-Cache" not in response and queries > 0
    client.logout()
    assert not pagecache._shared_request(RequestFactory().get("/staff/indicatori/importa/"))
    assert not pagecache._shared_request(RequestFactory().get("/en/partecipa/contributi/"))
    assert not pagecache._shared_request(RequestFactory().post(ADDRESS))
    assert pagecache._shared_request(RequestFactory().get("/en/indicatori/"))


def test_a_page_holding_a_csrf_token_is_not_kept() -> None:
    from django.http import HttpResponse

    request = RequestFactory().get("/cerca/")
    assert pagecache._shareable(request, HttpResponse("ok"))
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # get_token() was called
    assert not pagecache._shareable(request, HttpResponse("<form>"))
    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("choice", "1")
    assert not pagecache._shareable(RequestFactory().get("/cerca/"), with_cookie)


def test_the_same_holds_with_redis_as_the_shared_cache(client: Client, news: Page) -> None:
    """Several app servers share a Redis (TERRITORI_REDIS_URL): pages, the data version."""
    import os

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is expected at 127.0.0.1:6379 in CI")
        pytest.skip("no Redis at 127.0.0.1:6379")
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "territori-test-pages",
    }
    from django.conf import settings

    with override_settings(CACHES={**settings.CACHES, "pages": shared}):
        caches["pages"].clear()
        assert type(caches["pages"]).__name__ == "RedisCache"
        assert _get(client)[0]["X-Page-Cache"] == "miss"
        hit, queries = _get(client)
        assert hit["X-Page-Cache"] == "hit" and queries == 0
        news.title_it = "Dopo Redis"
        news.save()
        assert b"Dopo Redis" in _get(client)[0].content
        caches["pages"].clear()


def test_cached_api_answers_still_count_against_the_rate_limit(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An API answer from the cache counts like one from the view: a caller over the limit
    gets the 429 even for an address that is cached (and for a revalidation)."""
    from territori.api.auth import PerAddress
    from territori.api.v1 import api
    from territori.core.ratelimit import rate_limit_reset

    rate_limit_reset()
    [throttle] = [t for t in api.throttle if isinstance(t, PerAddress)]
    monkeypatch.setattr(throttle, "num_requests", 3)
    answers = [client.get("/api/v1/frameworks/") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["X-Page-Cache"] for a in answers] == ["miss", "hit", "hit"]
    over = client.get("/api/v1/frameworks/")
    assert over.status_code == 429 and int(over["Retry-After"]) > 0
    tagged = client.get("/api/v1/frameworks/", headers={"If-None-Match": answers[0]["ETag"]})
    assert tagged.status_code == 429
    rate_limit_reset()
    assert client.get("/api/v1/frameworks/")["X-Page-Cache"] == "hit"
    # pages outside the API have no such limit
    for _ in range(5):
        assert client.get("/").status_code == 200
