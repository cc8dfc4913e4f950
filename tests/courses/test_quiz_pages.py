"""A quiz on the lesson page: the form holds no answer key; answers are marked on the server;
bad input is a form error or a refusal that records nothing, never a 500."""

import re
import uuid
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from courses.models import QuizAttempt
from courses.selectors import quiz_questions
from tests.courses.factories import LessonPageFactory, ModuleFactory, QuizFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="token" value="([0-9a-f-]+)"')


@pytest.fixture
def quiz(paid_lesson):
    return QuizFactory(lesson=paid_lesson)


@pytest.fixture
def learner(client, enrolled_user):
    client.force_login(enrolled_user)
    return enrolled_user


def submit_url(quiz) -> str:
    return reverse("courses:quiz_submit", args=[quiz.pk])


def form_data(client, lesson, answers: dict[str, list[str]]) -> dict:
    """The answers as the lesson page's form posts them, with the token it was shown."""
    token = TOKEN.search(client.get(lesson.url).content.decode()).group(1)
    return {"token": token, **{f"question-{q}": ids for q, ids in answers.items()}}


def right(quiz):
    return {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=quiz)}


def wrong(quiz):
    return {
        q.id: [next(c.id for c in q.choices if not c.is_correct)] for q in quiz_questions(quiz=quiz)
    }


def test_the_lesson_page_shows_the_questions_but_never_the_answer_key(
    client, learner, quiz, paid_lesson
):
    html = client.get(paid_lesson.url).content.decode()
    questions = quiz_questions(quiz=quiz)
    assert all(question.text in html for question in questions)
    assert all(choice.id in html for question in questions for choice in question.choices)
    assert "correct" not in html.lower()
    for question in questions:
        for choice in question.choices:
            assert choice.explanation not in html


def test_after_submitting_the_learner_sees_the_score_and_the_chosen_answers_explained(
    client, learner, quiz, paid_lesson
):
    single, multiple = quiz_questions(quiz=quiz)
    answers = {single.id: sorted(single.correct_ids), multiple.id: sorted(multiple.correct_ids)[:1]}
    response = client.post(submit_url(quiz), form_data(client, paid_lesson, answers))
    assert response.status_code == 302 and response["Location"] == f"{paid_lesson.url}#quiz"

    html = client.get(paid_lesson.url).content.decode()
    assert "Not passed" in html and "1 of 2 right (50%" in html
    chosen = [single.choice(single.correct_ids and sorted(single.correct_ids)[0])]
    chosen.append(multiple.choice(sorted(multiple.correct_ids)[0]))
    for choice in chosen:
        assert choice.explanation in html
    unchosen = [c for q in (single, multiple) for c in q.choices if c not in chosen]
    assert all(choice.explanation not in html for choice in unchosen)
    assert "2 attempts left" in html


def test_a_quiz_of_a_course_not_owned_is_refused_with_403_and_nothing_stored(
    client, user, quiz, paid_lesson
):
    client.force_login(user)
    data = {"token": str(uuid.uuid4()), **{f"question-{q}": ids for q, ids in right(quiz).items()}}
    response = client.post(submit_url(quiz), data)
    assert response.status_code == 403
    assert "Enrol in the course" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_signed_out_visitors_are_sent_to_log_in(client, quiz):
    response = client.post(submit_url(quiz), {})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not QuizAttempt.objects.exists()


