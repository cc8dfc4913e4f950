"""Reads about courses: who may see what, progress, a user's library."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.http import HttpRequest
from django.utils import timezone
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
    Quiz,
    QuizAttempt,
    Testimonial,
)
from shop.models import Membership

Visitor = AbstractBaseUser | AnonymousUser


def enrollments_active_for_order(*, order) -> QuerySet[Enrollment]:
    """The access `order` granted that it still gives: what a full refund would revoke."""
    return Enrollment.objects.filter(order=order, revoked_at__isnull=True)


def user_is_enrolled(*, user: Visitor, course: CoursePage) -> bool:
    """True while the user holds an enrollment in the course that has not been revoked."""
    if not user.is_authenticated:
        return False
    return Enrollment.objects.filter(user=user, course=course, revoked_at__isnull=True).exists()


def release_time(
    *, opens_at: datetime | None, opens_after_days: int | None, granted_at: datetime
) -> datetime | None:
    """When a drip-released module or lesson opens for a learner enrolled at `granted_at`: the
    later of its fixed date and `opens_after_days` after enrolling; None when neither is set."""
    times = [opens_at] if opens_at else []
    if opens_after_days:
        times.append(granted_at + timedelta(days=opens_after_days))
    return max(times, default=None)


@dataclass(frozen=True)
class LessonAccess:
    """Whether a visitor may open a lesson and, when not, what stands in the way: `opens_at`
    (drip release not reached yet), `quiz` (a required quiz of an earlier module to pass
    first), or neither (the visitor is not enrolled)."""

    is_open: bool
    opens_at: datetime | None = None
    quiz: Quiz | None = None
    # The lesson refused, where the answer is about a file (one of the lessons using it).
    lesson: LessonPage | None = None

    @property
    def needs_enrollment(self) -> bool:
        return not self.is_open and self.opens_at is None and self.quiz is None


OPEN = LessonAccess(is_open=True)
NOT_ENROLLED = LessonAccess(is_open=False)


class CourseAccess:
    """The facts that decide which of one course's lessons a visitor may open, read once for
    the course (course_access), and the one rule that applies them (`lesson_access`).

    The rule, in order: a free preview is open to everyone; an editor (anyone who may use the
    Wagtail admin) who is not enrolled opens every lesson, to check what they make; everyone
    else needs an active enrollment, and then the lesson and its module must both be released
    (drip: days after `granted_at`, or a fixed date) and every quiz marked "required to
    continue" in an earlier module passed. An enrolled editor is a learner like any other and
    sees the course as learners do (which is also how an editor tries the drip out).
    """

    def __init__(
        self,
        *,
        user: Visitor,
        granted_at: datetime | None,
        modules: list[Module],
        quizzes: list[Quiz],
        now: datetime,
    ):
        self.user = user
        self.granted_at = granted_at
        self.modules = {module.pk: module for module in modules}
        self.positions = {module.pk: position for position, module in enumerate(modules)}
        # Every quiz of the course's live lessons, annotated with `is_passed` for this user.
        self.quizzes = quizzes
        self.now = now

    @cached_property
    def is_editor(self) -> bool:
        """May use the Wagtail admin (as `has_perm("wagtailadmin.access_admin")` decides), in
        one query: `has_perm` reads every permission of the user and of their groups (two)."""
        user = self.user
        if not (user.is_authenticated and user.is_active):
            return False
        if user.is_superuser:
            return True
        return (
            Permission.objects.filter(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
            .filter(Q(user=user) | Q(group__user=user))
            .exists()
        )

    @property
    def is_enrolled(self) -> bool:
        return self.granted_at is not None

    def _position(self, module_id: int | None) -> int:
        """A module's place in the course; lessons without a module come after every module."""
        return self.positions.get(module_id, len(self.positions))

    def opens_at(self, lesson: LessonPage) -> datetime | None:
        """When the lesson (with its module) is released to this learner; None: no drip."""
        if self.granted_at is None:
            return None
        times = [
            release_time(
                opens_at=item.opens_at,
                opens_after_days=item.opens_after_days,
                granted_at=self.granted_at,
            )
            for item in (lesson, self.modules.get(lesson.module_id))
            if item is not None
        ]
        return max((time for time in times if time), default=None)

    def blocking_quiz(self, lesson: LessonPage) -> Quiz | None:
        """The first required quiz of an earlier module the learner has not passed yet."""
        position = self._position(lesson.module_id)
        return next(
            (
                quiz
                for quiz in self.quizzes
                if quiz.is_required
                and not quiz.is_passed
                and self._position(quiz.module_id) < position
            ),
            None,
        )

    def lesson_access(self, lesson: LessonPage) -> LessonAccess:
        if lesson.is_free_preview:
            return OPEN
        if not self.is_enrolled:
            return OPEN if self.is_editor else NOT_ENROLLED
        opens_at = self.opens_at(lesson)
        if opens_at and opens_at > self.now:
            return LessonAccess(is_open=False, opens_at=opens_at)
        if quiz := self.blocking_quiz(lesson):
            return LessonAccess(is_open=False, quiz=quiz)
        return OPEN


