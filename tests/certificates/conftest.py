import pytest

from courses.services import lesson_mark_complete
from tests.courses.conftest import course_index  # noqa: F401 - the shared fixture, by name
from tests.courses.factories import CoursePageFactory, LessonPageFactory
from tests.factories import UserFactory
from tests.shop.factories import buy_and_pay
from tests.trainers.conftest import directory  # noqa: F401 - the shared fixture, by name
from tests.trainers.factories import CertificationFactory


@pytest.fixture
def cert_course(course_index):  # noqa: F811
    course = CoursePageFactory(parent=course_index, title="R-Phase Certification", price_cents=9900)
    LessonPageFactory(parent=course, title="Joint mobility")
    LessonPageFactory(parent=course, title="Vision and balance")
    return course


@pytest.fixture
def renewal_course(course_index):  # noqa: F811
    course = CoursePageFactory(parent=course_index, title="R-Phase Renewal", price_cents=4900)
    LessonPageFactory(parent=course, title="What is new")
    return course


@pytest.fixture
def certification(cert_course, renewal_course):
    return CertificationFactory(
        name="R-Phase Certified",
        slug="r-phase",
        course=cert_course,
        renewal_course=renewal_course,
        validity_days=730,
    )


@pytest.fixture
def learner(db):
    return UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")


def complete(user, course):
    """Mark every live lesson of `course` complete, as the learner would, in page order."""
    for lesson in course.get_children().live().specific():
        lesson_mark_complete(user=user, lesson=lesson)


def buy(user, course):
    return buy_and_pay(user, courses=[course])


@pytest.fixture
def certified(learner, cert_course, certification):
    """Ada bought and completed the certification course: a certificate and a grant."""
    order = buy(learner, cert_course)
    complete(learner, cert_course)
    return order
