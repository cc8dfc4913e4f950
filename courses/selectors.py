"""Reads about courses: who may see what, progress, a user's library."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from wagtail.documents.models import AbstractDocument
from wagtail.models import ReferenceIndex

from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage

Visitor = AbstractBaseUser | AnonymousUser


def enrollments_active_for_order(*, order) -> QuerySet[Enrollment]:
    """The access `order` granted that it still gives: what a full refund would revoke."""
    return Enrollment.objects.filter(order=order, revoked_at__isnull=True)


def user_is_enrolled(*, user: Visitor, course: CoursePage) -> bool:
    """True while the user holds an enrollment in the course that has not been revoked."""
    if not user.is_authenticated:
        return False
    return Enrollment.objects.filter(user=user, course=course, revoked_at__isnull=True).exists()


def lesson_is_open_to(*, user: Visitor, lesson: LessonPage) -> bool:
    """A lesson is open to everyone when it is a free preview, otherwise only to the enrolled.

    Editors (anyone who may use the Wagtail admin) see every lesson, so they can preview
    and check the courses they make.
    """
    if lesson.is_free_preview:
        return True
    if not user.is_authenticated:
        return False
    if user.has_perm("wagtailadmin.access_admin"):
        return True
    return Enrollment.objects.filter(
        user=user, course__pk=lesson.get_parent().pk, revoked_at__isnull=True
    ).exists()


def lesson_is_completed(*, user: Visitor, lesson: LessonPage) -> bool:
    """True once the (logged-in) user has marked the lesson complete."""
    return (
        user.is_authenticated and LessonCompletion.objects.filter(user=user, lesson=lesson).exists()
    )


def document_is_open_to(*, user: Visitor, document: AbstractDocument) -> bool:
    """A document used by any lesson is open only to those who may see one of those lessons.

    Documents no lesson uses (episode attachments, reading lists) stay public. The lookup goes
    through Wagtail's reference index, so videos and resources chosen in StreamFields count.
    """
    lesson_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(content_type=ContentType.objects.get_for_model(LessonPage))
        .values_list("object_id", flat=True)
    )
    lessons = list(LessonPage.objects.filter(pk__in=[int(pk) for pk in lesson_ids]))
    if not lessons:
        return True
    return any(lesson_is_open_to(user=user, lesson=lesson) for lesson in lessons)


@dataclass(frozen=True)
class Progress:
    """Completed lessons out of the course's live lessons; percent is whole, 0 to 100.

    `next_lesson` is the first lesson not yet completed (the first lesson once all are done).
    """

    completed: int
    total: int
    next_lesson: LessonPage | None = None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


def course_progress(*, user: AbstractBaseUser, course: CoursePage) -> Progress:
    """How far the user is through the course's live lessons, and where to pick up."""
    lessons = list(LessonPage.objects.child_of(course).live())
    done = set(
        LessonCompletion.objects.filter(user=user, lesson__in=lessons).values_list(
            "lesson_id", flat=True
        )
    )
    next_lesson = next(
        (lesson for lesson in lessons if lesson.pk not in done), lessons[0] if lessons else None
    )
    return Progress(completed=len(done), total=len(lessons), next_lesson=next_lesson)


@dataclass(frozen=True)
class LibraryEntry:
    course: CoursePage
    progress: Progress


def user_library(*, user: AbstractBaseUser) -> list[LibraryEntry]:
    """The courses a user may watch ("My courses"), newest enrollment first, with progress."""
    courses = (
        CoursePage.objects.live()
        .filter(enrollments__user=user, enrollments__revoked_at__isnull=True)
        .order_by("-enrollments__granted_at")
        .select_related("hero_image")
    )
    return [
        LibraryEntry(course=course, progress=course_progress(user=user, course=course))
        for course in courses
    ]


def owned_course_ids(*, user: Visitor) -> set[int]:
    """Ids of the courses the user already has access to (to refuse buying them twice)."""
    if not user.is_authenticated:
        return set()
    return set(
        Enrollment.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "course_id", flat=True
        )
    )
