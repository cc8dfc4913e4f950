"""Quizzes: marked on the server, attempts in rounds with a cool-down, passing is for good."""

import uuid

import pytest

from courses.exceptions import QuizAlreadyPassed, QuizAttemptsUsed, QuizFormStale, QuizNotOpen
from courses.models import QuizAttempt
from courses.selectors import (
    course_required_quizzes_passed,
    quiz_is_passed,
    quiz_questions,
    quiz_score,
    quiz_state,
)
from courses.services import quiz_attempt_submit
from tests.courses.factories import LessonPageFactory, QuizFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(paid_lesson):
    return QuizFactory(lesson=paid_lesson)


def answer_key(quiz) -> dict[str, list[str]]:
    return {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=quiz)}


def wrong_answers(quiz) -> dict[str, list[str]]:
    return {
        q.id: [next(c.id for c in q.choices if not c.is_correct)] for q in quiz_questions(quiz=quiz)
    }


def submit(user, quiz, answers, token=None):
    return quiz_attempt_submit(user=user, quiz=quiz, answers=answers, token=token or uuid.uuid4())


def test_questions_and_choices_keep_their_stored_ids_across_reads(quiz):
    first = quiz_questions(quiz=quiz)
    again = quiz_questions(quiz=type(quiz).objects.get(pk=quiz.pk))
    assert [q.id for q in first] == [q.id for q in again]
    assert [c.id for q in first for c in q.choices] == [c.id for q in again for c in q.choices]
    assert all(q.id and all(c.id for c in q.choices) for q in first)


def test_a_question_is_right_only_with_exactly_its_correct_choices(quiz):
    single, multiple = quiz_questions(quiz=quiz)
    right, partly = sorted(multiple.correct_ids), sorted(multiple.correct_ids)[:1]
    wrong = next(c.id for c in multiple.choices if not c.is_correct)
    key_single = sorted(single.correct_ids)
    assert quiz_score(questions=[single, multiple], answers={single.id: key_single}) == 1
    assert quiz_score(questions=[multiple], answers={multiple.id: right}) == 1
    assert quiz_score(questions=[multiple], answers={multiple.id: partly}) == 0
    assert quiz_score(questions=[multiple], answers={multiple.id: [*right, wrong]}) == 0
    assert quiz_score(questions=[multiple], answers={}) == 0


def test_an_attempt_is_scored_on_the_server_and_stored_as_integers(enrolled_user, quiz):
    single, multiple = quiz_questions(quiz=quiz)
    answers = {single.id: sorted(single.correct_ids), multiple.id: sorted(multiple.correct_ids)[:1]}
    attempt = submit(enrolled_user, quiz, answers)
    assert (attempt.score, attempt.total, attempt.number, attempt.is_passed) == (1, 2, 1, False)
    assert attempt.answers == answers
    assert not quiz_is_passed(user=enrolled_user, quiz=quiz)

    passed = submit(enrolled_user, quiz, answer_key(quiz))
    assert (passed.score, passed.total, passed.number, passed.is_passed) == (2, 2, 2, True)
    assert quiz_is_passed(user=enrolled_user, quiz=quiz)


def test_the_pass_mark_is_a_whole_percent_of_the_questions(enrolled_user, paid_lesson):
    quiz = QuizFactory(lesson=paid_lesson, pass_percent=50)
    single, _ = quiz_questions(quiz=quiz)
    attempt = submit(enrolled_user, quiz, {single.id: sorted(single.correct_ids)})
    assert attempt.is_passed and attempt.score == 1


def test_the_same_form_submitted_twice_counts_once(enrolled_user, quiz):
    token = uuid.uuid4()
    first = submit(enrolled_user, quiz, wrong_answers(quiz), token)
    again = submit(enrolled_user, quiz, answer_key(quiz), token)
    assert again.pk == first.pk and not again.is_passed
    assert QuizAttempt.objects.count() == 1


def test_a_token_of_someone_elses_attempt_is_refused_and_records_nothing(
    enrolled_user, quiz, course
):
    from courses.services import enrollment_grant

    other = UserFactory()
    enrollment_grant(user=other, course=course, order=None)
    token = submit(other, quiz, wrong_answers(quiz)).token
    with pytest.raises(QuizFormStale):
        submit(enrolled_user, quiz, answer_key(quiz), token)
    assert QuizAttempt.objects.filter(user=enrolled_user).count() == 0


def test_after_the_rounds_attempts_the_next_opens_after_the_cool_down(clock, enrolled_user, quiz):
    for _ in range(3):
        submit(enrolled_user, quiz, wrong_answers(quiz))
        clock.move(minutes=5)
    last = QuizAttempt.objects.filter(user=enrolled_user).order_by("number").last()
    with pytest.raises(QuizAttemptsUsed) as refusal:
        submit(enrolled_user, quiz, answer_key(quiz))
    assert refusal.value.next_attempt_at == last.submitted_at + quiz_cooldown(quiz)
    assert QuizAttempt.objects.count() == 3
    assert quiz_state(user=enrolled_user, quiz=quiz).attempts_left == 0

    clock.move(hours=23, minutes=54)
    with pytest.raises(QuizAttemptsUsed):
        submit(enrolled_user, quiz, answer_key(quiz))
    clock.move(minutes=1)
    assert quiz_state(user=enrolled_user, quiz=quiz).attempts_left == 3
    assert submit(enrolled_user, quiz, answer_key(quiz)).number == 4


def quiz_cooldown(quiz):
    from datetime import timedelta

    return timedelta(hours=quiz.cooldown_hours)


def test_a_passed_quiz_takes_no_more_attempts(enrolled_user, quiz):
    submit(enrolled_user, quiz, answer_key(quiz))
    with pytest.raises(QuizAlreadyPassed):
        submit(enrolled_user, quiz, wrong_answers(quiz))
    assert QuizAttempt.objects.count() == 1


def test_a_quiz_of_a_course_not_owned_takes_no_attempt(user, quiz):
    with pytest.raises(QuizNotOpen):
        submit(user, quiz, answer_key(quiz))
    assert not QuizAttempt.objects.exists()


def test_required_quizzes_and_the_final_exam_must_be_passed_to_complete(
    enrolled_user, course, paid_lesson
):
    assert course_required_quizzes_passed(user=enrolled_user, course=course)
    practice = QuizFactory(lesson=paid_lesson)
    exam = QuizFactory(lesson=LessonPageFactory(parent=course, title="Exam"), is_final_exam=True)
    required = QuizFactory(lesson=LessonPageFactory(parent=course), is_required=True)
    assert not course_required_quizzes_passed(user=enrolled_user, course=course)
    submit(enrolled_user, exam, answer_key(exam))
    assert not course_required_quizzes_passed(user=enrolled_user, course=course)
    submit(enrolled_user, required, answer_key(required))
    assert course_required_quizzes_passed(user=enrolled_user, course=course)
    assert not quiz_is_passed(user=enrolled_user, quiz=practice)
