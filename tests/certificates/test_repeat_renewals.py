"""A certification is renewed again and again: the renewal course is bought and taken anew
for each renewal, each take earns its own certificate, and a refund takes back only its own."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from certificates.models import Certificate, CertificationGrant
from certificates.selectors import renewal_retake_is_due
from certificates.services import certifications_sync_for
from courses.models import Enrollment, LessonCompletion
from courses.selectors import course_progress
from courses.services import enrollment_grant
from shop.exceptions import CourseAlreadyOwned
from shop.payments.local import TestGateway
from shop.services import cart_add_course, cart_get_or_create, order_refund
from shop.services.refunds import order_dispute_close, order_dispute_open
from tests.certificates.conftest import buy, complete
from tests.shop.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _age(user, days: int) -> None:
    """Everything the learner did happened `days` earlier (the clock moved forward)."""
    delta = timedelta(days=days)
    Certificate.objects.filter(user=user).update(issued_at=F("issued_at") - delta)
    Enrollment.objects.filter(user=user).update(granted_at=F("granted_at") - delta)
    grants = CertificationGrant.objects.filter(user=user)
    grants.update(granted_at=F("granted_at") - delta)
    for grant in grants:
        certifications_sync_for(certificate=grant.certificate)


@pytest.fixture
def renewed_once(certified, learner, renewal_course):
    """Ada renewed once at once, and then her certification aged to 30 days before expiry."""
    first = buy(learner, renewal_course)
    complete(learner, renewal_course)
    grant = CertificationGrant.objects.get(user=learner)
    assert grant.renewals.count() == 1
    _age(learner, (grant.expires_at - grant.granted_at).days - 30)
    return first


def test_the_renewal_course_is_bought_again_and_renews_a_second_time(
    renewed_once, learner, renewal_course
):
    expires = CertificationGrant.objects.get(user=learner).expires_at
    first_certificate = Certificate.objects.get(user=learner, course=renewal_course)

    second = buy(learner, renewal_course)
    assert second.status == "paid"
    assert course_progress(user=learner, course=renewal_course).completed == 0
    complete(learner, renewal_course)

    grant = CertificationGrant.objects.get(user=learner)
    assert grant.expires_at == expires + timedelta(days=730)
    assert grant.renewals.count() == 2
    takes = Certificate.objects.filter(user=learner, course=renewal_course)
    assert takes.count() == 2
    assert set(takes.values_list("order_id", flat=True)) == {renewed_once.pk, second.pk}
    first_certificate.refresh_from_db()
    assert first_certificate.revoked_at is None


def test_the_renewal_course_cannot_be_bought_again_before_the_renewal_window(
    certified, learner, renewal_course
):
    buy(learner, renewal_course)
    complete(learner, renewal_course)
    cart = cart_get_or_create(user=learner, token=None)
    with pytest.raises(CourseAlreadyOwned):
        cart_add_course(cart=cart, course=renewal_course, user=learner)
    assert not cart.lines.exists()


def test_an_unfinished_take_cannot_be_bought_again(renewed_once, learner, renewal_course):
    buy(learner, renewal_course)  # the second take, not finished
    cart = cart_get_or_create(user=learner, token=None)
    with pytest.raises(CourseAlreadyOwned):
        cart_add_course(cart=cart, course=renewal_course, user=learner)
    assert not cart.lines.exists()


def test_nobody_without_the_certification_may_buy_the_renewal_course_twice(
    learner, renewal_course, certification
):
    buy(learner, renewal_course)
    complete(learner, renewal_course)
    assert not renewal_retake_is_due(user=learner, course=renewal_course)
    cart = cart_get_or_create(user=learner, token=None)
    with pytest.raises(CourseAlreadyOwned):
        cart_add_course(cart=cart, course=renewal_course, user=learner)


def test_refunding_the_second_take_takes_back_only_the_second_renewal(
    renewed_once, learner, renewal_course
):
    expires = CertificationGrant.objects.get(user=learner).expires_at
    second = buy(learner, renewal_course)
    complete(learner, renewal_course)

    order_refund(order=second, amount_cents=None, reason="asked", gateway=TestGateway())

    grant = CertificationGrant.objects.get(user=learner)
    assert grant.expires_at == expires and grant.renewals.count() == 2
    assert grant.is_valid
    first = Certificate.objects.get(order=renewed_once)
    assert first.revoked_at is None
    assert Certificate.objects.get(order=second).revoked_at is not None
    # The course itself was bought with the first take too: access goes back to that order.
    enrollment = Enrollment.objects.get(user=learner, course=renewal_course)
    assert enrollment.is_active and enrollment.order == renewed_once


def test_refunding_both_takes_in_either_order_ends_the_access(
    renewed_once, learner, renewal_course
):
    second = buy(learner, renewal_course)
    order_refund(order=renewed_once, amount_cents=None, reason="asked", gateway=TestGateway())
    enrollment = Enrollment.objects.get(user=learner, course=renewal_course)
    assert enrollment.is_active and enrollment.order == second

    order_refund(order=second, amount_cents=None, reason="asked", gateway=TestGateway())
    enrollment.refresh_from_db()
    assert not enrollment.is_active


def test_a_dispute_on_the_second_take_suspends_only_it_and_a_won_dispute_gives_it_back(
    renewed_once, learner, renewal_course
):
    second = buy(learner, renewal_course)
    complete(learner, renewal_course)
    lessons = LessonCompletion.objects.filter(user=learner).count()

    assert order_dispute_open(order=second)
    enrollment = Enrollment.objects.get(user=learner, course=renewal_course)
    assert enrollment.is_active and enrollment.order == renewed_once
    assert Certificate.objects.get(order=second).revoked_at is not None

    assert order_dispute_close(order=second, lost=False)
    enrollment.refresh_from_db()
    assert enrollment.is_active and enrollment.order == second
    assert Certificate.objects.get(order=second).revoked_at is None
    assert LessonCompletion.objects.filter(user=learner).count() == lessons


def test_a_won_dispute_takes_no_enrollment_the_order_never_held(learner, renewal_course):
    """Two orders for one course, the earlier fulfilled and completed after the later was
    placed: the later one's dispute, won, leaves the enrollment with the earlier order."""
    first, duplicate = (
        OrderLineFactory(order=OrderFactory(user=learner), course=renewal_course).order
        for _ in range(2)
    )
    enrollment_grant(user=learner, course=renewal_course, order=first)
    complete(learner, renewal_course)
    enrollment_grant(user=learner, course=renewal_course, order=duplicate)

    assert order_dispute_open(order=duplicate)
    assert Enrollment.objects.get(user=learner, course=renewal_course).order == first
    assert order_dispute_close(order=duplicate, lost=False)
    assert Enrollment.objects.get(user=learner, course=renewal_course).order == first


