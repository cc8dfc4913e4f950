"""Certificates of completion and the certifications they grant.

A Certificate says a learner completed a course; a CertificationGrant says a person holds a
certification (trainers.Certification) because they completed its certification course, until
it expires or is renewed. Both are looked up by an unguessable code at /certificates/<code>/;
neither is ever reachable by a sequential id.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from certificates.codes import grouped, new_code

# A renewal course completed up to this long after expiry still renews ("shortly after").
RENEWAL_GRACE = timedelta(days=90)
# A certified person who has already renewed may take the renewal course again (buy it anew)
# from this long before their certification expires.
RENEWAL_OPENS_BEFORE = timedelta(days=90)


class Status(models.TextChoices):
    VALID = "valid", "Valid"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


class Certificate(models.Model):
    """A learner completed a course: issued once per learner, course and order (a renewal
    course taken again for the next renewal is bought and completed anew, so it earns a new
    certificate; every earlier take keeps its own), revoked by a refund of its order.

    The learner's name and the course title are copied at issue, so the certificate and its
    verification page keep saying what was true then, whatever is renamed later.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(
        "courses.CoursePage", null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    order = models.ForeignKey(
        "shop.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
        help_text="The order whose enrollment the course was completed under.",
    )
    code = models.CharField(max_length=32, unique=True, default=new_code, editable=False)
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=255)
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "order"], name="certificate_once_per_order"
            ),
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(order__isnull=True),
                name="certificate_once_per_course_without_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_name}: {self.course_title}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.grouped_code})

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)

    def status_at(self, now: datetime | None = None) -> Status:
        return Status.REVOKED if self.revoked_at else Status.VALID


class CertificationGrantQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None):
        """Grants that are neither revoked nor past their expiry at `now` (default: now)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class CertificationGrant(models.Model):
    """A person holds a certification: granted by completing its certification course, valid
    until `expires_at`, extended by completing its renewal course, revoked by a refund.

    `expires_at` is the truth about expiry (everything that shows a grant compares it with the
    clock); `expired_at` is only when the daily sweep noticed. `renewal_reminder_for` is the
    expiry date the renewal e-mail was sent for, so the reminder goes once per period.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certification_grants"
    )
    certification = models.ForeignKey(
        "trainers.Certification", on_delete=models.CASCADE, related_name="grants"
    )
    certificate = models.OneToOneField(
        Certificate,
        on_delete=models.PROTECT,
        related_name="grant",
        help_text="The certification course's certificate that granted it.",
    )
    code = models.CharField(max_length=32, unique=True, default=new_code, editable=False)
    holder_name = models.CharField(max_length=200)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    renewed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(
        null=True, blank=True, help_text="When the daily sweep found it expired."
    )
    renewal_reminder_for = models.DateTimeField(null=True, blank=True)

    objects = CertificationGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "certification"], name="certification_granted_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name}: {self.certification}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", kwargs={"code": self.grouped_code})

    @property
    def grouped_code(self) -> str:
        return grouped(self.code)

    def status_at(self, now: datetime | None = None) -> Status:
        """Revoked, expired (by the clock, whether or not the sweep has run) or valid."""
        if self.revoked_at:
            return Status.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return Status.EXPIRED
        return Status.VALID

    @property
    def is_valid(self) -> bool:
        return self.status_at() == Status.VALID

    @property
    def renewal_opens_at(self) -> datetime:
        return self.expires_at - RENEWAL_OPENS_BEFORE

    @property
    def renewal_closes_at(self) -> datetime:
        return self.expires_at + RENEWAL_GRACE

    def renewal_is_open(self, now: datetime | None = None) -> bool:
        """Whether a renewal taken now would count: not revoked, and from RENEWAL_OPENS_BEFORE
        its expiry until RENEWAL_GRACE after it."""
        return self.renewal_state(now) == "open"

    def renewal_state(self, now: datetime | None = None) -> str:
        """What My certificates offers: "open" (renew now), "not_yet" (opens on
        `renewal_opens_at`), "closed" (past the grace) or "" (revoked)."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return ""
        if now < self.renewal_opens_at:
            return "not_yet"
        return "open" if now <= self.renewal_closes_at else "closed"


class CertificationRenewal(models.Model):
    """A renewal course's certificate that extended a grant. The grant's expiry is replayed
    from the renewals whose certificate still stands, so refunding a renewal takes back its
    extension and nothing else."""

    grant = models.ForeignKey(CertificationGrant, on_delete=models.CASCADE, related_name="renewals")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="renewals")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "certificate"], name="certification_renewed_once_per_certificate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grant} renewed by {self.certificate.course_title}"
