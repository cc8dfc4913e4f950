from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from courses.demo import course_index as demo_course_index
from courses.services import enrollment_grant
from tests.courses.factories import CoursePageFactory, LessonPageFactory


@pytest.fixture
def course_index(home_page):
    return demo_course_index()


@pytest.fixture
def course(course_index):
    return CoursePageFactory(parent=course_index, title="The Balance Gym", price_cents=14900)


@pytest.fixture
def free_lesson(course):
    return LessonPageFactory(parent=course, title="Welcome", is_free_preview=True)


@pytest.fixture
def paid_lesson(course):
    return LessonPageFactory(parent=course, title="Gaze drills")


@pytest.fixture
def enrolled_user(user, course):
    enrollment_grant(user=user, course=course, order=None)
    return user


@pytest.fixture
def episode_index(home_page):
    from website.content import demo

    return demo.episode_index()


class Clock:
    """The time the code reads (django.utils.timezone.now), which a test moves forward."""

    def __init__(self, now):
        self.now = now

    def move(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    clock = Clock(timezone.now())
    with mock.patch.object(timezone, "now", side_effect=lambda: clock.now):
        yield clock
