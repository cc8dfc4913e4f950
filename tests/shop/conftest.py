import pytest

# The course fixtures are shared: the store sells what tests/courses builds.
from tests.courses.conftest import course, course_index, enrolled_user, free_lesson, paid_lesson  # noqa: F401
from tests.courses.factories import CoursePageFactory


@pytest.fixture
def second_course(course_index):  # noqa: F811 - the imported fixture, by name
    return CoursePageFactory(parent=course_index, title="Pain-Free Posture", price_cents=9900)


@pytest.fixture
def stripe_settings(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_coachhouse"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_coachhouse"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_coachhouse"
    return settings
