"""Enrolled users mark lessons complete; the course page and My courses show progress."""

import pytest
from django.urls import reverse

from courses.models import LessonCompletion

pytestmark = pytest.mark.django_db


def test_an_enrolled_user_can_mark_a_lesson_complete(client, enrolled_user, paid_lesson):
    client.force_login(enrolled_user)
    response = client.post(reverse("courses:lesson_complete", args=[paid_lesson.pk]))
    assert response.status_code == 302
    assert LessonCompletion.objects.filter(user=enrolled_user, lesson=paid_lesson).count() == 1


def test_marking_a_lesson_complete_twice_records_it_once(client, enrolled_user, paid_lesson):
    client.force_login(enrolled_user)
    url = reverse("courses:lesson_complete", args=[paid_lesson.pk])
    client.post(url)
    client.post(url)
    assert LessonCompletion.objects.count() == 1


def test_a_user_who_does_not_own_the_course_cannot_complete_its_paid_lessons(
    client, user, paid_lesson
):
    client.force_login(user)
    response = client.post(reverse("courses:lesson_complete", args=[paid_lesson.pk]), follow=True)
    assert b"Enrol in the course" in response.content
    assert not LessonCompletion.objects.exists()


def test_the_course_page_shows_an_enrolled_users_progress(
    client, enrolled_user, course, paid_lesson, free_lesson
):
    LessonCompletion.objects.create(user=enrolled_user, lesson=paid_lesson)
    client.force_login(enrolled_user)
    response = client.get(course.url)
    html = response.content.decode()
    assert "1 of 2 lessons" in html
    assert '<progress class="progress" max="100" value="50"' in html
    assert "Go to course" in html
    assert "Add to cart" not in html


def test_my_courses_lists_the_users_courses_with_where_to_continue(
    client, enrolled_user, course, free_lesson, paid_lesson
):
    LessonCompletion.objects.create(user=enrolled_user, lesson=free_lesson)
    client.force_login(enrolled_user)
    response = client.get(reverse("courses:library"))
    assert b"The Balance Gym" in response.content
    assert b"Continue: Gaze drills" in response.content


def test_my_courses_is_empty_for_a_user_without_courses(client, user, course):
    client.force_login(user)
    response = client.get(reverse("courses:library"))
    assert b"You have no courses yet" in response.content
    assert b"The Balance Gym" not in response.content


def test_my_courses_requires_login(client, db):
    assert client.get(reverse("courses:library")).status_code == 302


def test_the_course_page_offers_an_enrolled_user_the_next_lesson(
    client, enrolled_user, course, free_lesson, paid_lesson
):
    LessonCompletion.objects.create(user=enrolled_user, lesson=free_lesson)
    client.force_login(enrolled_user)
    assert b"Continue: Gaze drills" in client.get(course.url).content


def test_a_lesson_links_to_the_previous_and_next_lessons(
    client, enrolled_user, course, free_lesson, paid_lesson
):
    client.force_login(enrolled_user)
    first = client.get(free_lesson.url).content.decode()
    second = client.get(paid_lesson.url).content.decode()
    assert f'href="{paid_lesson.url}" rel="next"' in first and 'rel="prev"' not in first
    assert f'href="{free_lesson.url}" rel="prev"' in second and 'rel="next"' not in second
