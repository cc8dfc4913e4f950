"""Twenty customers check out with a once-only coupon at the same moment (SQLite and PostgreSQL)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from shop.exceptions import CouponAlreadyUsed, CouponUsedUp
from shop.models import Cart, CartLine, Coupon, CouponRedemption, Order
from shop.payments.local import TestGateway
from shop.services import checkout_start, coupon_take_for_order, order_apply_payment
from tests.factories import UserFactory
from tests.shop.factories import bare_order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_concurrent_checkouts_with_a_once_only_coupon_leave_one_paid_order_with_it(course):
    coupon = Coupon.objects.create(code="ONCE", percent_off=10, max_uses=1)
    carts = []
    for _ in range(20):
        cart = Cart.objects.create(user=UserFactory(), coupon=coupon)
        CartLine.objects.create(cart=cart, course=course)
        carts.append(cart)

    def checkout_and_pay(cart):
        gateway = TestGateway()
        try:
            order, _ = checkout_start(cart=cart, user=cart.user, gateway=gateway)
            payment = gateway.settle_test_payment(
                reference=order.gateway_reference, amount_cents=order.total_cents, approve=True
            )
            order_apply_payment(order=order, payment=payment)
            return "paid"
        except CouponUsedUp:
            return "used up"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(checkout_and_pay, carts))

    assert sorted(results) == ["paid"] + ["used up"] * 19
    paid = Order.objects.filter(status=Order.Status.PAID)
    assert paid.filter(coupon=coupon).count() == 1
    assert Order.objects.count() == 1
    coupon.refresh_from_db()
    assert coupon.uses_count == 1
    assert CouponRedemption.objects.filter(released_at__isnull=True).count() == 1


def test_twenty_concurrent_checkouts_of_one_customer_with_a_once_per_customer_coupon_take_one_use(
    user,
):
    """The per-customer slot decides between concurrent orders of one customer."""
    coupon = Coupon.objects.create(code="MINE", percent_off=10, max_uses_per_customer=1)
    orders = [bare_order(user, coupon=coupon) for _ in range(20)]

    def take(order):
        try:
            coupon_take_for_order(order=order)
            return True
        except CouponAlreadyUsed:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(take, orders))

    assert results.count(True) == 1
    coupon.refresh_from_db()
    assert coupon.uses_count == 1
    assert CouponRedemption.objects.filter(released_at__isnull=True).count() == 1
