"""Demo certification: R-Phase Certification grants "R-Phase Certified" for two years.

Two demo customers took the course the way a learner does (lessons, the required quiz, the
final exam), and each made their trainer profile in Chicago (60614) from the certification,
approved by the demo administrator. Jordan's certification is current, so Find a Trainer shows
it verified, linked to its record; Casey's ran out two months ago, so their listing shows no
badge, and buying and completing R-Phase Renewal (still in time) renews it.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from certificates.models import Certificate, CertificationGrant
from certificates.services import certification_grants_expire_due, certifications_sync_for
from courses.demo import CERTIFICATION_COURSE_SLUG, RENEWAL_COURSE_SLUG
from courses.models import CoursePage, Enrollment, Quiz
from courses.selectors import quiz_questions
from courses.services import enrollment_grant, lesson_mark_complete, quiz_attempt_submit
from trainers.models import Certification
from trainers.services import profile_change_review, trainer_profile_create_from_certification
from website.accounts.demo import demo_login
from website.accounts.models import User

VALIDITY_DAYS = 730
CERTIFIED = ("certified@coachhouse.test", "Jordan", "Reyes")
EXPIRED = ("expired@coachhouse.test", "Casey", "Morgan")
# Both profiles are in Chicago's 60614; Casey's a few streets north, so the pins do not overlap.
PROFILES = {
    CERTIFIED[0]: {
        "bio": "Jordan is an R-Phase Certified coach in Lincoln Park: assessments of joints, "
        "vision and balance, and short drills that change what they find.",
        "specialties": "Balance, Mobility, Back pain",
        "offers_online": True,
        "nudge": 0.0,
    },
    EXPIRED[0]: {
        "bio": "Casey coaches runners and golfers in Lincoln Park with brain-based drills.",
        "specialties": "Running, Golf",
        "offers_online": False,
        "nudge": 0.006,
    },
}


def _take_the_course(user: User, course: CoursePage) -> None:
    """Every lesson in order, passing each quiz on the way: what issues the certificate. The
    enrollment is dated a month back so the module released a week in is open."""
    enrollment = enrollment_grant(user=user, course=course, order=None)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        granted_at=timezone.now() - timedelta(days=30)
    )
    for lesson in course.get_children().live().specific():
        lesson_mark_complete(user=user, lesson=lesson)
        for quiz in Quiz.objects.filter(lesson=lesson):
            answers = {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=quiz)}
            quiz_attempt_submit(user=user, quiz=quiz, answers=answers, token=uuid.uuid4())


def _trainer_profile(user: User, reviewer: User) -> None:
    """The profile made from the certification in My account, approved by an editor."""
    if hasattr(user, "trainer_profile"):
        return
    profile = PROFILES[user.email]
    change = trainer_profile_create_from_certification(
        user=user,
        name=user.get_full_name(),
        city="Chicago",
        region="IL",
        postal_code="60614",
        country="US",
        bio=profile["bio"],
        website="",
        phone="",
        specialties=profile["specialties"],
        offers_online=profile["offers_online"],
    )
    trainer = change.trainer
    if profile["nudge"]:
        trainer.latitude = round(trainer.latitude + profile["nudge"], 6)
        trainer.save(update_fields=["latitude"])
    profile_change_review(change=change, approve=True, reviewer=reviewer)


def _expire(*, user: User, certification: Certification) -> None:
    """Date Casey's course (and so the grant) back past the two years, as if it ran out."""
    grant = CertificationGrant.objects.get(user=user, certification=certification)
    if grant.expires_at <= timezone.now():
        return
    taken = timezone.now() - timedelta(days=VALIDITY_DAYS + 60)
    Certificate.objects.filter(pk=grant.certificate_id).update(issued_at=taken)
    CertificationGrant.objects.filter(pk=grant.pk).update(granted_at=taken)
    certifications_sync_for(certificate=Certificate.objects.get(pk=grant.certificate_id))
    certification_grants_expire_due()


def seed(*, stdout) -> None:
    course = CoursePage.objects.filter(slug=CERTIFICATION_COURSE_SLUG).first()
    certification = Certification.objects.filter(slug="r-phase").first()
    if course is None or certification is None:
        return
    if certification.course_id is None:
        certification.name = "R-Phase Certified"
        certification.course = course
        certification.validity_days = VALIDITY_DAYS
        certification.save(update_fields=["name", "course", "validity_days"])
    renewal = CoursePage.objects.filter(slug=RENEWAL_COURSE_SLUG).first()
    if certification.renewal_course_id is None and renewal is not None:
        certification.renewal_course = renewal
        certification.save(update_fields=["renewal_course"])
    reviewer = User.objects.get(email="admin@coachhouse.test")
    for email, first_name, last_name in (CERTIFIED, EXPIRED):
        user = demo_login(email, first_name=first_name, last_name=last_name)
        if not Certificate.objects.filter(user=user, course=course).exists():
            _take_the_course(user, course)
        _trainer_profile(user, reviewer)
    _expire(user=User.objects.get(email=EXPIRED[0]), certification=certification)
    stdout.write(
        f"Certification: {certification.name} from {course.url}; logins {CERTIFIED[0]} "
        f"(certified, trainer profile) and {EXPIRED[0]} (expired"
        + (f"; renews with {renewal.url})" if renewal is not None else ")")
    )
