"""Editors build the sales page in the Wagtail admin: modules, lessons, instructors and more."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.models import CoursePage, Instructor, LessonPage, Module
from tests.courses.factories import CoursePageFactory, InstructorFactory, ModuleFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, course):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def course_form(**overrides):
    data = {
        "title": "The Balance Gym",
        "slug": "the-balance-gym",
        "summary": "Steadier walking in ten minutes a day.",
        "hero_image": "",
        "trailer": streamfield([]),
        "description": streamfield([]),
        "learning_outcomes": "",
        "modules": inline_formset([]),
        "instructor": "",
        "testimonials": inline_formset([]),
        "questions": inline_formset([]),
        "price_cents": "14900",
        "compare_at_price_cents": "",
        "is_purchasable": "on",
        "guarantee": "",
        "seo_title": "",
        "search_description": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def lesson_form(**overrides):
    data = {
        "title": "Gaze drills",
        "slug": "gaze-drills",
        "module": "",
        "video": streamfield([]),
        "body": rich_text(""),
        "resources": streamfield([]),
        "duration_seconds_0": "12",
        "duration_seconds_1": "30",
        "is_free_preview": "",
        "opens_after_days": "",
        "opens_at": "",
        "quizzes": inline_formset([]),
        "seo_title": "",
        "search_description": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def publish(form):
    return {**form, "action-publish": "action-publish"}


def test_an_editor_adds_modules_testimonials_faq_and_the_instructor_on_the_course(
    admin_client, course
):
    instructor = InstructorFactory(name="Dr. Maya Ellison")
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    page = admin_client.get(edit_url).content.decode()
    for heading in ("Curriculum modules", "Testimonials", "Frequently asked questions"):
        assert heading in page

    response = admin_client.post(
        edit_url,
        publish(
            course_form(
                instructor=str(instructor.pk),
                guarantee="14-day money-back guarantee.",
                modules=inline_formset(
                    [{"title": "Start here", "summary": ""}, {"title": "Feet", "summary": ""}]
                ),
                testimonials=inline_formset(
                    [{"quote": "Steadier!", "author": "Carol", "author_detail": "", "rating": "5"}]
                ),
                questions=inline_formset([{"question": "Is it safe?", "answer": "Yes."}]),
            )
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    course = CoursePage.objects.get(pk=course.pk)
    assert [m.title for m in course.modules.all()] == ["Start here", "Feet"]
    assert [(t.author, t.rating) for t in course.testimonials.all()] == [("Carol", 5)]
    assert [q.question for q in course.questions.all()] == ["Is it safe?"]
    assert course.instructor == instructor
    assert course.guarantee == "14-day money-back guarantee."


def test_a_rating_outside_one_to_five_is_a_form_error(admin_client, course):
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    response = admin_client.post(
        edit_url,
        publish(
            course_form(
                testimonials=inline_formset(
                    [{"quote": "Great", "author": "Carol", "author_detail": "", "rating": "6"}]
                )
            )
        ),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not CoursePage.objects.get(pk=course.pk).testimonials.exists()


def test_a_lesson_takes_its_duration_in_minutes_and_seconds_and_chooses_its_module(
    admin_client, course
):
    module = ModuleFactory(course=course, title="Eyes and inner ear")
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    page = admin_client.get(add_url).content.decode()
    assert 'aria-label="Minutes"' in page and 'aria-label="Seconds"' in page
    assert "Eyes and inner ear" in page

    response = admin_client.post(add_url, publish(lesson_form(module=str(module.pk))))

    assert response.status_code == 302
    lesson = LessonPage.objects.get(slug="gaze-drills")
    assert lesson.duration_seconds == 750
    assert lesson.module == module
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert 'value="12"' in edit and 'value="30"' in edit


@pytest.mark.parametrize(
    "minutes, seconds, message",
    [
        ("12", "60", "Seconds must be between 0 and 59"),
        ("12", "-1", "Seconds cannot be negative."),
        ("-3", "0", "Minutes cannot be negative."),
        ("1440", "0", "A lesson must be shorter than a day."),
        ("ten", "0", "Enter a whole number."),
    ],
)
def test_a_bad_lesson_duration_is_a_clear_form_error_and_saves_nothing(
    admin_client, course, minutes, seconds, message
):
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    response = admin_client.post(
        add_url, publish(lesson_form(duration_seconds_0=minutes, duration_seconds_1=seconds))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LessonPage.objects.filter(slug="gaze-drills").exists()


def test_a_lesson_with_only_minutes_or_no_duration_is_accepted(admin_client, course):
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    admin_client.post(add_url, publish(lesson_form(duration_seconds_1="")))
    admin_client.post(
        add_url,
        publish(
            lesson_form(title="Intro", slug="intro", duration_seconds_0="", duration_seconds_1="")
        ),
    )
    assert LessonPage.objects.get(slug="gaze-drills").duration_seconds == 720
    assert LessonPage.objects.get(slug="intro").duration_seconds == 0


def test_a_lesson_cannot_choose_another_courses_module(admin_client, course, course_index):
    other = CoursePageFactory(parent=course_index, title="Pain-Free Posture")
    foreign = ModuleFactory(course=other, title="Desk work")
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    assert "Desk work" not in admin_client.get(add_url).content.decode()

    response = admin_client.post(add_url, publish(lesson_form(module=str(foreign.pk))))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not LessonPage.objects.filter(slug="gaze-drills").exists()


def test_removing_a_module_leaves_its_lessons_without_one(admin_client, course):
    module = ModuleFactory(course=course, title="Start here")
    from tests.courses.factories import LessonPageFactory

    lesson = LessonPageFactory(parent=course, module=module)
    modules = inline_formset(
        [{"id": str(module.pk), "title": "Start here", "summary": "", "DELETE": "1"}], initial=1
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]), publish(course_form(modules=modules))
    )
    assert response.status_code == 302
    assert not Module.objects.exists()
    lesson.refresh_from_db()
    assert lesson.module is None
    assert admin_client.get(course.url).status_code == 200


def test_editors_and_moderators_may_manage_instructors(client, course):
    for name in ("Editors", "Moderators"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"add_instructor", "change_instructor", "delete_instructor"} <= codenames
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    add_url = reverse("wagtailsnippets_courses_instructor:add")
    assert client.get(add_url).status_code == 200
    response = client.post(
        add_url,
        {"name": "Dr. Maya Ellison", "headline": "", "photo": "", "bio": "", "credentials": ""},
    )
    assert response.status_code == 302
    assert Instructor.objects.get().name == "Dr. Maya Ellison"


def _choices(items):
    """A ListBlock's form data: items as (id, text, is correct, explanation), in this order."""
    data = {"count": str(len(items))}
    for index, (choice_id, text, correct, explanation) in enumerate(items):
        data[str(index)] = {
            "id": choice_id,
            "deleted": "",
            "order": str(index),
            "value": {
                "text": text,
                "is_correct": "on" if correct else "",
                "explanation": explanation,
            },
        }
    return data


