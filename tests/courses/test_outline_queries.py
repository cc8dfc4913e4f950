"""The course page and a lesson page with its sidebar outline take at most 12 queries and no
more as lessons, modules, quizzes and a learner's progress grow."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.selectors import quiz_questions
from courses.services import lesson_mark_complete, quiz_attempt_submit
from tests.courses.factories import LessonPageFactory, ModuleFactory, QuizFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _grow(course, learner, *, modules: int):
    """`modules` more modules, each with two lessons (one dripped, one with a required quiz,
    passed), the first lesson of each completed."""
    for number in range(modules):
        module = ModuleFactory(course=course)
        first = LessonPageFactory(parent=course, module=module)
        LessonPageFactory(parent=course, module=module, opens_after_days=number + 1)
        quiz = QuizFactory(lesson=first, is_required=True)
        answers = {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=quiz)}
        quiz_attempt_submit(user=learner, quiz=quiz, answers=answers, token=uuid.uuid4())
        lesson_mark_complete(user=learner, lesson=first)
    return first


def _queries(client, url) -> int:
    client.get(url)  # warm Wagtail's per-site caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["course", "lesson"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "learner"])
def test_the_outline_pages_take_at_most_12_queries_however_the_course_grows(
    client, course, enrolled_user, page, signed_in
):
    if signed_in:
        client.force_login(enrolled_user)
    lesson = _grow(course, enrolled_user, modules=1)
    if not signed_in:
        lesson.is_free_preview = True
        lesson.save_revision().publish()
    url = course.url if page == "course" else lesson.url
    small = _queries(client, url)
    assert small <= MAX_QUERIES

    _grow(course, enrolled_user, modules=4)
    assert _queries(client, url) <= small
