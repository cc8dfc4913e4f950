"""State changes for courses: access granted and revoked, lessons completed."""

import uuid
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from certificates.models import Certificate
from certificates.selectors import renewal_retake_is_due
from certificates.services import (
    certificate_issue_if_complete,
    certificates_restore_for_order,
    certificates_revoke_for_order,
)
from courses.exceptions import (
    LessonLocked,
    LessonNotOpen,
    QuizAlreadyPassed,
    QuizAttemptsUsed,
    QuizFormStale,
    QuizNotOpen,
)
from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage, Quiz, QuizAttempt
from courses.selectors import (
    NOT_ENROLLED,
    Visitor,
    enrollments_active_for_order,
    lesson_access,
    lesson_is_open_to,
    quiz_questions,
    quiz_score,
    quiz_state,
)

if TYPE_CHECKING:
    from shop.models import Order


def enrollment_grant(
    *, user: AbstractBaseUser, course: CoursePage, order: "Order | None"
) -> Enrollment:
    """Give the user access to the course through `order`; granting twice keeps one enrollment.

    A revoked enrollment (refunded earlier) comes back with the new order; an active one
    stays as it is, except for a renewal course bought again to renew a certification once
    more (`renewal_retake_is_due`): that order starts a fresh take (`_enrollment_retake`).
    """
    enrollment, created = Enrollment.objects.get_or_create(
        user=user, course=course, defaults={"order": order, "granted_at": timezone.now()}
    )
    if not created and enrollment.revoked_at is not None:
        enrollment.order = order
        enrollment.granted_at = timezone.now()
        enrollment.revoked_at = None
        enrollment.save(update_fields=["order", "revoked_at", "granted_at"])
    elif (
        not created
        and order is not None
        and enrollment.order_id != order.pk
        and renewal_retake_is_due(user=user, course=course, any_time=True)
    ):
        _enrollment_retake(enrollment=enrollment, order=order)
        enrollment.refresh_from_db()
    return enrollment


@transaction.atomic
def _enrollment_retake(*, enrollment: Enrollment, order: "Order") -> None:
    """Start the course over under `order`: the enrollment moves to it (so refunding it takes
    back this take only), its drip clock restarts, and the learner's completions and quiz
    attempts in the course are cleared, so completing it again earns a new certificate. The
    earlier take's certificate keeps what it proved. Once per order: the conditional update
    decides, so fulfilment repeated or concurrent clears nothing twice."""
    moved = Enrollment.objects.filter(pk=enrollment.pk, order_id=enrollment.order_id).update(
        order=order, granted_at=timezone.now()
    )
    if not moved:
        return
    course = enrollment.course
    in_course = {"path__startswith": course.path, "depth__gt": course.depth}
    lessons = LessonPage.objects.filter(**in_course).values("pk")
    LessonCompletion.objects.filter(user_id=enrollment.user_id, lesson__in=lessons).delete()
    QuizAttempt.objects.filter(user_id=enrollment.user_id, quiz__lesson__in=lessons).delete()


def enrollment_revoke_for_order(*, order: "Order") -> int:
    """Revoke every still-active enrollment `order` granted, and the certificates (and the
    certifications) earned under it; returns how many enrollments. Idempotent.

    An enrollment that `order` took over for a renewal retake (`_enrollment_retake`) is not
    revoked while an earlier take of the course stands (its certificate is not revoked): it
    goes back to that take's order, as the customer paid for the course there too. Only this
    take's certificate is revoked."""
    revoked = 0
    with transaction.atomic():
        for enrollment in enrollments_active_for_order(order=order).select_for_update():
            earlier = _earlier_take_orders(enrollment=enrollment, order=order)
            still_mine = Enrollment.objects.filter(
                pk=enrollment.pk, order=order, revoked_at__isnull=True
            )
            if earlier:
                still_mine.update(order_id=earlier[0])
            else:
                revoked += still_mine.update(revoked_at=timezone.now())
        certificates_revoke_for_order(order=order)
    return revoked


def _earlier_take_orders(*, enrollment: Enrollment, order: "Order") -> list[int | None]:
    """The order (None for one given without an order) of the latest take of the enrollment's
    course, other than `order`'s, whose certificate still stands; an empty list if none."""
    return list(
        Certificate.objects.filter(
            user_id=enrollment.user_id, course_id=enrollment.course_id, revoked_at__isnull=True
        )
        .exclude(order_id=order.pk)
        .order_by("-issued_at", "-pk")
        .values_list("order_id", flat=True)[:1]
    )