def _quiz_form(questions, **overrides):
    return {
        "title": "Check your understanding",
        "questions": streamfield(questions),
        "pass_percent": "80",
        "max_attempts": "3",
        "cooldown_hours": "24",
        "is_required": "on",
        "is_final_exam": "",
        **overrides,
    }


def test_an_editor_builds_a_quiz_on_a_lesson_and_its_ids_survive_reordering(admin_client, course):
    from courses.models import Quiz
    from courses.selectors import quiz_questions

    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    assert "Required to continue" in admin_client.get(add_url).content.decode()
    question = {
        "question": "Which system senses head turns?",
        "choices": _choices(
            [
                ("", "The inner ear", True, "It senses rotation."),
                ("", "The knees", False, "They sense load."),
            ]
        ),
    }
    response = admin_client.post(
        add_url,
        publish(lesson_form(quizzes=inline_formset([_quiz_form([("single", question)])]))),
    )
    assert response.status_code == 302
    quiz = Quiz.objects.get(lesson__slug="gaze-drills")
    assert quiz.is_required and not quiz.is_final_exam
    (stored,) = quiz_questions(quiz=quiz)
    inner_ear, knees = stored.choices
    assert inner_ear.is_correct and stored.correct_ids == {inner_ear.id}

    # Reordered and reworded, the choices keep their ids (attempts store those).
    question["choices"] = _choices(
        [
            (knees.id, "Your knees", False, "They sense load."),
            (inner_ear.id, "Your inner ear", True, "It senses rotation."),
        ]
    )
    edit_url = reverse("wagtailadmin_pages:edit", args=[quiz.lesson_id])
    form = _quiz_form([("single", question)])
    form["questions"]["0"]["id"] = stored.id  # as the editor's page posts it back
    quizzes = inline_formset([{"id": str(quiz.pk), **form}], initial=1)
    response = admin_client.post(edit_url, publish(lesson_form(quizzes=quizzes)))
    assert response.status_code == 302
    (again,) = quiz_questions(quiz=Quiz.objects.get(pk=quiz.pk))
    assert [c.id for c in again.choices] == [knees.id, inner_ear.id]
    assert again.choice(inner_ear.id).text == "Your inner ear" and again.id == stored.id


@pytest.mark.parametrize(
    "kind, correct, message",
    [
        ("single", [True, True], "Tick exactly one correct answer"),
        ("single", [False, False], "Tick exactly one correct answer"),
        ("multiple", [False, False], "Tick at least one correct answer."),
    ],
)
def test_a_question_without_a_sound_answer_key_is_refused(
    admin_client, course, kind, correct, message
):
    from courses.models import Quiz

    question = {
        "question": "Which?",
        "choices": _choices([("", f"Answer {n}", ok, "") for n, ok in enumerate(correct)]),
    }
    add_url = reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk))
    response = admin_client.post(
        add_url, publish(lesson_form(quizzes=inline_formset([_quiz_form([(kind, question)])])))
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Quiz.objects.exists()


def test_an_editor_sets_a_modules_drip_release(admin_client, course):
    modules = inline_formset(
        [{"title": "Week two", "summary": "", "opens_after_days": "7", "opens_at": ""}]
    )
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]), publish(course_form(modules=modules))
    )
    assert response.status_code == 302
    assert Module.objects.get(course=course).opens_after_days == 7