def test_fulfilling_the_second_take_again_clears_nothing_twice(
    renewed_once, learner, renewal_course
):
    second = buy(learner, renewal_course)
    lesson = renewal_course.get_children().live().specific().first()
    complete(learner, renewal_course)
    done = LessonCompletion.objects.filter(user=learner).count()

    enrollment_grant(user=learner, course=renewal_course, order=second)

    assert LessonCompletion.objects.filter(user=learner).count() == done
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()
    assert Enrollment.objects.get(user=learner, course=renewal_course).order == second


def test_the_course_page_offers_the_renewal_to_its_owner_when_due(
    client, renewed_once, learner, renewal_course
):
    client.force_login(learner)
    html = client.get(renewal_course.url).content.decode()
    assert "data-renewal" in html and "Renew: add to cart" in html

    response = client.post(reverse("shop:cart_add"), {"course": renewal_course.pk}, follow=True)
    cart_html = response.content.decode()
    assert cart_get_or_create(user=learner, token=None).lines.count() == 1
    assert "Already yours" not in cart_html


def test_the_course_page_offers_no_renewal_before_it_is_due(
    client, certified, learner, renewal_course
):
    buy(learner, renewal_course)
    complete(learner, renewal_course)
    client.force_login(learner)
    html = client.get(renewal_course.url).content.decode()
    assert "data-renewal" not in html and "Renew: add to cart" not in html


def _renewal_offer(client, learner) -> str:
    client.force_login(learner)
    html = client.get(reverse("certificates:account")).content.decode()
    return html


def test_my_certificates_says_when_the_renewal_opens_before_the_window(
    client, certified, learner, renewal_course
):
    grant = CertificationGrant.objects.get(user=learner)
    html = _renewal_offer(client, learner)
    assert 'data-renewal="not_yet"' in html
    assert f"Renewal opens {grant.renewal_opens_at:%-d %B %Y}" in html
    assert renewal_course.url not in html


def test_my_certificates_links_the_renewal_course_inside_the_window(
    client, renewed_once, learner, renewal_course
):
    html = _renewal_offer(client, learner)
    assert f'href="{renewal_course.url}" data-renewal="open"' in html
    assert "Renewal opens" not in html


def test_my_certificates_offers_no_renewal_past_the_grace(
    client, certified, learner, renewal_course
):
    grant = CertificationGrant.objects.get(user=learner)
    _age(learner, (grant.renewal_closes_at - grant.granted_at).days + 1)
    grant.refresh_from_db()
    html = _renewal_offer(client, learner)
    assert 'data-renewal="closed"' in html
    assert f"Renewal closed {grant.renewal_closes_at:%-d %B %Y}" in html
    assert renewal_course.url not in html


def test_my_certificates_offers_no_renewal_of_a_revoked_certification(
    client, certified, learner, renewal_course
):
    order_refund(order=certified, amount_cents=None, reason="asked", gateway=TestGateway())
    html = _renewal_offer(client, learner)
    assert "data-renewal=" not in html
