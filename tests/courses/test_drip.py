"""Drip release: lessons and modules open days after enrolling, or on a fixed date; a required
quiz holds back the modules after it. Time is moved forward, never waited for."""

import re
import uuid
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import dateformat, timezone
from wagtail.documents import get_document_model

from courses.models import LessonCompletion
from courses.selectors import lesson_access, lesson_is_open_to, quiz_questions
from courses.services import quiz_attempt_submit
from tests.courses.factories import LessonPageFactory, ModuleFactory, QuizFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def modules(course):
    return [
        ModuleFactory(course=course, title="Start here", sort_order=0),
        ModuleFactory(course=course, title="Week two", sort_order=1, opens_after_days=7),
    ]


def test_a_lesson_opens_the_given_number_of_days_after_enrolling(clock, enrolled_user, course):
    lesson = LessonPageFactory(parent=course, opens_after_days=3)
    access = lesson_access(user=enrolled_user, lesson=lesson)
    assert not access.is_open
    assert access.opens_at == clock.now + timedelta(days=3)
    clock.move(days=3, seconds=-1)
    assert not lesson_is_open_to(user=enrolled_user, lesson=lesson)
    clock.move(seconds=1)
    assert lesson_is_open_to(user=enrolled_user, lesson=lesson)


def test_a_modules_drip_holds_back_every_lesson_in_it(clock, enrolled_user, course, modules):
    start, week_two = modules
    first = LessonPageFactory(parent=course, module=start)
    later = LessonPageFactory(parent=course, module=week_two)
    assert lesson_is_open_to(user=enrolled_user, lesson=first)
    assert lesson_access(user=enrolled_user, lesson=later).opens_at == clock.now + timedelta(7)
    clock.move(days=7)
    assert lesson_is_open_to(user=enrolled_user, lesson=later)


def test_a_fixed_date_opens_a_lesson_for_everyone_enrolled_at_that_moment(
    clock, enrolled_user, course
):
    opens = clock.now + timedelta(days=10, hours=3)
    lesson = LessonPageFactory(parent=course, opens_at=opens)
    assert lesson_access(user=enrolled_user, lesson=lesson).opens_at == opens
    clock.move(days=10, hours=3)
    assert lesson_is_open_to(user=enrolled_user, lesson=lesson)


def test_with_days_and_a_date_the_later_one_counts(clock, enrolled_user, course):
    lesson = LessonPageFactory(
        parent=course, opens_after_days=2, opens_at=clock.now + timedelta(days=1)
    )
    assert lesson_access(user=enrolled_user, lesson=lesson).opens_at == clock.now + timedelta(2)


def test_a_free_preview_stays_open_whatever_its_release(clock, client, course, modules):
    lesson = LessonPageFactory(
        parent=course, module=modules[1], is_free_preview=True, opens_after_days=30
    )
    assert lesson_is_open_to(user=UserFactory(), lesson=lesson)
    assert client.get(lesson.url).status_code == 200


def test_editors_open_dripped_lessons_to_check_them(clock, course, modules):
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    lesson = LessonPageFactory(parent=course, module=modules[1])
    assert lesson_is_open_to(user=editor, lesson=lesson)


def test_a_required_quiz_holds_back_the_later_modules_until_it_is_passed(enrolled_user, course):
    start = ModuleFactory(course=course, title="Start", sort_order=0)
    next_part = ModuleFactory(course=course, title="Next", sort_order=1)
    quiz_lesson = LessonPageFactory(parent=course, module=start)
    same_module = LessonPageFactory(parent=course, module=start)
    later = LessonPageFactory(parent=course, module=next_part)
    loose = LessonPageFactory(parent=course)  # no module: after every module
    quiz = QuizFactory(lesson=quiz_lesson, is_required=True)

    access = lesson_access(user=enrolled_user, lesson=later)
    assert not access.is_open and access.quiz.pk == quiz.pk and access.opens_at is None
    assert not lesson_is_open_to(user=enrolled_user, lesson=loose)
    assert lesson_is_open_to(user=enrolled_user, lesson=same_module)

    answers = {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=quiz)}
    quiz_attempt_submit(user=enrolled_user, quiz=quiz, answers=answers, token=uuid.uuid4())
    assert lesson_is_open_to(user=enrolled_user, lesson=later)
    assert lesson_is_open_to(user=enrolled_user, lesson=loose)


