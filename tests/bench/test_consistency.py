"""The load test's consistency checker flags each kind of broken store data, and only that."""

import pytest

from bench.loadtest.consistency import find_inconsistencies
from courses.models import Enrollment
from shop.models import Cart, CartLine, Coupon, CouponRedemption, Order
from shop.services import order_fulfil, order_place
from tests.courses.factories import CoursePageFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _paid_order(user, *courses, coupon=None) -> Order:
    """An order placed through the store's services and fulfilled as a payment would."""
    cart = Cart.objects.create(user=user, coupon=coupon)
    for course in courses:
        CartLine.objects.create(cart=cart, course=course)
    order = order_place(cart=cart, user=user)
    order_fulfil(order=order)
    cart.delete()
    order.refresh_from_db()
    return order


def test_orders_fulfilled_by_the_store_are_consistent(user, course, course_index):
    second = CoursePageFactory(parent=course_index, title="Pain-Free Posture")
    coupon = Coupon.objects.create(code="WELCOME10", percent_off=10, max_uses=1)
    _paid_order(user, course, second, coupon=coupon)
    assert find_inconsistencies() == []


def test_a_paid_order_without_its_enrollment_is_flagged(user, course):
    order = _paid_order(user, course)
    Enrollment.objects.filter(user=user, course=course).delete()
    assert find_inconsistencies() == [
        f"order {order.number} is paid but grants no enrollment in “The Balance Gym”"
    ]


def test_a_paid_order_whose_enrollment_was_revoked_is_flagged(user, course):
    order = _paid_order(user, course)
    Enrollment.objects.filter(user=user, course=course).update(revoked_at=order.paid_at)
    assert find_inconsistencies() == [
        f"order {order.number} is paid but grants no enrollment in “The Balance Gym”"
    ]


def test_two_paid_orders_for_the_same_course_are_flagged(user, course):
    _paid_order(user, course)
    again = _paid_order(user, CoursePageFactory(parent=course.get_parent()))
    again.lines.update(course=course, title=course.title)
    assert find_inconsistencies() == [f"{user.email} holds 2 paid orders for “The Balance Gym”"]


def test_one_payment_settling_two_orders_is_flagged(user, course, course_index):
    first = _paid_order(user, course)
    second = _paid_order(UserFactory(), course)
    Order.objects.filter(pk__in=[first.pk, second.pk]).update(
        gateway="stripe", gateway_reference="pi_shared"
    )
    assert find_inconsistencies() == ["payment pi_shared settled 2 orders"]


def test_a_paid_order_whose_coupon_use_is_missing_is_flagged(user, course):
    coupon = Coupon.objects.create(code="WELCOME10", percent_off=10)
    order = _paid_order(user, course, coupon=coupon)
    CouponRedemption.objects.filter(order=order).delete()
    assert find_inconsistencies() == [
        f"order {order.number} is paid with coupon WELCOME10 but its use is not recorded",
        "coupon WELCOME10 counts 1 uses but 0 are held",
    ]


def test_a_coupon_used_beyond_its_limit_is_flagged(user, course):
    coupon = Coupon.objects.create(code="WELCOME10", percent_off=10)
    _paid_order(user, course, coupon=coupon)
    _paid_order(UserFactory(), course, coupon=coupon)
    Coupon.objects.filter(pk=coupon.pk).update(max_uses=1)
    assert find_inconsistencies() == ["coupon WELCOME10 was used 2 times, more than its 1 allowed"]