def _course_path(lesson: LessonPage) -> str:
    return lesson.path[: -Page.steplen]


def course_quizzes(*, user: Visitor, course_path: str) -> list[Quiz]:
    """Every quiz of the course's live lessons, in curriculum order neither here nor there,
    each with `module_id` (its lesson's) and `is_passed` (by `user`), in one query."""
    passed = (
        Exists(QuizAttempt.objects.filter(quiz=OuterRef("pk"), user=user, is_passed=True))
        if user.is_authenticated
        else Value(False)
    )
    return list(
        Quiz.objects.filter(
            lesson__path__startswith=course_path,
            lesson__depth=len(course_path) // Page.steplen + 1,
            lesson__live=True,
        )
        .annotate(module_id=F("lesson__module_id"), is_passed=passed)
        .order_by("pk")
    )


def course_access(
    *, user: Visitor, course_path: str, modules: list[Module] | None = None
) -> CourseAccess:
    """What decides access to the lessons of the course at `course_path` (see CourseAccess).

    Nothing is asked for anonymous visitors; for the signed-in, the enrollment, then (only
    when enrolled) the course's modules, unless given in order, and its quizzes.
    """
    granted_at = None
    if user.is_authenticated:
        granted_at = (
            Enrollment.objects.filter(user=user, course__path=course_path, revoked_at__isnull=True)
            .values_list("granted_at", flat=True)
            .first()
        )
        if granted_at is None:
            # A member of a plan granting the course is enrolled from the membership's start
            # (drip release counts from it), while the membership gives access.
            granted_at = (
                Membership.objects.filter(user=user)
                .giving_access()
                .filter(Q(plan__grants_all_courses=True) | Q(plan__courses__path=course_path))
                .order_by("started_at")
                .values_list("started_at", flat=True)
                .first()
            )
    if granted_at is None:
        return CourseAccess(user=user, granted_at=None, modules=[], quizzes=[], now=timezone.now())
    if modules is None:
        modules = list(Module.objects.filter(course__path=course_path).order_by("sort_order", "pk"))
    return CourseAccess(
        user=user,
        granted_at=granted_at,
        modules=modules,
        quizzes=course_quizzes(user=user, course_path=course_path),
        now=timezone.now(),
    )


def lesson_access(*, user: Visitor, lesson: LessonPage) -> LessonAccess:
    """Whether `user` may open `lesson`, and if not why (the rule: CourseAccess)."""
    if lesson.is_free_preview:
        return OPEN
    return course_access(user=user, course_path=_course_path(lesson)).lesson_access(lesson)


def lesson_is_open_to(*, user: Visitor, lesson: LessonPage) -> bool:
    """True when `user` may open `lesson` now (free preview, editor, or enrolled and released)."""
    return lesson_access(user=user, lesson=lesson).is_open


def lesson_is_completed(*, user: Visitor, lesson: LessonPage) -> bool:
    """True once the (logged-in) user has marked the lesson complete."""
    return (
        user.is_authenticated and LessonCompletion.objects.filter(user=user, lesson=lesson).exists()
    )