def test_a_quiz_not_required_to_continue_holds_nothing_back(enrolled_user, course):
    start = ModuleFactory(course=course, sort_order=0)
    later = LessonPageFactory(parent=course, module=ModuleFactory(course=course, sort_order=1))
    QuizFactory(lesson=LessonPageFactory(parent=course, module=start), is_final_exam=True)
    assert lesson_is_open_to(user=enrolled_user, lesson=later)


# The pages: the lesson URL, its files and the outlines ------------------------------------

TIME = re.compile(r'<time datetime="([^"]+)" data-local-time>([^<]+)</time>')


@pytest.fixture
def dripped(clock, enrolled_user, course):
    """A lesson opening 7 days after enrolling, with a worksheet, and the learner signed in."""
    worksheet = get_document_model()(title="Week two worksheet")
    worksheet.file.save("week-two.txt", ContentFile(b"secret drills"))
    lesson = LessonPageFactory(
        parent=course,
        title="Week two drills",
        body="<p>The secret drill content.</p>",
        opens_after_days=7,
        resources=[("document", worksheet)],
    )
    lesson.save_revision().publish()
    return lesson, worksheet


def test_before_it_opens_the_lesson_url_shows_when_it_opens_never_its_content(
    clock, client, enrolled_user, dripped
):
    lesson, _ = dripped
    client.force_login(enrolled_user)
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 403
    assert "secret drill content" not in html and "week-two.txt" not in html
    opens = clock.now + timedelta(days=7)
    (iso, text), *_ = TIME.findall(html)
    assert datetime.fromisoformat(iso) == opens.replace(microsecond=0)
    assert text == dateformat.format(timezone.localtime(opens), "j F Y, H:i T")
    assert "Opens on" in html and "js/local-time" in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    clock.move(days=7)
    response = client.get(lesson.url)
    assert response.status_code == 200 and "secret drill content" in response.content.decode()


