"""State changes for certificates and certifications: issued on completing a course,
granted and renewed by certification courses, revoked by refunds, expired by the clock.

Every change here can be repeated: a certificate is unique per learner, course and order, a grant
per person and certification, a renewal per grant and certificate, and the expiry of a grant
is always recomputed from the certificates that still stand (never added to in place), so
running anything twice — or concurrently — ends in the same state.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from certificates.exceptions import CertificateNotEarned
from certificates.models import (
    RENEWAL_GRACE,
    Certificate,
    CertificationGrant,
    CertificationRenewal,
)
from certificates.selectors import learner_name
from courses.models import CoursePage, Enrollment
from courses.selectors import course_is_complete
from trainers.models import Certification

if TYPE_CHECKING:
    from shop.models import Order

# The renewal e-mail goes this long before a certification expires.
REMINDER_BEFORE = timedelta(days=30)


def certificate_issue(*, user: AbstractBaseUser, course: CoursePage) -> Certificate:
    """Issue the user's certificate of completion for `course`, once; returns it.

    Only for a learner with an active enrollment who has completed the course
    (`course_is_complete`), else CertificateNotEarned. Issuing again returns the same
    certificate; two requests at once still make one (the unique constraint decides). A
    certificate a refund revoked comes back, same code, when the course is bought again; a
    renewal course taken again under a new order (`courses.services._enrollment_retake`)
    earns a new certificate, and the earlier one stands.
    Certifications the course grants or renews follow (`certifications_sync_for`).
    """
    enrollment = Enrollment.objects.filter(
        user=user, course=course, revoked_at__isnull=True
    ).first()
    if enrollment is None or not course_is_complete(user=user, course=course):
        raise CertificateNotEarned()
    now = timezone.now()
    defaults = {
        "learner_name": learner_name(user=user),
        "course_title": course.title,
        "issued_at": now,
    }
    with transaction.atomic():
        latest = (
            Certificate.objects.filter(user=user, course=course)
            .order_by("-issued_at", "-pk")
            .first()
        )
        # A standing certificate from another order is an earlier take (a renewal course bought
        # again): this take earns its own. A revoked one is the same take bought back.
        new_take = latest is None or (
            latest.revoked_at is None and latest.order_id != enrollment.order_id
        )
        if new_take:
            try:
                with transaction.atomic():
                    certificate, _ = Certificate.objects.get_or_create(
                        user=user, course=course, order=enrollment.order, defaults=defaults
                    )
            except IntegrityError:  # a concurrent issue won the race: theirs is ours
                certificate = Certificate.objects.get(
                    user=user, course=course, order=enrollment.order
                )
        else:
            certificate = latest
        if certificate.revoked_at is not None:
            Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=False).update(
                revoked_at=None, order=enrollment.order, issued_at=now
            )
            certificate.refresh_from_db()
        certifications_sync_for(certificate=certificate, now=now)
    return certificate


def certificate_issue_if_complete(
    *, user: AbstractBaseUser, course: CoursePage
) -> Certificate | None:
    """`certificate_issue` when the user has earned it, else None (nothing changes)."""
    try:
        return certificate_issue(user=user, course=course)
    except CertificateNotEarned:
        return None


def certificates_revoke_for_order(*, order: "Order", now: datetime | None = None) -> int:
    """Revoke every still-valid certificate earned under `order` (a refund or a dispute took
    the course back), and the certifications they granted or renewed. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Certificate.objects.filter(order=order, revoked_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        revoked = Certificate.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
            revoked_at=now
        )
        for certificate in Certificate.objects.filter(pk__in=ids):
            certifications_sync_for(certificate=certificate, now=now)
    return revoked


