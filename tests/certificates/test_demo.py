"""The demo shows the certification pathway: R-Phase Certification (modules, a drip-released
module, a required quiz, a final exam) grants R-Phase Certified for two years; one demo trainer
holds it (verified in Find a Trainer), another's has expired (no badge)."""

import re

import pytest
from django.utils import timezone

from certificates.models import CertificationGrant, Status
from courses.models import CoursePage, Module, Quiz
from trainers.models import Certification, Trainer

pytestmark = pytest.mark.django_db


def test_the_certification_course_has_modules_a_drip_module_a_quiz_and_a_final_exam(
    demo_database,
):
    course = CoursePage.objects.get(title="R-Phase Certification")
    modules = Module.objects.filter(course_id=course.pk)
    assert modules.count() >= 2
    assert any(module.opens_after_days for module in modules)
    quizzes = Quiz.objects.filter(lesson__in=course.get_children())
    assert quizzes.filter(is_required=True, is_final_exam=False).exists()
    assert quizzes.filter(is_final_exam=True).count() == 1
    certification = Certification.objects.get(name="R-Phase Certified")
    assert certification.course_id == course.pk
    assert certification.validity_days == 730


def test_the_certified_demo_customer_holds_a_valid_grant_and_a_published_profile_near_60614(
    demo_database,
):
    grant = CertificationGrant.objects.get(user__email="certified@coachhouse.test")
    assert grant.certification.name == "R-Phase Certified"
    assert grant.status_at() == Status.VALID
    assert (grant.expires_at - grant.granted_at).days == 730
    certificate = grant.certificate
    assert certificate.course.title == "R-Phase Certification"
    assert certificate.revoked_at is None
    trainer = Trainer.objects.get(user=grant.user)
    assert trainer.is_published and trainer.postal_code == "60614"


def test_the_expired_demo_customers_grant_has_run_out(demo_database):
    grant = CertificationGrant.objects.get(user__email="expired@coachhouse.test")
    assert grant.status_at() == Status.EXPIRED
    assert grant.expires_at < timezone.now() and grant.expired_at is not None
    assert Trainer.objects.get(user=grant.user).is_published


def test_a_search_for_60614_shows_the_verified_badge_for_the_certified_trainer_only(
    client, demo_database
):
    certified = CertificationGrant.objects.get(user__email="certified@coachhouse.test")
    expired = CertificationGrant.objects.get(user__email="expired@coachhouse.test")
    html = client.get("/find-a-trainer/", {"q": "60614", "radius": "10"}).content.decode()
    cards = {
        name: card
        for card in re.split(r'<article class="card trainer-card', html)[1:]
        for name in ("Jordan Reyes", "Casey Morgan")
        if name in card
    }
    assert set(cards) == {"Jordan Reyes", "Casey Morgan"}
    badge = f'class="tag tag--cert tag--verified" href="{certified.get_absolute_url()}"'
    assert badge in cards["Jordan Reyes"]
    assert re.match(r"^/certificates/[-A-Z0-9]+/$", certified.get_absolute_url())
    assert "tag--verified" not in cards["Casey Morgan"]
    assert "R-Phase Certified" not in cards["Casey Morgan"]
    assert expired.get_absolute_url() not in html


# Seeding again adds no second certificate, grant or trainer profile: the row count of every
# model, tests/website/test_seed_demo.py::test_seed_demo_twice_changes_nothing.


def test_the_expired_demo_customer_renews_by_buying_and_completing_the_renewal_course(
    demo_database,
):
    from tests.certificates.conftest import buy, complete

    grant = CertificationGrant.objects.get(user__email="expired@coachhouse.test")
    renewal = CoursePage.objects.get(slug="r-phase-renewal")
    assert grant.certification.renewal_course_id == renewal.pk
    assert grant.renewal_is_open()  # ran out two months ago: still in time

    buy(grant.user, renewal)
    complete(grant.user, renewal)

    grant.refresh_from_db()
    assert grant.status_at() == Status.VALID and grant.renewals.count() == 1
    assert grant.expires_at > timezone.now()
