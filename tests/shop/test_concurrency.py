"""Fulfilment under real concurrency: many workers, one order, exactly one fulfilment."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connections

from courses.models import Enrollment
from shop.models import Coupon, CouponRedemption, Order, OrderLine
from shop.services import order_fulfil

# Real threads with their own connections: on PostgreSQL, and on SQLite's file-backed test
# database (tests/conftest.py), where they meet its one-writer lock as production does.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_concurrent_fulfilments_of_one_order_grant_and_count_once(user, course):
    coupon = Coupon.objects.create(code="WELCOME10", percent_off=10)
    order = Order.objects.create(
        user=user,
        email=user.email,
        coupon=coupon,
        subtotal_cents=14900,
        discount_cents=1490,
        total_cents=13410,
        currency="USD",
        gateway="test",
    )
    OrderLine.objects.create(order=order, course=course, title=course.title, unit_price_cents=14900)

    def fulfil(_):
        try:
            return order_fulfil(order=Order.objects.get(pk=order.pk))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fulfil, range(8)))

    assert results.count(True) == 1
    assert Enrollment.objects.filter(user=user, course=course).count() == 1
    assert CouponRedemption.objects.filter(order=order).count() == 1
    assert len(mail.outbox) == 1
