"""Who may see a lesson and its files: checked on every request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from courses.models import Enrollment
from courses.selectors import CourseAccess
from tests.courses.factories import LessonPageFactory

pytestmark = pytest.mark.django_db


def test_free_preview_lesson_is_shown_to_anonymous_visitors(client, free_lesson):
    response = client.get(free_lesson.url)
    assert response.status_code == 200
    assert b"Welcome" in response.content


def test_paid_lesson_sends_anonymous_visitors_to_the_course_sales_page(client, paid_lesson, course):
    response = client.get(paid_lesson.url, follow=True)
    assert response.redirect_chain[-1][0] == course.url
    assert b"Add to cart" in response.content
    assert b"Enrol to watch it" in response.content


def test_paid_lesson_is_refused_to_a_logged_in_user_who_does_not_own_the_course(
    client, user, paid_lesson, course
):
    client.force_login(user)
    response = client.get(paid_lesson.url)
    assert response.status_code == 302
    assert response["Location"] == course.url


def test_paid_lesson_is_shown_to_an_enrolled_user_and_kept_out_of_shared_caches(
    client, enrolled_user, paid_lesson
):
    client.force_login(enrolled_user)
    response = client.get(paid_lesson.url)
    assert response.status_code == 200
    assert b"Gaze drills" in response.content
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_a_revoked_enrollment_no_longer_opens_paid_lessons(client, enrolled_user, paid_lesson):
    Enrollment.objects.update(revoked_at=timezone.now())
    client.force_login(enrolled_user)
    assert client.get(paid_lesson.url).status_code == 302


@pytest.fixture
def worksheet(paid_lesson):
    document = get_document_model()(title="Worksheet")
    document.file.save("worksheet.txt", ContentFile(b"drill log"))
    paid_lesson.resources = [("document", document)]
    paid_lesson.save_revision().publish()
    return document


def test_a_paid_lessons_document_is_forbidden_to_anonymous_visitors(client, worksheet):
    response = client.get(worksheet.url)
    assert response.status_code == 403


def test_a_paid_lessons_document_is_served_to_enrolled_users(client, enrolled_user, worksheet):
    client.force_login(enrolled_user)
    response = client.get(worksheet.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"drill log"


def test_a_paid_lessons_document_is_refused_again_once_access_is_revoked(
    client, enrolled_user, worksheet
):
    client.force_login(enrolled_user)
    assert client.get(worksheet.url).status_code == 200
    Enrollment.objects.update(revoked_at=timezone.now())
    assert client.get(worksheet.url).status_code == 403


def test_a_paid_lessons_video_file_is_gated_like_its_resources(client, paid_lesson):
    video = get_document_model()(title="Lesson video")
    video.file.save("lesson.mp4", ContentFile(b"\x00\x00video"))
    paid_lesson.video = [("video", {"title": "Lesson", "file": video})]
    paid_lesson.save_revision().publish()
    assert client.get(video.url).status_code == 403


def test_documents_no_lesson_uses_stay_public(client, db):
    document = get_document_model()(title="Reading list")
    document.file.save("reading.txt", ContentFile(b"books"))
    assert client.get(document.url).status_code == 200


def test_a_document_shared_with_a_free_preview_lesson_is_public(client, course, worksheet):
    free = LessonPageFactory(parent=course, is_free_preview=True)
    free.resources = [("document", worksheet)]
    free.save_revision().publish()
    assert client.get(worksheet.url).status_code == 200


@pytest.fixture
def editor(django_user_model):
    editor = django_user_model.objects.create_user(
        email="editor@example.com", password="x-pass-123"
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def test_editors_see_paid_lessons_and_their_files_without_buying(
    client, editor, paid_lesson, worksheet
):
    client.force_login(editor)
    assert client.get(paid_lesson.url).status_code == 200
    assert client.get(worksheet.url).status_code == 200


@pytest.mark.parametrize(
    ("how", "is_editor"),
    [
        ("customer", False),
        ("Editors group", True),
        ("own permission", True),
        ("superuser", True),
        ("inactive, own permission", False),
    ],
)
def test_the_editor_check_gives_what_has_perm_gives_in_one_query(
    how, is_editor, django_user_model, django_assert_max_num_queries
):
    user = django_user_model.objects.create_user(email="who@example.com", password="x-pass-123")
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    if how == "Editors group":
        user.groups.add(Group.objects.get(name="Editors"))
    elif how.endswith("own permission"):
        user.user_permissions.add(access_admin)
        user.is_active = not how.startswith("inactive")
    elif how == "superuser":
        user.is_superuser = True
    user.save()
    user = django_user_model.objects.get(pk=user.pk)
    access = CourseAccess(user=user, granted_at=None, modules=[], quizzes=[], now=timezone.now())
    with django_assert_max_num_queries(1):
        assert access.is_editor is is_editor
    assert user.has_perm("wagtailadmin.access_admin") is is_editor