def document_access(*, user: Visitor, document: AbstractDocument) -> LessonAccess:
    """A document used by any lesson is open only to those who may open one of those lessons.

    Documents no lesson uses (episode attachments, reading lists) stay public. The lookup goes
    through Wagtail's reference index, so videos and resources chosen in StreamFields count.
    When every lesson using it is closed, the answer is the soonest to open (drip), else a
    quiz to pass, else enrollment.
    """
    lesson_ids = (
        ReferenceIndex.get_references_to(document)
        .filter(content_type=ContentType.objects.get_for_model(LessonPage))
        .values_list("object_id", flat=True)
    )
    lessons = list(LessonPage.objects.filter(pk__in=[int(pk) for pk in lesson_ids]))
    if not lessons:
        return OPEN
    refusals = []
    for lesson in lessons:
        access = lesson_access(user=user, lesson=lesson)
        if access.is_open:
            return access
        refusals.append(replace(access, lesson=lesson))
    dripped = [access for access in refusals if access.opens_at]
    if dripped:
        return min(dripped, key=lambda access: access.opens_at)
    return next((access for access in refusals if access.quiz), NOT_ENROLLED)


def document_is_open_to(*, user: Visitor, document: AbstractDocument) -> bool:
    """True when `user` may download `document` (see document_access)."""
    return document_access(user=user, document=document).is_open


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
    # Every module of the course in order, those without live lessons too (access needs them).
    modules: list[Module] = field(default_factory=list)

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
        result[course_id] = Curriculum(
            sections=sections,
            modules=[module for module in modules if module.course_id == course_id],
        )
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


def course_accesses(
    *, user: AbstractBaseUser, curricula_by_course: dict[int, Curriculum]
) -> dict[int, CourseAccess]:
    """Each course's CourseAccess for `user` (by course id), as `course_access` reads it for
    one course, in three queries whatever their number: the enrollments, the memberships
    granting them, and the quizzes of their lessons with whether `user` passed each."""
    course_ids = list(curricula_by_course)
    granted = dict(
        Enrollment.objects.filter(user=user, course_id__in=course_ids, revoked_at__isnull=True)
        .order_by("-granted_at")
        .values_list("course_id", "granted_at")
    )
    if missing := [pk for pk in course_ids if pk not in granted]:
        # A member is enrolled from the membership's start (drip counts from it).
        rows = (
            Membership.objects.filter(user=user)
            .giving_access()
            .filter(Q(plan__grants_all_courses=True) | Q(plan__courses__pk__in=missing))
            .order_by("started_at")
            .values_list("started_at", "plan__grants_all_courses", "plan__courses__pk")
        )
        for started_at, grants_all, course_id in rows:
            for pk in missing if grants_all else [course_id]:
                if pk in missing:
                    granted.setdefault(pk, started_at)
    lesson_course = {
        lesson.pk: course_id
        for course_id, curriculum in curricula_by_course.items()
        for lesson in curriculum.lessons
    }
    quizzes: dict[int, list[Quiz]] = {pk: [] for pk in course_ids}
    if any(pk in granted for pk in course_ids):
        passed = Exists(QuizAttempt.objects.filter(quiz=OuterRef("pk"), user=user, is_passed=True))
        for quiz in (
            Quiz.objects.filter(lesson_id__in=lesson_course)
            .annotate(module_id=F("lesson__module_id"), is_passed=passed)
            .order_by("pk")
        ):
            quizzes[lesson_course[quiz.lesson_id]].append(quiz)
    now = timezone.now()
    return {
        pk: CourseAccess(
            user=user,
            granted_at=granted.get(pk),
            modules=curriculum.modules if pk in granted else [],
            quizzes=quizzes[pk] if pk in granted else [],
            now=now,
        )
        for pk, curriculum in curricula_by_course.items()
    }


def progress_by_course(
    *, user: AbstractBaseUser, courses: Iterable[CoursePage]
) -> dict[int, Progress]:
    """How far the user is through each of `courses` (by id), in a fixed number of queries.
    The next lesson is the first one the learner may open now and has not done (drip release
    and required quizzes count, as in the outline), else the first open one, else None."""
    by_course = curricula(courses=courses)
    accesses = course_accesses(user=user, curricula_by_course=by_course)
    lesson_ids = [lesson.pk for c in by_course.values() for lesson in c.lessons]
    done = set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids).values_list(
            "lesson_id", flat=True
        )
    )
    result = {}
    for course_id, curriculum in by_course.items():
        lessons = curriculum.lessons
        access = accesses[course_id]
        open_lessons = [lesson for lesson in lessons if access.lesson_access(lesson).is_open]
        next_lesson = next(
            (lesson for lesson in open_lessons if lesson.pk not in done),
            open_lessons[0] if open_lessons else None,
        )
        result[course_id] = Progress(
            completed=sum(1 for lesson in lessons if lesson.pk in done),
            total=len(lessons),
            next_lesson=next_lesson,
        )
    return result