def test_before_it_opens_the_lessons_files_show_the_opens_on_page(
    clock, client, enrolled_user, dripped
):
    _, worksheet = dripped
    client.force_login(enrolled_user)
    response = client.get(worksheet.url)
    assert response.status_code == 403
    assert "Opens on" in response.content.decode()
    assert b"secret drills" not in response.content

    clock.move(days=7)
    response = client.get(worksheet.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"secret drills"


def test_a_dripped_lessons_file_stays_forbidden_to_visitors_not_enrolled(client, dripped):
    _, worksheet = dripped
    client.force_login(UserFactory())
    response = client.get(worksheet.url)
    assert response.status_code == 403 and "Opens on" not in response.content.decode()


def test_marking_a_lesson_complete_before_it_opens_says_when_it_opens_and_records_nothing(
    clock, client, enrolled_user, dripped
):
    lesson, _ = dripped
    client.force_login(enrolled_user)
    url = reverse("courses:lesson_complete", args=[lesson.pk])
    response = client.post(url, follow=True)
    when = dateformat.format(timezone.localtime(clock.now + timedelta(days=7)), "j F Y, H:i T")
    assert f"This lesson is not open yet. It opens on {when}." in response.content.decode()
    assert "Enrol" not in str(list(response.context["messages"]))
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()

    clock.move(days=7)
    client.post(url)
    assert LessonCompletion.objects.filter(lesson=lesson, user=enrolled_user).exists()


def test_marking_a_lesson_behind_a_required_quiz_complete_names_the_quiz(
    client, enrolled_user, course
):
    start = ModuleFactory(course=course, sort_order=0)
    quiz_lesson = LessonPageFactory(parent=course, title="Basics", module=start)
    QuizFactory(lesson=quiz_lesson, title="Basics check", is_required=True)
    later = LessonPageFactory(parent=course, module=ModuleFactory(course=course, sort_order=1))
    client.force_login(enrolled_user)
    response = client.post(reverse("courses:lesson_complete", args=[later.pk]), follow=True)
    assert "Pass “Basics check” (at the end of “Basics”) to open this lesson." in (
        response.content.decode()
    )
    assert not LessonCompletion.objects.filter(lesson=later).exists()


def test_the_outline_shows_when_a_module_opens_and_links_only_open_lessons(
    clock, client, enrolled_user, course, modules
):
    start, week_two = modules
    LessonPageFactory(parent=course, title="Welcome", module=start)
    locked = LessonPageFactory(parent=course, title="Tandem walking", module=week_two)
    client.force_login(enrolled_user)
    html = client.get(course.url).content.decode()
    assert "Opens on" in html
    assert f'href="{locked.url}"' not in html
    iso = TIME.search(html).group(1)
    assert datetime.fromisoformat(iso) == (clock.now + timedelta(days=7)).replace(microsecond=0)

    clock.move(days=7)
    html = client.get(course.url).content.decode()
    assert "Opens on" not in html and f'href="{locked.url}"' in html


def test_visitors_read_how_many_days_after_enrolling_a_module_opens(client, course, modules):
    LessonPageFactory(parent=course, module=modules[1])
    html = client.get(course.url).content.decode()
    assert "Opens 7 days after you enrol" in html


def test_a_lesson_behind_a_required_quiz_says_which_quiz_to_pass(client, enrolled_user, course):
    start = ModuleFactory(course=course, sort_order=0)
    quiz_lesson = LessonPageFactory(parent=course, title="Basics", module=start)
    QuizFactory(lesson=quiz_lesson, title="Basics check", is_required=True)
    later = LessonPageFactory(
        parent=course, module=ModuleFactory(course=course, sort_order=1), body="<p>Hidden</p>"
    )
    client.force_login(enrolled_user)
    response = client.get(later.url)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Pass “Basics check” to open this lesson" in html and "Hidden" not in html
    assert f'href="{quiz_lesson.url}#quiz"' in html


def test_an_enrolled_editor_sees_the_drip_as_learners_do(clock, course, modules):
    from courses.services import enrollment_grant

    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    enrollment_grant(user=editor, course=course, order=None)
    lesson = LessonPageFactory(parent=course, module=modules[1])
    assert not lesson_is_open_to(user=editor, lesson=lesson)


def test_my_courses_continues_at_an_open_lesson_never_a_dripped_one(
    clock, client, enrolled_user, course, modules
):
    start, week_two = modules
    welcome = LessonPageFactory(parent=course, title="Welcome", module=start)
    locked = LessonPageFactory(parent=course, title="Tandem walking", module=week_two)
    LessonCompletion.objects.create(user=enrolled_user, lesson=welcome)
    client.force_login(enrolled_user)
    html = client.get(reverse("courses:library")).content.decode()
    assert "Continue: Welcome" in html and f'href="{locked.url}"' not in html

    clock.move(days=7)
    html = client.get(reverse("courses:library")).content.decode()
    assert f'href="{locked.url}"' in html and "Continue: Tandem walking" in html


def test_my_courses_continues_before_a_required_quiz_not_after_it(client, enrolled_user, course):
    start = ModuleFactory(course=course, title="Start", sort_order=0)
    next_part = ModuleFactory(course=course, title="Next", sort_order=1)
    quiz_lesson = LessonPageFactory(parent=course, title="Check-in", module=start)
    later = LessonPageFactory(parent=course, title="Heel raises", module=next_part)
    quiz = QuizFactory(lesson=quiz_lesson, is_required=True)
    LessonCompletion.objects.create(user=enrolled_user, lesson=quiz_lesson)
    client.force_login(enrolled_user)
    assert f'href="{later.url}"' not in client.get(reverse("courses:library")).content.decode()

    answers = {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=quiz)}
    quiz_attempt_submit(user=enrolled_user, quiz=quiz, answers=answers, token=uuid.uuid4())
    html = client.get(reverse("courses:library")).content.decode()
    assert "Continue: Heel raises" in html
