"""Certificates of completion: issued once on completing a course, with an unguessable code."""

import pytest
from django.db import IntegrityError, transaction

from certificates.codes import CODE_LENGTH, grouped, new_code, normalize_code
from certificates.exceptions import CertificateNotEarned
from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.services import lesson_mark_complete
from tests.certificates.conftest import buy, complete

pytestmark = pytest.mark.django_db


def test_completing_the_last_lesson_issues_one_certificate_with_the_learners_name(
    learner, cert_course
):
    order = buy(learner, cert_course)
    first, last = cert_course.get_children().live().specific()
    lesson_mark_complete(user=learner, lesson=first)
    assert not Certificate.objects.exists()
    lesson_mark_complete(user=learner, lesson=last)
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.course.pk, certificate.order) == (
        learner,
        cert_course.pk,
        order,
    )
    assert certificate.learner_name == "Ada Lovelace"
    assert certificate.course_title == "R-Phase Certification"
    assert certificate.revoked_at is None


def test_completing_the_last_lesson_twice_keeps_one_certificate_and_its_code(learner, cert_course):
    buy(learner, cert_course)
    complete(learner, cert_course)
    code = Certificate.objects.get().code
    complete(learner, cert_course)
    assert certificate_issue(user=learner, course=cert_course).code == code
    assert Certificate.objects.count() == 1


def test_the_database_refuses_a_second_certificate_for_the_same_course_and_order(
    learner, cert_course
):
    order = buy(learner, cert_course)
    complete(learner, cert_course)
    existing = Certificate.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            user=learner, course=cert_course, order=order, learner_name="x", course_title="x"
        )
    assert list(Certificate.objects.all()) == [existing]


def test_the_database_refuses_a_second_certificate_for_the_same_course_without_an_order(
    learner, cert_course
):
    Certificate.objects.create(user=learner, course=cert_course, learner_name="x", course_title="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            user=learner, course=cert_course, learner_name="y", course_title="y"
        )
    assert Certificate.objects.count() == 1


def test_an_issue_that_loses_the_race_returns_the_winners_certificate(
    learner, cert_course, monkeypatch
):
    """Two requests at once: the second insert meets the unique constraint, and gets the
    certificate the first one made instead of an error."""
    buy(learner, cert_course)
    complete(learner, cert_course)
    winner = Certificate.objects.get()
    real = Certificate.objects.get_or_create

    def lose_the_race(**kwargs):
        raise IntegrityError("certificate_once_per_course")

    monkeypatch.setattr(Certificate.objects, "get_or_create", lose_the_race)
    assert certificate_issue(user=learner, course=cert_course) == winner
    monkeypatch.setattr(Certificate.objects, "get_or_create", real)
    assert Certificate.objects.count() == 1


def test_an_unfinished_course_earns_no_certificate(learner, cert_course):
    buy(learner, cert_course)
    lesson_mark_complete(user=learner, lesson=cert_course.get_children().live().first().specific)
    with pytest.raises(CertificateNotEarned):
        certificate_issue(user=learner, course=cert_course)
    assert not Certificate.objects.exists()


def test_a_learner_without_an_enrollment_earns_no_certificate(learner, cert_course):
    with pytest.raises(CertificateNotEarned):
        certificate_issue(user=learner, course=cert_course)
    assert not Certificate.objects.exists()


def test_codes_are_160_random_bits_in_unambiguous_base32_and_never_repeat():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:50]:
        assert len(code) == CODE_LENGTH
        assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_a_code_is_read_back_from_its_grouped_form_in_any_case():
    code = new_code()
    assert normalize_code(grouped(code).lower()) == code
    assert normalize_code(code) == code
    for bad in ("", "1234", code[:-1], code + "A", code[:-1] + "0", "../" + code):
        assert normalize_code(bad) is None


def test_the_course_page_offers_the_certificate_once_complete(client, learner, cert_course):
    buy(learner, cert_course)
    client.force_login(learner)
    assert "Download certificate" not in client.get(cert_course.url).content.decode()
    complete(learner, cert_course)
    page = client.get(cert_course.url).content.decode()
    certificate = Certificate.objects.get()
    assert "Download certificate" in page
    assert certificate.grouped_code in page


def test_a_completed_course_without_a_certificate_can_claim_it(client, learner, cert_course):
    """E.g. a course completed, refunded and bought again: the page offers the button."""
    buy(learner, cert_course)
    complete(learner, cert_course)
    Certificate.objects.all().delete()
    client.force_login(learner)
    assert "Get your certificate" in client.get(cert_course.url).content.decode()
    response = client.post(f"/certificates/claim/{cert_course.pk}/")
    assert response.status_code == 302
    assert Certificate.objects.filter(user=learner).count() == 1


def test_claiming_an_unfinished_course_is_refused_with_a_message(client, learner, cert_course):
    buy(learner, cert_course)
    client.force_login(learner)
    response = client.post(f"/certificates/claim/{cert_course.pk}/", follow=True)
    assert "Complete every lesson" in response.content.decode()
    assert not Certificate.objects.exists()


def test_claiming_an_unknown_course_is_not_found(client, learner):
    client.force_login(learner)
    assert client.post("/certificates/claim/999999/").status_code == 404


def test_a_final_exam_holds_the_certificate_back_until_it_is_passed(learner, cert_course):
    """Every lesson done is not enough while the final exam is unpassed; passing it (after the
    lessons) is what completes the course and issues the certificate."""
    import uuid

    from courses.selectors import course_is_complete, quiz_questions
    from courses.services import quiz_attempt_submit
    from tests.courses.factories import QuizFactory

    buy(learner, cert_course)
    last = cert_course.get_children().live().specific().last()
    exam = QuizFactory(lesson=last, is_final_exam=True)
    complete(learner, cert_course)
    assert not course_is_complete(user=learner, course=cert_course)
    assert not Certificate.objects.exists()

    wrong = {
        q.id: [next(c.id for c in q.choices if not c.is_correct)] for q in quiz_questions(quiz=exam)
    }
    quiz_attempt_submit(user=learner, quiz=exam, answers=wrong, token=uuid.uuid4())
    assert not Certificate.objects.exists()

    right = {q.id: sorted(q.correct_ids) for q in quiz_questions(quiz=exam)}
    quiz_attempt_submit(user=learner, quiz=exam, answers=right, token=uuid.uuid4())
    assert course_is_complete(user=learner, course=cert_course)
    assert Certificate.objects.get().user == learner
