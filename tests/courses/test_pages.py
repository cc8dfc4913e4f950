"""Course page types, listing and the demo courses."""

import io

import pytest
from django.core.exceptions import ValidationError

from courses.demo import seed
from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.courses.factories import CoursePageFactory
from website.content.models import HomePage

pytestmark = pytest.mark.django_db


def test_page_types_only_nest_as_courses_then_course_then_lessons():
    assert CourseIndexPage.parent_page_types == ["content.HomePage"]
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert LessonPage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_subpage_models() == []
    assert HomePage in CourseIndexPage.allowed_parent_page_models()
    assert CourseIndexPage in HomePage.allowed_subpage_models()


def test_the_course_index_lists_live_courses_with_price_and_add_to_cart(
    client, course, course_index
):
    CoursePageFactory(parent=course_index, title="Hidden draft", live=False)
    response = client.get(course_index.url)
    assert b"The Balance Gym" in response.content
    assert b"$149.00" in response.content
    assert b"Add to cart" in response.content
    assert b"Hidden draft" not in response.content


def test_a_course_page_lists_its_lessons_and_marks_free_previews(
    client, course, free_lesson, paid_lesson
):
    response = client.get(course.url)
    content = response.content.decode()
    assert f'href="{free_lesson.url}"' in content
    assert f'href="{paid_lesson.url}"' not in content
    assert "Free preview" in content


def test_a_compare_at_price_must_be_above_the_price(course):
    course.compare_at_price_cents = course.price_cents
    with pytest.raises(ValidationError):
        course.full_clean()


def test_a_course_that_is_not_purchasable_shows_no_add_to_cart(client, course):
    course.is_purchasable = False
    course.save_revision().publish()
    response = client.get(course.url)
    assert b"Add to cart" not in response.content
    assert b"Not on sale right now" in response.content


def test_demo_seeds_the_balance_gym_and_five_more_courses_once(home_page):
    seed(stdout=io.StringIO())
    seed(stdout=io.StringIO())
    assert (
        CoursePage.objects.filter(slug="the-balance-gym").get().url == "/courses/the-balance-gym/"
    )
    assert CoursePage.objects.count() == 6  # with the R-Phase Certification and its renewal
    for course in CoursePage.objects.all():
        assert LessonPage.objects.child_of(course).count() >= 3


def test_site_search_finds_courses(client, course):
    response = client.get("/search/", {"q": "balance gym"})
    assert b"The Balance Gym" in response.content


def test_demo_fills_the_balance_gym_sales_page(home_page, settings):
    seed(stdout=io.StringIO())
    course = CoursePage.objects.get(slug="the-balance-gym")
    modules = list(course.modules.all())
    assert len(modules) == 3
    lessons = LessonPage.objects.child_of(course)
    assert all(lesson.module in modules for lesson in lessons)
    assert lessons.filter(is_free_preview=True).count() == 2
    assert all(lesson.duration_seconds % 60 for lesson in lessons)  # minutes and seconds
    assert course.instructor.photo is not None and course.instructor.credential_list
    assert course.testimonials.filter(rating__isnull=False).count() >= 3
    assert course.testimonials.filter(rating__isnull=True).exists()
    assert course.questions.count() >= 3
    assert f"{settings.SHOP_REFUND_WINDOW_DAYS}-day money-back guarantee" in course.guarantee


def test_demo_adds_the_sales_page_to_a_balance_gym_seeded_before_it_existed(home_page):
    seed(stdout=io.StringIO())
    course = CoursePage.objects.get(slug="the-balance-gym")
    course.modules.all().delete()
    CoursePage.objects.filter(pk=course.pk).update(guarantee="", instructor=None)

    seed(stdout=io.StringIO())

    course = CoursePage.objects.get(pk=course.pk)
    assert course.modules.count() == 3
    assert course.instructor is not None
    assert course.guarantee
    assert course.testimonials.count() == 4  # replaced, not doubled