def test_an_unknown_quiz_is_404(client, learner):
    assert client.post(reverse("courses:quiz_submit", args=[999999]), {}).status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        "unknown choice id",
        "choice of the other question",
        "two answers to a single-choice question",
        "missing answer",
        "bad token",
    ],
)
def test_tampered_answers_are_a_form_error_and_store_nothing(
    client, learner, quiz, paid_lesson, tamper
):
    single, multiple = quiz_questions(quiz=quiz)
    data = form_data(client, paid_lesson, right(quiz))
    if tamper == "unknown choice id":
        data[f"question-{single.id}"] = [str(uuid.uuid4())]
    elif tamper == "choice of the other question":
        data[f"question-{single.id}"] = [multiple.choices[0].id]
    elif tamper == "two answers to a single-choice question":
        data[f"question-{single.id}"] = [c.id for c in single.choices]
    elif tamper == "missing answer":
        del data[f"question-{multiple.id}"]
    else:
        data["token"] = "not-a-token"
    response = client.post(submit_url(quiz), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "field__errors" in html
    assert "correct" not in html.lower()
    assert not QuizAttempt.objects.exists()


def test_a_double_submit_of_the_same_form_counts_once(client, learner, quiz, paid_lesson):
    data = form_data(client, paid_lesson, wrong(quiz))
    assert client.post(submit_url(quiz), data).status_code == 302
    assert client.post(submit_url(quiz), data).status_code == 302
    assert QuizAttempt.objects.count() == 1


def test_past_the_attempts_the_page_and_the_refusal_say_when_the_next_opens(
    clock, client, learner, quiz, paid_lesson
):
    stale = form_data(client, paid_lesson, right(quiz))
    for _ in range(3):
        client.post(submit_url(quiz), form_data(client, paid_lesson, wrong(quiz)))
    opens = QuizAttempt.objects.order_by("number").last().submitted_at + timedelta(hours=24)

    html = client.get(paid_lesson.url).content.decode()
    assert "next attempt opens on" in html and 'name="token"' not in html
    iso = re.search(r'quiz-wait">.*?<time datetime="([^"]+)"', html).group(1)
    assert datetime.fromisoformat(iso) == opens.replace(microsecond=0)

    response = client.post(submit_url(quiz), stale, follow=True)
    assert "Your next attempt opens on" in response.content.decode()
    assert QuizAttempt.objects.count() == 3

    clock.move(hours=24)
    assert client.post(submit_url(quiz), form_data(client, paid_lesson, right(quiz))).status_code
    assert QuizAttempt.objects.filter(is_passed=True).count() == 1


def test_passing_a_required_quiz_opens_the_next_module_on_the_pages(client, learner, course):
    start = ModuleFactory(course=course, title="Start", sort_order=0)
    quiz_lesson = LessonPageFactory(parent=course, module=start)
    quiz = QuizFactory(lesson=quiz_lesson, is_required=True)
    later = LessonPageFactory(parent=course, module=ModuleFactory(course=course, sort_order=1))
    assert client.get(later.url).status_code == 403
    assert f'href="{later.url}"' not in client.get(course.url).content.decode()

    client.post(submit_url(quiz), form_data(client, quiz_lesson, right(quiz)))
    assert client.get(later.url).status_code == 200
    html = client.get(course.url).content.decode()
    assert f'href="{later.url}"' in html and "Quiz passed" in html


def test_a_quiz_of_a_lesson_still_locked_is_refused(clock, client, learner, course):
    lesson = LessonPageFactory(parent=course, opens_after_days=3)
    quiz = QuizFactory(lesson=lesson)
    data = {"token": str(uuid.uuid4()), **{f"question-{q}": ids for q, ids in right(quiz).items()}}
    response = client.post(submit_url(quiz), data)
    assert response.status_code == 403 and "Opens on" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_someone_elses_attempt_token_is_refused_with_a_message(
    client, learner, quiz, paid_lesson, course
):
    from courses.services import enrollment_grant, quiz_attempt_submit

    other = UserFactory()
    enrollment_grant(user=other, course=course, order=None)
    attempt = quiz_attempt_submit(user=other, quiz=quiz, answers=wrong(quiz), token=uuid.uuid4())
    token = attempt.token
    data = {"token": str(token), **{f"question-{q}": ids for q, ids in right(quiz).items()}}
    response = client.post(submit_url(quiz), data, follow=True)
    assert "This quiz form was used already" in response.content.decode()
    assert not QuizAttempt.objects.filter(user=learner).exists()


def test_a_free_previews_quiz_asks_signed_out_visitors_to_log_in_with_no_tokens(
    client, free_lesson
):
    QuizFactory(lesson=free_lesson)
    html = client.get(free_lesson.url).content.decode()
    assert "Log in to take the quiz" in html
    assert 'name="token"' not in html and "csrfmiddlewaretoken" not in html


def test_two_submissions_racing_for_the_last_attempt_record_one(enrolled_user, quiz, monkeypatch):
    """The loser read the attempts before the winner's was stored: the unique attempt number
    refuses it, and it is told when the next attempt opens."""
    from courses import services
    from courses.exceptions import QuizAttemptsUsed

    def submit():
        return services.quiz_attempt_submit(
            user=enrolled_user, quiz=quiz, answers=wrong(quiz), token=uuid.uuid4()
        )

    submit()
    submit()
    real_state = services.quiz_state
    reads = [real_state(user=enrolled_user, quiz=quiz)]  # what the loser read first
    submit()  # the winner
    monkeypatch.setattr(
        services, "quiz_state", lambda **kwargs: reads.pop() if reads else real_state(**kwargs)
    )
    with pytest.raises(QuizAttemptsUsed):
        submit()
    assert QuizAttempt.objects.filter(user=enrolled_user).count() == 3
