"""Owned courses: "Go to course" and progress instead of "Add to cart", never in a shared cache."""

import pytest
from django.utils import timezone

from courses.models import Enrollment, LessonCompletion
from tests.content.factories import EpisodePageFactory
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.factories import UserFactory
from website.content.models import HomeFeaturedCourse

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_course(course_index):
    return CoursePageFactory(parent=course_index, title="Pain-Free Posture", price_cents=9900)


@pytest.fixture
def owner(enrolled_user, course, free_lesson, paid_lesson):
    LessonCompletion.objects.create(user=enrolled_user, lesson=free_lesson)
    return enrolled_user


def _card(html: str, title: str) -> str:
    start = html.index(f">{title}</a></h")
    return html[start : html.index("</li>", start)]


def test_the_course_index_offers_an_owner_go_to_course_with_progress(
    client, owner, course, other_course, course_index, paid_lesson
):
    client.force_login(owner)

    html = client.get(course_index.url).content.decode()

    owned = _card(html, "The Balance Gym")
    assert "Go to course" in owned
    assert "1 of 2 lessons" in owned
    assert f'href="{paid_lesson.url}"' in owned  # picks up at the next lesson
    assert "Add to cart" not in owned
    assert "$149.00" not in owned
    assert "Add to cart" in _card(html, "Pain-Free Posture")


def test_a_visitor_who_owns_nothing_sees_add_to_cart_everywhere(
    client, user, course, other_course, course_index
):
    client.force_login(user)
    html = client.get(course_index.url).content.decode()
    assert "Go to course" not in html
    assert html.count("Add to cart<span") == 2


def test_a_revoked_enrollment_no_longer_counts_as_owning(client, owner, course, course_index):
    Enrollment.objects.filter(user=owner).update(revoked_at=timezone.now())
    client.force_login(owner)

    for url in (course_index.url, course.url):
        html = client.get(url).content.decode()
        assert "Go to course" not in html
        assert "Add to cart" in html


def test_the_course_page_offers_an_owner_go_to_course_in_the_buy_box(
    client, owner, course, paid_lesson
):
    client.force_login(owner)
    html = client.get(course.url).content.decode()
    box = html[html.index('<aside class="buy-box"') : html.index("</aside>")]
    assert 'aria-label="Your course"' in box
    assert "1 of 2 lessons" in box
    assert f'<a class="button" href="{paid_lesson.url}">Go to course</a>' in box
    assert "Add to cart" not in html


def test_an_owned_course_without_lessons_goes_to_its_curriculum(client, user, course):
    Enrollment.objects.create(user=user, course=course, granted_at=timezone.now())
    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert '<a class="button" href="#curriculum">Go to course</a>' in html


def test_home_page_featured_cards_and_episode_promos_show_an_owner_go_to_course(
    client, home_page, episode_index, owner, course
):
    HomeFeaturedCourse.objects.create(page=home_page, course=course, sort_order=0)
    block = {"text": "Learn more with The Balance Gym", "page": course, "url": "", "link_text": ""}
    episode = EpisodePageFactory(parent=episode_index, body=[("course_promo", block)])
    client.force_login(owner)

    for url in ("/", episode.url):
        html = client.get(url).content.decode()
        assert "Go to course<span" in html, url
        assert "1 of 2 lessons" in html, url


@pytest.mark.parametrize("path", ["home", "episode", "index", "course"])
def test_owned_state_never_leaks_into_the_cached_page_anonymous_visitors_get(
    client, home_page, episode_index, owner, course, course_index, path
):
    HomeFeaturedCourse.objects.create(page=home_page, course=course, sort_order=0)
    block = {"text": "Learn more with The Balance Gym", "page": course, "url": "", "link_text": ""}
    episode = EpisodePageFactory(parent=episode_index, body=[("course_promo", block)])
    url = {"home": "/", "episode": episode.url, "index": course_index.url, "course": course.url}[
        path
    ]
    anonymous = client.get(url)  # may be stored in the shared page cache
    assert "Go to course" not in anonymous.content.decode()

    client.force_login(owner)
    owned = client.get(url)
    assert "Go to course" in owned.content.decode()
    assert "private" in owned["Cache-Control"] and "public" not in owned["Cache-Control"]

    client.logout()
    again = client.get(url)
    assert "Go to course" not in again.content.decode()
    stranger = UserFactory()
    client.force_login(stranger)
    assert "Go to course" not in client.get(url).content.decode()


def test_the_course_index_reads_ownership_in_the_same_queries_for_many_owned_courses(
    client, user, course_index, django_assert_max_num_queries
):
    def own(count):
        for _ in range(count):
            course = CoursePageFactory(parent=course_index)
            LessonPageFactory(parent=course)
            Enrollment.objects.create(user=user, course=course, granted_at=timezone.now())

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    own(1)
    client.force_login(user)
    client.get(course_index.url)
    with CaptureQueriesContext(connection) as few:
        client.get(course_index.url)
    budget = len(few)  # read now: the next request resets the connection's query log

    own(5)
    client.get(course_index.url)
    with django_assert_max_num_queries(budget):
        html = client.get(course_index.url).content.decode()
    assert html.count("Go to course<span") == 6