def enrollment_restore_for_order(*, order: "Order") -> int:
    """Give back the access `order` granted and a dispute suspended, with its certificates;
    returns how many enrollments. A renewal retake handed back to an earlier take while
    `order` was suspended (see enrollment_revoke_for_order) returns to `order`: the
    enrollment sits at an earlier order, whose take was finished before `order` was placed,
    but was granted after that."""
    with transaction.atomic():
        restored = Enrollment.objects.filter(order=order, revoked_at__isnull=False).update(
            revoked_at=None
        )
        courses = order.lines.filter(course__isnull=False).values("course_id")
        earlier_take_was_done = Certificate.objects.filter(
            user_id=OuterRef("user_id"),
            course_id=OuterRef("course_id"),
            order_id=OuterRef("order_id"),
            revoked_at__isnull=True,
            issued_at__lt=order.created_at,
        )
        restored += (
            Enrollment.objects.filter(
                user_id=order.user_id,
                course_id__in=courses,
                revoked_at__isnull=True,
                granted_at__gte=order.created_at,
                order_id__lt=order.pk,
            )
            .filter(Exists(earlier_take_was_done))
            .update(order=order)
        )
        certificates_restore_for_order(order=order)
    return restored


@transaction.atomic
def lesson_mark_complete(*, user: Visitor, lesson: LessonPage) -> LessonCompletion:
    """Record that the user finished the lesson; only someone who may see it can. Idempotent.

    Completing the course's last lesson issues its certificate (once, however often or
    concurrently the lesson is marked).
    """
    access = lesson_access(user=user, lesson=lesson) if user.is_authenticated else NOT_ENROLLED
    if not access.is_open:
        if access.needs_enrollment:
            raise LessonNotOpen()
        raise LessonLocked(opens_at=access.opens_at, quiz=access.quiz)
    completion, _ = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    certificate_issue_if_complete(user=user, course=lesson.get_parent().specific)
    return completion


def quiz_attempt_submit(
    *, user: Visitor, quiz: Quiz, answers: dict[str, list[str]], token: uuid.UUID
) -> QuizAttempt:
    """Mark and record one attempt at `quiz`: the chosen choice ids per question id, already
    checked against the quiz (forms.QuizForm), scored here on the server.

    Refused (nothing recorded) when the learner may not open the quiz's lesson, has passed
    already, or has used the round's attempts (QuizAttemptsUsed says when the next opens).
    Idempotent per `token`: the same form submitted twice returns the first attempt. The
    attempt's number is unique per learner and quiz, so concurrent submissions cannot exceed
    the limit either: the one that loses the race is refused like any over the limit. A pass
    that completes the course issues its certificate.
    """
    if not user.is_authenticated or not lesson_is_open_to(user=user, lesson=quiz.lesson):
        raise QuizNotOpen()
    earlier = QuizAttempt.objects.filter(token=token, user=user, quiz=quiz).first()
    if earlier is not None:
        return earlier
    state = quiz_state(user=user, quiz=quiz)
    if state.is_passed:
        raise QuizAlreadyPassed()
    if state.next_attempt_at is not None:
        raise QuizAttemptsUsed(state.next_attempt_at)
    questions = quiz_questions(quiz=quiz)
    score = quiz_score(questions=questions, answers=answers)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                quiz=quiz,
                user=user,
                number=len(state.attempts) + 1,
                token=token,
                answers={question: sorted(ids) for question, ids in answers.items()},
                score=score,
                total=len(questions),
                is_passed=quiz.passes(score=score, total=len(questions)),
                submitted_at=timezone.now(),
            )
            if attempt.is_passed:  # passing the last required quiz may complete the course
                certificate_issue_if_complete(user=user, course=quiz.lesson.get_parent().specific)
            return attempt
    except IntegrityError:
        # A double click that raced the first submission, or a concurrent attempt.
        earlier = QuizAttempt.objects.filter(token=token, user=user, quiz=quiz).first()
        if earlier is not None:
            return earlier
        state = quiz_state(user=user, quiz=quiz)
        if state.is_passed:
            raise QuizAlreadyPassed() from None
        if state.next_attempt_at is not None:
            raise QuizAttemptsUsed(state.next_attempt_at) from None
        raise QuizFormStale() from None
