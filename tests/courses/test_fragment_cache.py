"""Page fragments shared per content generation (website/content/fragments.py): a signed-in
buyer still sees their own course in a promo that someone else's visit cached."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import timezone

from courses.models import LessonCompletion
from tests.content.factories import EpisodePageFactory
from tests.factories import UserFactory
from website.content import page_cache
from website.content.fragments import cached_fragment

pytestmark = pytest.mark.django_db

PROMO = {"text": "Learn more with The Balance Gym", "link_text": "", "url": ""}


@pytest.fixture
def owner(enrolled_user, course, free_lesson, paid_lesson):
    LessonCompletion.objects.create(user=enrolled_user, lesson=free_lesson)
    return enrolled_user


@pytest.fixture
def episode(episode_index, course):
    return EpisodePageFactory(
        parent=episode_index, body=[("course_promo", {**PROMO, "page": course})]
    )


def _forget_cached_pages():
    """Drop the stored whole pages and keep the stored fragments (both live in the cache)."""
    for key in list(cache._cache):  # LocMemCache, the tests' backend
        if ":pages" in key:
            cache.delete(key.split(":", 2)[2])


def test_a_buyer_sees_their_course_in_a_promo_another_visitor_had_cached(client, owner, episode):
    anonymous = client.get(episode.url).content.decode()
    stranger = UserFactory()
    client.force_login(stranger)
    assert "Go to course" not in client.get(episode.url).content.decode()
    _forget_cached_pages()  # the next renderings read the promo's fragment, not the page
    assert any(":fragments:" in key for key in cache._cache)

    client.force_login(owner)
    owned = client.get(episode.url).content.decode()

    assert "$149.00" in anonymous and "Go to course" not in anonymous
    assert "Go to course<span" in owned
    assert "1 of 2 lessons" in owned


def test_a_buyers_rendering_of_a_promo_is_not_shared(client, owner, episode):
    client.force_login(owner)
    assert "Go to course" in client.get(episode.url).content.decode()

    client.logout()
    assert "Go to course" not in client.get(episode.url).content.decode()
    client.force_login(UserFactory())
    assert "Go to course" not in client.get(episode.url).content.decode()


def test_a_page_whose_cached_fragment_varies_is_still_stored_for_anonymous_visitors_only(
    client, owner, episode
):
    client.get(episode.url)
    _forget_cached_pages()
    client.get(episode.url)  # the page again, its promo from the fragment: stored anew

    client.force_login(owner)
    response = client.get(episode.url)

    assert "Go to course" in response.content.decode()
    assert "private" in response["Cache-Control"]


def _request(user=None):
    request = RequestFactory().get("/somewhere/")
    request.user = user or AnonymousUser()
    return request


class _Fragment:
    """A fragment's rendering, counting its renderings, saying what the options say."""

    def __init__(self, *, varies=False, expires_at=None, csrf=False, with_course=None):
        self.varies, self.expires_at, self.csrf = varies, expires_at, csrf
        self.with_course = with_course  # varies only with whether the visitor owns it
        self.renderings = 0

    def render_for(self, request) -> str:
        def render():
            self.renderings += 1
            if self.varies:
                page_cache.rendering_varies_by_visitor(request)
            if self.with_course:
                page_cache.rendering_varies_by_visitor(request, course_id=self.with_course.pk)
            page_cache.page_cache_expires_by(request, self.expires_at)
            if self.csrf:
                get_token(request)
            return "<p>fragment</p>"

        return cached_fragment(request, "fragment", (1,), render)


def test_a_hit_says_again_that_the_fragment_varies_and_when_it_expires(home_page):
    soon = timezone.now() + timedelta(minutes=5)
    fragment = _Fragment(varies=True, expires_at=soon)
    fragment.render_for(_request())

    request = _request()
    assert fragment.render_for(request) == "<p>fragment</p>"

    assert fragment.renderings == 1
    assert request.page_varies_by_visitor is True
    assert request.page_cache_expires_at == soon


def test_a_signed_in_visitor_renders_a_varying_fragment_and_never_stores_it(home_page, user):
    fragment = _Fragment(varies=True)
    for visitor in (user, None, user, None):
        fragment.render_for(_request(visitor))

    assert fragment.renderings == 3  # the signed-in twice, the anonymous once (then a hit)


def test_a_fragment_that_does_not_vary_is_shared_with_signed_in_visitors(home_page, user):
    fragment = _Fragment()
    fragment.render_for(_request(user))
    request = _request()

    fragment.render_for(request)

    assert fragment.renderings == 1
    assert not getattr(request, "page_varies_by_visitor", False)


def test_a_fragment_with_a_csrf_token_is_never_stored(home_page):
    fragment = _Fragment(csrf=True)
    first = _request()
    fragment.render_for(first)
    fragment.render_for(_request())

    assert fragment.renderings == 2
    assert first.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_the_page_keeps_its_own_marks_around_a_fragment(home_page):
    later = timezone.now() + timedelta(hours=2)
    request = _request()
    page_cache.rendering_varies_by_visitor(request)
    page_cache.page_cache_expires_by(request, later)

    _Fragment().render_for(request)

    assert request.page_varies_by_visitor is True
    assert request.page_cache_expires_at == later


def test_a_new_content_generation_renders_the_fragment_again(home_page):
    fragment = _Fragment()
    fragment.render_for(_request())

    page_cache.retire_cached_pages()
    fragment.render_for(_request())

    assert fragment.renderings == 2


def test_a_preview_is_neither_read_from_nor_stored(home_page):
    fragment = _Fragment()
    fragment.render_for(_request())
    preview = _request()
    preview.is_preview = True

    fragment.render_for(preview)
    fragment.render_for(preview)

    assert fragment.renderings == 3


def test_a_signed_in_visitor_who_owns_none_of_its_courses_reads_the_anonymous_fragment(
    home_page, user, course
):
    fragment = _Fragment(with_course=course)
    fragment.render_for(_request())
    request = _request(user)

    fragment.render_for(request)

    assert fragment.renderings == 1
    assert request.page_varies_by_visitor is True  # the page around it still varies
    assert request.page_varies_with_courses == {course.pk}


def test_an_owner_of_one_of_its_courses_renders_the_fragment_afresh(home_page, owner, course):
    fragment = _Fragment(with_course=course)
    fragment.render_for(_request())

    fragment.render_for(_request(owner))

    assert fragment.renderings == 2


def test_a_fragment_varying_beyond_courses_is_never_read_by_a_signed_in_visitor(
    home_page, user, course
):
    fragment = _Fragment(varies=True, with_course=course)
    fragment.render_for(_request())

    fragment.render_for(_request(user))

    assert fragment.renderings == 2


def test_a_stranger_reads_the_promo_an_anonymous_visit_cached(client, episode, course, owner):
    client.get(episode.url)
    _forget_cached_pages()
    client.force_login(UserFactory())

    stranger = client.get(episode.url)

    assert "$149.00" in stranger.content.decode()
    assert "Go to course" not in stranger.content.decode()
    assert "private" in stranger["Cache-Control"]
