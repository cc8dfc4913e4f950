import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import OperationalError
from django.middleware.csrf import get_token
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.content.factories import CategoryFactory, EpisodePageFactory, publish
from website.content import page_cache, services
from website.content.models import EpisodePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(episode_index):
    return publish(EpisodePageFactory(parent=episode_index, title="Backward walking", number=403))


def test_a_repeat_anonymous_visit_is_answered_from_the_cache_without_rendering(
    client, episode, django_assert_max_num_queries
):
    first = client.get(episode.url)

    with django_assert_max_num_queries(1):
        second = client.get(episode.url)

    assert second.content == first.content


def test_a_publish_in_another_process_is_seen_once_the_generation_is_read_again(
    client, episode, monkeypatch
):
    client.get(episode.url)
    # Another process changed and published content: no signal reaches this one.
    EpisodePage.objects.filter(pk=episode.pk).update(summary="Published elsewhere.")
    services.content_generation_bump()
    assert "Published elsewhere." not in client.get(episode.url).content.decode()

    later = time.monotonic() + page_cache.GENERATION_SECONDS
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)

    assert "Published elsewhere." in client.get(episode.url).content.decode()


def test_anonymous_pages_may_be_kept_by_browsers_for_a_minute(client, episode):
    for _ in range(2):
        response = client.get(episode.url)
        assert response["Cache-Control"] == "public, max-age=60"
        assert "Cookie" in response["Vary"]


def test_publishing_a_page_retires_its_cached_copy(client, episode):
    client.get(episode.url)

    episode.title = "Walking backward, revisited"
    publish(episode)

    assert "Walking backward, revisited – Episode 403" in client.get(episode.url).content.decode()


def test_publishing_a_new_episode_refreshes_the_cached_index(client, episode_index, episode):
    client.get("/episodes/")

    publish(EpisodePageFactory(parent=episode_index, title="Fresh drills", number=404))

    assert "Fresh drills – Episode 404" in client.get("/episodes/").content.decode()


def test_unpublishing_a_page_retires_its_cached_copy_and_listings(client, episode):
    client.get(episode.url)
    client.get("/episodes/")

    episode.unpublish()

    assert client.get(episode.url).status_code == 404
    assert "Backward walking" not in client.get("/episodes/").content.decode()


def test_deleting_a_page_retires_the_cached_listings(client, episode):
    client.get("/episodes/")

    episode.delete()

    assert "Backward walking" not in client.get("/episodes/").content.decode()


def test_renaming_a_category_refreshes_the_pages_that_show_it(client, episode_index, article_index):
    category = CategoryFactory(name="Balance", slug="balance")
    publish(EpisodePageFactory(parent=episode_index, categories=[category]))
    client.get("/articles/category/balance/")

    category.name = "Balance & Vestibular"
    category.save()

    assert "Balance &amp; Vestibular" in client.get("/articles/category/balance/").content.decode()


def test_each_listing_page_number_is_cached_separately(client, episode_index):
    for number in range(1, 14):
        EpisodePageFactory(
            parent=episode_index,
            number=number,
            title=f"Drill {number}",
            date=f"2026-01-{number:02d}",
        )

    first = client.get("/episodes/").content.decode()
    second = client.get("/episodes/?page=2").content.decode()

    assert "Drill 13 – Episode 13" in first and "Drill 13 – Episode 13" not in second
    assert "Drill 1 – Episode 1<" in second


def test_other_query_strings_are_rendered_afresh_every_time(client, episode):
    client.get(episode.url + "?utm_source=mail")

    again = client.get(episode.url + "?utm_source=mail")

    assert "content/episode_page.html" in [template.name for template in again.templates]


def test_logged_in_visitors_get_a_fresh_private_page_that_is_not_shared(client, user, episode):
    client.force_login(user)
    response = client.get(episode.url)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache", "max-age=0"}

    episode.title = "Changed without publishing"
    episode.save()
    client.logout()

    assert "Changed without publishing" in client.get(episode.url).content.decode()


def test_logged_in_visitors_read_the_shared_rendering_privately_without_rendering(
    client, user, episode, django_assert_max_num_queries
):
    shared = client.get(episode.url).content
    client.force_login(user)
    client.get(episode.url)  # the session and user are read once per request either way

    with django_assert_max_num_queries(3):
        response = client.get(episode.url)

    # The same rendering, but for the footer's account links (tests/content/test_footer.py).
    assert response.content != shared
    assert response.content == page_cache._as_signed_in(shared)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache", "max-age=0"}
    assert "Cookie" in response["Vary"]


def test_a_password_protected_page_is_never_shared_from_the_cache(client, episode):
    restriction = PageViewRestriction.objects.create(
        page=episode, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
    )
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.id, episode.id]),
        {"password": "letmein", "return_url": episode.url},
    )
    assert "Backward walking" in client.get(episode.url).content.decode()

    client.logout()
    stranger = client.get(episode.url).content.decode()

    assert "Backward walking – Episode 403</h1>" not in stranger
    assert 'name="password"' in stranger


def test_views_outside_the_page_tree_are_never_cached(client, home_page):
    first = client.get(reverse("account_login"))
    second = client.get(reverse("account_login"))

    assert first.status_code == second.status_code == 200
    assert "public" not in first.get("Cache-Control", "")
    assert first.content != second.content  # a fresh CSRF token each time


def test_a_page_that_renders_a_csrf_token_is_not_shared(client, episode, monkeypatch):
    original = EpisodePage.get_context

    def with_a_form(self, request, *args, **kwargs):
        context = original(self, request, *args, **kwargs)
        get_token(request)  # what {% csrf_token %} in a template does
        return context

    monkeypatch.setattr(EpisodePage, "get_context", with_a_form)

    response = client.get(episode.url)

    assert "private" in response["Cache-Control"]
    again = client.get(episode.url)
    assert "content/episode_page.html" in [template.name for template in again.templates]


def test_the_page_cache_steps_aside_when_the_database_is_down(rf, monkeypatch):
    def unreachable():
        raise OperationalError("database is down")

    monkeypatch.setattr(page_cache.selectors, "current_content_generation", unreachable)
    request = rf.get("/episodes/")
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)

    assert page_cache._cache_key(request) is None


def test_a_repeat_anonymous_visit_is_replayed_with_the_headers_the_whole_stack_gave_it(
    client, episode, django_assert_max_num_queries
):
    first = client.get(episode.url, HTTP_ACCEPT_ENCODING="gzip")

    with django_assert_max_num_queries(0):
        again = client.get(episode.url, HTTP_ACCEPT_ENCODING="gzip")

    assert again.content == first.content
    assert again["Content-Encoding"] == "gzip"
    for header in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Vary", "Cache-Control"):
        assert again[header] == first[header], header
    assert again["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware still runs
    plain = client.get(episode.url)
    assert "Content-Encoding" not in plain
    assert "Backward walking" in plain.content.decode()


def test_a_replayed_page_answers_304_to_a_visitor_who_has_it(client, episode):
    etag = client.get(episode.url)["ETag"]
    client.get(episode.url)

    assert client.get(episode.url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_visitor_with_a_session_is_never_replayed_a_shared_page(client, episode, user):
    client.get(episode.url)
    client.get(episode.url)
    client.force_login(user)

    response = client.get(episode.url)

    assert "private" in response["Cache-Control"]