def course_progress(*, user: AbstractBaseUser, course: CoursePage) -> Progress:
    """How far the user is through the course's live lessons, and where to pick up."""
    return progress_by_course(user=user, courses=[course])[course.pk]


@dataclass(frozen=True)
class OutlineLesson:
    """A lesson in a learner's outline: done or not, and open or what holds it back."""

    lesson: LessonPage
    is_completed: bool
    access: LessonAccess
    quiz: Quiz | None = None


@dataclass(frozen=True)
class OutlineSection:
    """A module's (or the module-less) lessons in the outline, with the learner's tally."""

    module: Module | None
    lessons: list[OutlineLesson]
    total_seconds: int

    @property
    def completed(self) -> int:
        return sum(1 for item in self.lessons if item.is_completed)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def opens_at(self) -> datetime | None:
        """When the module opens, while every lesson in it waits for a date (drip)."""
        times = [item.access.opens_at for item in self.lessons]
        return min(times) if times and all(times) else None


@dataclass(frozen=True)
class Outline:
    """A course's curriculum as one visitor sees it: per lesson done / open / when it opens,
    per module done of total. `is_enrolled` tells a learner's outline from a visitor's (whose
    lessons are open only as free previews, and who has no progress)."""

    sections: list[OutlineSection]
    is_enrolled: bool
    has_modules: bool

    @property
    def lessons(self) -> list[OutlineLesson]:
        return [item for section in self.sections for item in section.lessons]

    @property
    def progress(self) -> Progress:
        """Done out of all; the next lesson is the first open one not done yet."""
        lessons = self.lessons
        open_lessons = [item.lesson for item in lessons if item.access.is_open]
        next_lesson = next(
            (item.lesson for item in lessons if item.access.is_open and not item.is_completed),
            open_lessons[0] if open_lessons else None,
        )
        return Progress(
            completed=sum(1 for item in lessons if item.is_completed),
            total=len(lessons),
            next_lesson=next_lesson,
        )


def course_outline(
    *,
    user: Visitor,
    course: CoursePage,
    curriculum: Curriculum | None = None,
    access: CourseAccess | None = None,
) -> Outline:
    """The course's outline for `user` (see Outline), in a fixed number of queries however
    many lessons, modules and quizzes: the curriculum (unless given), the access facts
    (unless given) and, for a learner, their completions."""
    curriculum = curriculum or course_curriculum(course=course)
    access = access or course_access(user=user, course_path=course.path, modules=curriculum.modules)
    done: set[int] = set()
    if access.is_enrolled:
        done = set(
            LessonCompletion.objects.filter(
                user=user, lesson_id__in=[lesson.pk for lesson in curriculum.lessons]
            ).values_list("lesson_id", flat=True)
        )
    quizzes = {quiz.lesson_id: quiz for quiz in access.quizzes}
    return Outline(
        sections=[
            OutlineSection(
                module=section.module,
                lessons=[
                    OutlineLesson(
                        lesson=lesson,
                        is_completed=lesson.pk in done,
                        access=access.lesson_access(lesson),
                        quiz=quizzes.get(lesson.pk),
                    )
                    for lesson in section.lessons
                ],
                total_seconds=section.total_seconds,
            )
            for section in curriculum.sections
        ],
        is_enrolled=access.is_enrolled,
        has_modules=curriculum.has_modules,
    )


def owned_courses(*, user: AbstractBaseUser):
    """The live courses the user holds an active enrollment in, newest enrollment first."""
    return (
        CoursePage.objects.live()
        .filter(enrollments__user=user, enrollments__revoked_at__isnull=True)
        .order_by("-enrollments__granted_at")
        .select_related("hero_image")
    )


def member_courses(*, user: AbstractBaseUser):
    """The live courses the user may open through a membership giving access now (its plan's
    courses, or every course for an "all courses" plan), by title; none once access ends."""
    memberships = Membership.objects.filter(user=user).giving_access()
    courses = CoursePage.objects.live()
    if not memberships.filter(plan__grants_all_courses=True).exists():
        courses = courses.filter(membership_plans__memberships__in=memberships)
    return courses.distinct().order_by("title", "pk").select_related("hero_image")


@dataclass(frozen=True)
class LibraryEntry:
    course: CoursePage
    progress: Progress
    # Reached through an active membership rather than owned (an enrollment).
    is_with_membership: bool = False


