"""Reads about courses: who may see what, progress, a user's library."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from wagtail.documents.models import AbstractDocument
from wagtail.models import Page, ReferenceIndex

from courses.models import (
    CoursePage,
    CourseQuestion,
    Enrollment,
    Instructor,
    LessonCompletion,
    LessonPage,
    Module,
    Testimonial,
)

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
class CurriculumSection:
    """A module and its live lessons in order; `module` is None for lessons without one."""

    module: Module | None
    lessons: list[LessonPage]

    @property
    def total_seconds(self) -> int:
        return sum(lesson.duration_seconds for lesson in self.lessons)


@dataclass(frozen=True)
class Curriculum:
    """A course's live lessons grouped by module: modules in their editor-set order, lessons
    in page order within each, and lessons without a module (or whose module is gone) last.

    This is the one course order: the outline, progress and a lesson's previous/next follow it.
    """

    sections: list[CurriculumSection] = field(default_factory=list)

    @property
    def lessons(self) -> list[LessonPage]:
        return [lesson for section in self.sections for lesson in section.lessons]

    @property
    def total_seconds(self) -> int:
        return sum(section.total_seconds for section in self.sections)

    @property
    def preview_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.is_free_preview)

    @property
    def has_modules(self) -> bool:
        return any(section.module for section in self.sections)


def curricula(*, courses: Iterable[CoursePage]) -> dict[int, Curriculum]:
    """The curriculum of each course, by course id, in two queries whatever their number."""
    courses = list(courses)
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    step = Page.steplen
    children = Q()
    for course in courses:
        children |= Q(path__startswith=course.path, depth=course.depth + 1)
    lessons = LessonPage.objects.live().filter(children).order_by("path")
    modules = Module.objects.filter(course_id__in=by_path.values()).order_by("sort_order", "pk")
    grouped: dict[int, dict[int | None, list[LessonPage]]] = {pk: {} for pk in by_path.values()}
    module_ids = {module.pk: module.course_id for module in modules}
    for lesson in lessons:
        course_id = by_path[lesson.path[:-step]]
        key = lesson.module_id if module_ids.get(lesson.module_id) == course_id else None
        grouped[course_id].setdefault(key, []).append(lesson)
    result = {}
    for course_id, by_module in grouped.items():
        sections = [
            CurriculumSection(module=module, lessons=by_module[module.pk])
            for module in modules
            if module.course_id == course_id and module.pk in by_module
        ]
        if None in by_module:
            sections.append(CurriculumSection(module=None, lessons=by_module[None]))
        result[course_id] = Curriculum(sections=sections)
    return result


def course_curriculum(*, course: CoursePage) -> Curriculum:
    """One course's curriculum (see Curriculum for the order)."""
    return curricula(courses=[course])[course.pk]


@dataclass(frozen=True)
class SalesFacts:
    """What a course's sales page shows beside the course's own fields, read in a fixed
    number of queries: the curriculum, instructor, testimonials and FAQ (the refund policy
    is the "Trust pages" setting's, linked through `trust_page_links`)."""

    curriculum: Curriculum
    instructor: Instructor | None
    testimonials: list[Testimonial]
    questions: list[CourseQuestion]

    @property
    def rated_testimonials(self) -> list[Testimonial]:
        return [testimonial for testimonial in self.testimonials if testimonial.rating]

    @property
    def average_rating(self) -> float | None:
        """The mean of the star ratings given, to one decimal; None when nobody rated."""
        ratings = [testimonial.rating for testimonial in self.rated_testimonials]
        return round(sum(ratings) / len(ratings), 1) if ratings else None


def course_sales_facts(*, course: CoursePage) -> SalesFacts:
    """Everything the sales page needs about `course` beyond its own fields."""
    instructor = (
        Instructor.objects.select_related("photo").filter(pk=course.instructor_id).first()
        if course.instructor_id
        else None
    )
    return SalesFacts(
        curriculum=course_curriculum(course=course),
        instructor=instructor,
        testimonials=list(course.testimonials.all()),
        questions=list(course.questions.all()),
    )


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


def progress_by_course(
    *, user: AbstractBaseUser, courses: Iterable[CoursePage]
) -> dict[int, Progress]:
    """How far the user is through each of `courses` (by id), in a fixed number of queries."""
    by_course = curricula(courses=courses)
    lesson_ids = [lesson.pk for c in by_course.values() for lesson in c.lessons]
    done = set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids).values_list(
            "lesson_id", flat=True
        )
    )
    result = {}
    for course_id, curriculum in by_course.items():
        lessons = curriculum.lessons
        completed = [lesson for lesson in lessons if lesson.pk in done]
        next_lesson = next(
            (lesson for lesson in lessons if lesson.pk not in done),
            lessons[0] if lessons else None,
        )
        result[course_id] = Progress(
            completed=len(completed), total=len(lessons), next_lesson=next_lesson
        )
    return result


def course_progress(*, user: AbstractBaseUser, course: CoursePage) -> Progress:
    """How far the user is through the course's live lessons, and where to pick up."""
    return progress_by_course(user=user, courses=[course])[course.pk]


def owned_courses(*, user: AbstractBaseUser):
    """The live courses the user holds an active enrollment in, newest enrollment first."""
    return (
        CoursePage.objects.live()
        .filter(enrollments__user=user, enrollments__revoked_at__isnull=True)
        .order_by("-enrollments__granted_at")
        .select_related("hero_image")
    )


@dataclass(frozen=True)
class LibraryEntry:
    course: CoursePage
    progress: Progress


def user_library(*, user: AbstractBaseUser) -> list[LibraryEntry]:
    """The courses a user may watch ("My courses"), newest enrollment first, with progress."""
    courses = list(owned_courses(user=user))
    progress = progress_by_course(user=user, courses=courses)
    return [LibraryEntry(course=course, progress=progress[course.pk]) for course in courses]


def owned_course_progress(*, request: HttpRequest, course: CoursePage) -> Progress | None:
    """The signed-in visitor's progress in `course` if they own it (an active enrollment),
    else None. Anonymous visitors own nothing, and this asks the database nothing for them.

    Every owned course's progress is read once per request (the first card or page that asks),
    so a listing of many courses costs the same few queries as one. Only renderings for a
    signed-in visitor can show it; those are never stored in the shared page cache
    (website.content.page_cache keys only anonymous requests).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    progress = getattr(request, "_owned_course_progress", None)
    if progress is None:
        progress = progress_by_course(user=user, courses=owned_courses(user=user))
        request._owned_course_progress = progress
    return progress.get(course.pk)


def owned_course_ids(*, user: Visitor) -> set[int]:
    """Ids of the courses the user already has access to (to refuse buying them twice)."""
    if not user.is_authenticated:
        return set()
    return set(
        Enrollment.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "course_id", flat=True
        )
    )


def course_is_complete(*, user: Visitor, course: CoursePage) -> bool:
    """True once the user has completed every live lesson of the course (a course without
    lessons is never complete). The one test of completion: certificates and certifications
    are issued on it."""
    if not user.is_authenticated:
        return False
    progress = course_progress(user=user, course=course)
    return progress.total > 0 and progress.completed == progress.total
