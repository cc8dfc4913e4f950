"""The demo shows the learning features: a required quiz in The Balance Gym and a module of
Pain-Free Posture released a week after enrolling."""

import uuid

import pytest

from courses.models import CoursePage, LessonPage, Module, Quiz
from courses.selectors import lesson_access, lesson_is_open_to, quiz_questions
from courses.services import enrollment_grant, quiz_attempt_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_balance_gyms_quiz_holds_back_its_last_module_until_passed(demo_database):
    course = CoursePage.objects.get(slug="the-balance-gym")
    quiz = Quiz.objects.get(lesson__title="Head turns while walking")
    assert quiz.is_required and len(quiz_questions(quiz=quiz)) == 3
    learner = UserFactory()
    enrollment_grant(user=learner, course=course, order=None)
    last_module = LessonPage.objects.get(title="Backward walking progressions")
    assert lesson_access(user=learner, lesson=last_module).quiz.pk == quiz.pk
    assert lesson_is_open_to(
        user=learner, lesson=LessonPage.objects.get(title="Gaze stabilisation drills")
    )

    answers = {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=quiz)}
    quiz_attempt_submit(user=learner, quiz=quiz, answers=answers, token=uuid.uuid4())
    assert lesson_is_open_to(user=learner, lesson=last_module)


def test_pain_free_postures_second_module_opens_a_week_after_enrolling(demo_database):
    module = Module.objects.get(title="Week two: the desk routine")
    assert module.opens_after_days == 7
    lesson = LessonPage.objects.get(title="The desk routine")
    assert lesson.module_id == module.pk
    learner = UserFactory()
    enrollment = enrollment_grant(user=learner, course=module.course, order=None)
    access = lesson_access(user=learner, lesson=lesson)
    assert (access.opens_at - enrollment.granted_at).days == 7


# Seeding again adds no second quiz or module: the row count of every model,
# tests/website/test_seed_demo.py::test_seed_demo_twice_changes_nothing.