def user_library(*, user: AbstractBaseUser) -> list[LibraryEntry]:
    """The courses a user may watch ("My courses"), with progress: the owned ones newest
    enrollment first, then those an active membership opens (each course listed once)."""
    owned = list(owned_courses(user=user))
    owned_ids = {course.pk for course in owned}
    with_membership = [c for c in member_courses(user=user) if c.pk not in owned_ids]
    progress = progress_by_course(user=user, courses=[*owned, *with_membership])
    return [LibraryEntry(course=course, progress=progress[course.pk]) for course in owned] + [
        LibraryEntry(course=course, progress=progress[course.pk], is_with_membership=True)
        for course in with_membership
    ]


def owned_course_progress(*, request: HttpRequest, course: CoursePage) -> Progress | None:
    """The signed-in visitor's progress in `course` if they own it (an active enrollment),
    else None. Anonymous visitors own nothing, and this asks the database nothing for them.

    Every owned course's progress is read once per request (the first card or page that asks),
    so a listing of many courses costs the same few queries as one. Only renderings for a
    signed-in visitor can show it; those are never stored in the shared page cache, and the
    `owned_course` tag marks the page as one signed-in visitors never read from it.
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


# Quizzes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizChoice:
    """One answer of a question, by the stable id Wagtail gave it."""

    id: str
    text: str
    is_correct: bool
    explanation: str


@dataclass(frozen=True)
class QuizQuestion:
    """A question by its stable id; `is_multiple`: tick every correct choice, and only those."""

    id: str
    text: str
    is_multiple: bool
    choices: tuple[QuizChoice, ...]

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices if choice.is_correct)

    def choice(self, choice_id: str) -> QuizChoice | None:
        return next((choice for choice in self.choices if choice.id == choice_id), None)


def quiz_questions(*, quiz: Quiz) -> list[QuizQuestion]:
    """The quiz's questions as the editor ordered them, with the answer key (server side only)."""
    return [
        QuizQuestion(
            id=block.id,
            text=block.value["question"],
            is_multiple=block.block_type == "multiple",
            choices=tuple(
                QuizChoice(
                    id=item.id,
                    text=item.value["text"],
                    is_correct=bool(item.value["is_correct"]),
                    explanation=item.value["explanation"] or "",
                )
                for item in block.value["choices"].bound_blocks
            ),
        )
        for block in quiz.questions
    ]


def quiz_score(*, questions: list[QuizQuestion], answers: dict[str, list[str]]) -> int:
    """How many questions are answered right: exactly the correct choices, no more, no fewer
    (a partly right multiple-choice answer counts as wrong)."""
    return sum(
        1
        for question in questions
        if frozenset(answers.get(question.id, ())) == question.correct_ids
    )


def quiz_is_passed(*, user: Visitor, quiz: Quiz) -> bool:
    """True once `user` has submitted a passing attempt at `quiz` (passing is for good)."""
    return (
        user.is_authenticated
        and QuizAttempt.objects.filter(quiz=quiz, user=user, is_passed=True).exists()
    )


def course_required_quizzes_passed(*, user: Visitor, course: CoursePage) -> bool:
    """True when `user` has passed every quiz of the course's live lessons that is required
    to continue or is its final exam (True for a course with none)."""
    return all(
        quiz.is_passed
        for quiz in course_quizzes(user=user, course_path=course.path)
        if quiz.is_required or quiz.is_final_exam
    )


@dataclass(frozen=True)
class QuizState:
    """Where a learner stands with a quiz: their attempts (oldest first), whether they passed,
    and when they may submit the next attempt (`next_attempt_at`, None: now, or never once
    passed)."""

    quiz: Quiz
    attempts: list[QuizAttempt]
    now: datetime

    @property
    def is_passed(self) -> bool:
        return any(attempt.is_passed for attempt in self.attempts)

    @property
    def last_attempt(self) -> QuizAttempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def attempts_left(self) -> int:
        """Attempts left in the current round (a full round again once the cool-down is over)."""
        if self.next_attempt_at is not None:
            return 0
        used = len(self.attempts) % self.quiz.max_attempts
        return self.quiz.max_attempts - used

    @property
    def next_attempt_at(self) -> datetime | None:
        """When a round of attempts is used up: the last attempt plus the cool-down, while that
        is still ahead; otherwise None (an attempt may be submitted now)."""
        count = len(self.attempts)
        if not count or count % self.quiz.max_attempts:
            return None
        opens = self.attempts[-1].submitted_at + timedelta(hours=self.quiz.cooldown_hours)
        return opens if opens > self.now else None

    @property
    def may_attempt(self) -> bool:
        return not self.is_passed and self.next_attempt_at is None


