"""State changes for courses: access granted and revoked, lessons completed."""

from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from certificates.services import (
    certificate_issue_if_complete,
    certificates_restore_for_order,
    certificates_revoke_for_order,
)
from courses.exceptions import LessonNotOpen
from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage
from courses.selectors import Visitor, enrollments_active_for_order, lesson_is_open_to

if TYPE_CHECKING:
    from shop.models import Order


def enrollment_grant(
    *, user: AbstractBaseUser, course: CoursePage, order: "Order | None"
) -> Enrollment:
    """Give the user access to the course through `order`; granting twice keeps one enrollment.

    A revoked enrollment (refunded earlier) comes back with the new order; an active one
    stays as it is.
    """
    enrollment, created = Enrollment.objects.get_or_create(
        user=user, course=course, defaults={"order": order, "granted_at": timezone.now()}
    )
    if not created and enrollment.revoked_at is not None:
        enrollment.order = order
        enrollment.granted_at = timezone.now()
        enrollment.revoked_at = None
        enrollment.save(update_fields=["order", "revoked_at", "granted_at"])
    return enrollment


def enrollment_revoke_for_order(*, order: "Order") -> int:
    """Revoke every still-active enrollment `order` granted, and the certificates (and the
    certifications) earned under it; returns how many enrollments. Idempotent."""
    with transaction.atomic():
        revoked = enrollments_active_for_order(order=order).update(revoked_at=timezone.now())
        certificates_revoke_for_order(order=order)
    return revoked


def enrollment_restore_for_order(*, order: "Order") -> int:
    """Give back the access `order` granted and a dispute suspended, with its certificates;
    returns how many enrollments."""
    with transaction.atomic():
        restored = Enrollment.objects.filter(order=order, revoked_at__isnull=False).update(
            revoked_at=None
        )
        certificates_restore_for_order(order=order)
    return restored


@transaction.atomic
def lesson_mark_complete(*, user: Visitor, lesson: LessonPage) -> LessonCompletion:
    """Record that the user finished the lesson; only someone who may see it can. Idempotent.

    Completing the course's last lesson issues its certificate (once, however often or
    concurrently the lesson is marked).
    """
    if not user.is_authenticated or not lesson_is_open_to(user=user, lesson=lesson):
        raise LessonNotOpen()
    completion, _ = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    certificate_issue_if_complete(user=user, course=lesson.get_parent().specific)
    return completion
