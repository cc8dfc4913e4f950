"""The learner's pages are valid HTML: the outline with progress and locks, a lesson with its
quiz form, the review after an attempt, a form with errors, and the "opens on" page."""

import pytest

from courses.models import CoursePage, LessonPage, Quiz
from courses.selectors import quiz_questions
from courses.services import enrollment_grant
from tests.website.test_html_validity import _checker, assert_no_html_errors

pytestmark = pytest.mark.django_db


def test_the_learners_pages_have_no_html_errors(client, demo_database, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    checker = _checker()
    settings.DEBUG = False
    learner = get_user_model().objects.get(email="customer@coachhouse.test")
    for slug in ("the-balance-gym", "pain-free-posture"):
        enrollment_grant(user=learner, course=CoursePage.objects.get(slug=slug), order=None)
    client.force_login(learner)
    quiz = Quiz.objects.get(lesson__title="Head turns while walking")
    lesson = quiz.lesson
    pages = {
        "course outline": client.get("/courses/the-balance-gym/"),
        "lesson with quiz": client.get(lesson.url),
        "quiz form errors": client.post(reverse("courses:quiz_submit", args=[quiz.pk]), {}),
        "opens on": client.get(LessonPage.objects.get(title="The desk routine").url),
        "behind a quiz": client.get(LessonPage.objects.get(title="Uneven ground and turns").url),
    }
    token = client.get(lesson.url).content.decode().split('name="token" value="')[1][:36]
    wrong = {
        f"question-{q.id}": [next(c.id for c in q.choices if not c.is_correct)]
        for q in quiz_questions(quiz=quiz)
    }
    client.post(reverse("courses:quiz_submit", args=[quiz.pk]), {"token": token, **wrong})
    pages["quiz review"] = client.get(lesson.url)
    assert "Not passed" in pages["quiz review"].content.decode()
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400, 403), name
        file = tmp_path / f"{name.replace(' ', '-')}.html"
        file.write_bytes(response.content)
        files.append((file, name))
    assert_no_html_errors(checker, files)