def quiz_state(*, user: AbstractBaseUser, quiz: Quiz) -> QuizState:
    """`user`'s attempts at `quiz` and what they may do next, in one query."""
    attempts = list(QuizAttempt.objects.filter(quiz=quiz, user=user).order_by("number"))
    return QuizState(quiz=quiz, attempts=attempts, now=timezone.now())


@dataclass(frozen=True)
class ReviewedChoice:
    """A choice the learner made, with whether it was right and its explanation. `choice` is
    None when the editor has removed that answer since."""

    choice: QuizChoice | None
    is_correct: bool


@dataclass(frozen=True)
class ReviewedQuestion:
    question: QuizQuestion
    chosen: list[ReviewedChoice]
    is_right: bool


def quiz_review(*, quiz: Quiz, attempt: QuizAttempt) -> list[ReviewedQuestion]:
    """What the learner sees after submitting: per question, the answers they chose, whether
    each was right, and its explanation; never the choices they did not pick.

    Read against the quiz as it is now, through the stable ids the attempt stored; whether a
    question counted as right is re-derived from today's answer key only for display, while
    the attempt's score stays what it was when marked.
    """
    reviewed = []
    for question in quiz_questions(quiz=quiz):
        chosen_ids = attempt.answers.get(question.id, [])
        chosen = [
            ReviewedChoice(
                choice=question.choice(choice_id),
                is_correct=choice_id in question.correct_ids,
            )
            for choice_id in chosen_ids
        ]
        reviewed.append(
            ReviewedQuestion(
                question=question,
                chosen=chosen,
                is_right=frozenset(chosen_ids) == question.correct_ids,
            )
        )
    return reviewed


@dataclass(frozen=True)
class LessonFacts:
    """What serving a lesson needs, read once: its course, the curriculum, the access facts
    and the lesson's own access (open, or what holds it back)."""

    course: CoursePage
    curriculum: Curriculum
    access: CourseAccess
    lesson_access: LessonAccess


def lesson_facts(*, user: Visitor, lesson: LessonPage) -> LessonFacts:
    course = lesson.course
    curriculum = course_curriculum(course=course)
    access = course_access(user=user, course_path=course.path, modules=curriculum.modules)
    return LessonFacts(
        course=course,
        curriculum=curriculum,
        access=access,
        lesson_access=access.lesson_access(lesson),
    )


@dataclass(frozen=True)
class LessonQuiz:
    """A lesson's quiz as the visitor sees it: their state (None when signed out) and the
    review of their last attempt (None before any)."""

    quiz: Quiz
    questions: list[QuizQuestion]
    state: QuizState | None
    review: list[ReviewedQuestion] | None


def lesson_quiz(*, user: Visitor, lesson: LessonPage, access: CourseAccess) -> LessonQuiz | None:
    """The quiz of `lesson`, if it has one, with `user`'s attempts (one query each at most)."""
    quiz = next((quiz for quiz in access.quizzes if quiz.lesson_id == lesson.pk), None)
    if quiz is None and not access.is_enrolled:
        quiz = Quiz.objects.filter(lesson=lesson).first()
    if quiz is None:
        return None
    state = quiz_state(user=user, quiz=quiz) if user.is_authenticated else None
    last = state.last_attempt if state else None
    return LessonQuiz(
        quiz=quiz,
        questions=quiz_questions(quiz=quiz),
        state=state,
        review=quiz_review(quiz=quiz, attempt=last) if last else None,
    )


def course_is_complete(*, user: Visitor, course: CoursePage) -> bool:
    """True once the user has completed every live lesson of the course (a course without
    lessons is never complete) and passed every quiz required to continue and its final
    exam. The one test of completion: certificates and certifications are issued on it."""
    if not user.is_authenticated:
        return False
    progress = course_progress(user=user, course=course)
    return (
        progress.total > 0
        and progress.completed == progress.total
        and course_required_quizzes_passed(user=user, course=course)
    )
