"""Reads about certificates and certifications: looking a code up, a learner's list."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser

from certificates.codes import normalize_code
from certificates.models import Certificate, CertificationGrant
from courses.models import CoursePage, Enrollment
from courses.selectors import Visitor, course_is_complete, user_is_enrolled


def learner_name(*, user: AbstractBaseUser) -> str:
    """The name printed on a certificate: the account's full name, else its e-mail address."""
    return user.get_full_name().strip() or user.email


@dataclass(frozen=True)
class Verification:
    """What /certificates/<code>/ shows: a certificate of completion (with the certification
    it granted, if any) or a certification grant."""

    certificate: Certificate | None = None
    grant: CertificationGrant | None = None


def verification_for_code(*, code: str) -> Verification | None:
    """The certificate or certification grant with this code; None for anything else (a
    malformed, forged or unknown code), so a caller cannot tell a near miss from nonsense."""
    code = normalize_code(code)
    if code is None:
        return None
    certificate = (
        Certificate.objects.select_related("grant__certification").filter(code=code).first()
    )
    if certificate is not None:
        return Verification(certificate=certificate, grant=getattr(certificate, "grant", None))
    grant = CertificationGrant.objects.select_related("certification").filter(code=code).first()
    return Verification(grant=grant) if grant is not None else None


def user_certificates(*, user: AbstractBaseUser) -> list[Certificate]:
    """Every certificate the user was issued, newest first (revoked ones too, marked so)."""
    return list(user.certificates.select_related("course").order_by("-issued_at", "-pk"))


def user_certification_grants(*, user: AbstractBaseUser) -> list[CertificationGrant]:
    """Every certification the user was granted, whatever its state, newest first."""
    return list(
        user.certification_grants.select_related("certification__renewal_course").order_by(
            "-granted_at", "-pk"
        )
    )


def user_valid_grants(*, user: Visitor) -> list[CertificationGrant]:
    """The certifications the user holds now (not revoked, not expired)."""
    if not user.is_authenticated:
        return []
    return list(
        CertificationGrant.objects.active().filter(user=user).select_related("certification")
    )


@dataclass(frozen=True)
class CourseCertificate:
    """What a course page shows its owner: their certificate, or that they may claim it."""

    certificate: Certificate | None
    can_claim: bool


def course_certificate(*, user: Visitor, course: CoursePage) -> CourseCertificate:
    """The user's valid certificate for the course, or whether completing it has earned one
    that is not issued yet (a course finished before re-buying, or before certificates)."""
    if not user.is_authenticated:
        return CourseCertificate(certificate=None, can_claim=False)
    certificate = Certificate.objects.filter(
        user=user, course=course, revoked_at__isnull=True
    ).first()
    if certificate is not None:
        return CourseCertificate(certificate=certificate, can_claim=False)
    earned = user_is_enrolled(user=user, course=course) and course_is_complete(
        user=user, course=course
    )
    return CourseCertificate(certificate=None, can_claim=earned)


def renewal_retake_is_due(
    *, user: Visitor, course: CoursePage, now: datetime | None = None, any_time: bool = False
) -> bool:
    """True when `user` may buy `course` again to renew a certification once more.

    `course` is the renewal course of a certification they hold (not revoked), they have
    finished their current take of it (its certificate, under the enrollment's order, stands),
    and that certification is inside its renewal window (`CertificationGrant.renewal_is_open`).
    With `any_time` the window is not asked: a payment that arrives after it closed has still
    bought a fresh take of the course.
    """
    if not user.is_authenticated:
        return False
    enrollment = Enrollment.objects.filter(
        user=user, course=course, revoked_at__isnull=True
    ).first()
    if enrollment is None:
        return False
    take_finished = Certificate.objects.filter(
        user=user, course=course, order_id=enrollment.order_id, revoked_at__isnull=True
    ).exists()
    if not take_finished:
        return False
    grants = CertificationGrant.objects.filter(
        user=user, certification__renewal_course=course, revoked_at__isnull=True
    )
    return any(any_time or grant.renewal_is_open(now) for grant in grants)