def certificates_restore_for_order(*, order: "Order", now: datetime | None = None) -> int:
    """Give back the certificates `order` earned that a dispute suspended (it was won)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Certificate.objects.filter(order=order, revoked_at__isnull=False).values_list(
                "pk", flat=True
            )
        )
        restored = Certificate.objects.filter(pk__in=ids).update(revoked_at=None)
        for certificate in Certificate.objects.filter(pk__in=ids):
            certifications_sync_for(certificate=certificate, now=now)
    return restored


def certifications_sync_for(*, certificate: Certificate, now: datetime | None = None) -> None:
    """Bring every certification `certificate`'s course grants or renews in line with it:
    a valid certificate of a certification course grants (or restores) the certification; a
    revoked one revokes it; a renewal course's certificate renews a grant it is in time for,
    and a revoked one takes its extension back."""
    now = now or timezone.now()
    course_id = certificate.course_id
    if course_id is None:
        return
    for certification in Certification.objects.filter(course_id=course_id):
        _grant_sync(certification=certification, certificate=certificate, now=now)
    for certification in Certification.objects.filter(renewal_course_id=course_id):
        grant = CertificationGrant.objects.filter(
            user_id=certificate.user_id, certification=certification
        ).first()
        if grant is None:
            continue
        if certificate.revoked_at is None and certificate.issued_at > grant.granted_at:
            renewal_in_time = certificate.issued_at <= _expiry(grant=grant) + RENEWAL_GRACE
            if renewal_in_time:
                CertificationRenewal.objects.get_or_create(grant=grant, certificate=certificate)
        _grant_refresh(grant=grant, now=now)


def _grant_sync(*, certification: Certification, certificate: Certificate, now: datetime) -> None:
    if certificate.revoked_at is None:
        try:
            with transaction.atomic():
                grant, _ = CertificationGrant.objects.get_or_create(
                    user_id=certificate.user_id,
                    certification=certification,
                    defaults={
                        "certificate": certificate,
                        "holder_name": certificate.learner_name,
                        "granted_at": certificate.issued_at,
                        "expires_at": certificate.issued_at
                        + timedelta(days=certification.validity_days),
                    },
                )
        except IntegrityError:
            grant = CertificationGrant.objects.get(
                user_id=certificate.user_id, certification=certification
            )
        if grant.certificate_id == certificate.pk:
            CertificationGrant.objects.filter(pk=grant.pk).update(revoked_at=None)
            _grant_refresh(grant=grant, now=now)
    else:
        CertificationGrant.objects.filter(certificate=certificate, revoked_at__isnull=True).update(
            revoked_at=now
        )


def _expiry(*, grant: CertificationGrant, renewals=None) -> datetime:
    """When the grant runs out: its certificate's date plus the validity, then each standing
    renewal in time extends it by the validity from the later of its date and the expiry."""
    validity = timedelta(days=grant.certification.validity_days)
    expires = grant.certificate.issued_at + validity
    if renewals is None:
        renewals = _standing_renewals(grant=grant)
    for renewal in renewals:
        issued = renewal.certificate.issued_at
        if issued <= expires + RENEWAL_GRACE:
            expires = max(expires, issued) + validity
    return expires


def _standing_renewals(*, grant: CertificationGrant) -> list[CertificationRenewal]:
    return list(
        grant.renewals.filter(certificate__revoked_at__isnull=True)
        .select_related("certificate")
        .order_by("certificate__issued_at", "pk")
    )


def _grant_refresh(*, grant: CertificationGrant, now: datetime) -> None:
    """Recompute the grant's expiry from what still stands (so repeats change nothing)."""
    grant = CertificationGrant.objects.select_related("certificate", "certification").get(
        pk=grant.pk
    )
    renewals = _standing_renewals(grant=grant)
    expires = _expiry(grant=grant, renewals=renewals)
    CertificationGrant.objects.filter(pk=grant.pk).update(
        expires_at=expires,
        renewed_at=renewals[-1].certificate.issued_at if renewals else None,
        expired_at=grant.expired_at if expires <= now else None,
    )


def certification_grants_expire_due(*, now: datetime | None = None) -> int:
    """Mark the grants whose expiry has passed as expired (when the sweep saw it); returns
    how many. What shows a grant compares `expires_at` with the clock itself, so a late
    sweep never leaves an expired certification shown as valid."""
    now = now or timezone.now()
    return CertificationGrant.objects.filter(
        revoked_at__isnull=True, expires_at__lte=now, expired_at__isnull=True
    ).update(expired_at=now)


def certification_reminders_claim_due(*, now: datetime | None = None) -> list[int]:
    """Claim the renewal e-mails due (grants valid now and expiring within REMINDER_BEFORE,
    not yet reminded for this expiry date) and return their grant ids; each is claimed once
    with a conditional update, so two sweeps at once never both send one."""
    now = now or timezone.now()
    not_reminded = Q(renewal_reminder_for__isnull=True) | ~Q(renewal_reminder_for=F("expires_at"))
    due = CertificationGrant.objects.filter(
        not_reminded,
        revoked_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    claimed = []
    for pk in list(due):
        if CertificationGrant.objects.filter(not_reminded, pk=pk).update(
            renewal_reminder_for=F("expires_at")
        ):
            claimed.append(pk)
    return claimed


def certification_reminder_release(*, grant_id: int) -> None:
    """A renewal e-mail that could not be sent is due again at the next sweep."""
    CertificationGrant.objects.filter(pk=grant_id).update(renewal_reminder_for=None)
