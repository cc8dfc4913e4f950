"""Coupon limits: a use is taken when the order is placed and given back when it goes nowhere."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from shop.exceptions import CouponAlreadyUsed, CouponUsedUp
from shop.models import Cart, CartLine, Coupon, CouponRedemption, Order
from shop.payments.local import TestGateway
from shop.services import (
    checkout_start,
    coupon_take_for_order,
    order_apply_payment,
    order_cancel,
    order_fail,
    orders_release_abandoned,
)
from tests.factories import UserFactory
from tests.shop.factories import bare_order

pytestmark = pytest.mark.django_db


def _cart(user, *courses, coupon=None):
    cart = Cart.objects.create(user=user, coupon=coupon)
    for course in courses:
        CartLine.objects.create(cart=cart, course=course)
    return cart


def _checkout(cart):
    order, _ = checkout_start(cart=cart, user=cart.user, gateway=TestGateway())
    return order


def _pay(order):
    payment = TestGateway().settle_test_payment(
        reference=order.gateway_reference, amount_cents=order.total_cents, approve=True
    )
    order_apply_payment(order=order, payment=payment)
    order.refresh_from_db()


def _uses(coupon):
    coupon.refresh_from_db()
    held = CouponRedemption.objects.filter(coupon=coupon, released_at__isnull=True).count()
    assert coupon.uses_count == held, "the counter and the held redemptions disagree"
    return held


@pytest.fixture
def once():
    return Coupon.objects.create(code="ONCE", percent_off=10, max_uses=1)


def test_three_sequential_checkouts_of_a_once_only_coupon_place_one_order_with_it(
    course, once, django_capture_on_commit_callbacks
):
    clients = []
    for _ in range(3):
        client = Client()
        client.force_login(UserFactory())
        client.post(reverse("shop:cart_add"), {"course": course.pk})
        client.post(reverse("shop:coupon_apply"), {"code": "ONCE"})
        clients.append(client)
    assert Cart.objects.filter(coupon=once).count() == 3

    first = clients[0].post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert first["Location"] == reverse("shop:test_payment", args=[order.number])
    with django_capture_on_commit_callbacks(execute=True):
        clients[0].post(reverse("shop:test_payment", args=[order.number]), {"action": "pay"})
    for client in clients[1:]:
        page = client.post(reverse("shop:checkout"), follow=True).content.decode()
        assert "Coupon ONCE has been used up." in page

    assert Order.objects.count() == 1
    assert Order.objects.get().status == Order.Status.PAID
    assert _uses(once) == 1
    # Nothing else changed for the refused customers: their carts still hold course and code.
    assert Cart.objects.filter(coupon=once).count() == 2
    assert CartLine.objects.count() == 2


def test_a_pending_order_already_holds_the_last_use(user, course, once):
    held = _checkout(_cart(user, course, coupon=once))
    assert held.status == Order.Status.PENDING
    assert _uses(once) == 1
    other = UserFactory()
    with pytest.raises(CouponUsedUp, match=r"Coupon ONCE has been used up\."):
        _checkout(_cart(other, course, coupon=once))
    assert list(Order.objects.values_list("pk", flat=True)) == [held.pk]
    assert _uses(once) == 1


def test_checking_out_the_same_cart_twice_keeps_its_one_use(user, course, once):
    cart = _cart(user, course, coupon=once)
    assert _checkout(cart) == _checkout(cart)
    assert _uses(once) == 1


def test_a_declined_payment_gives_the_use_back(user, course, once):
    order = _checkout(_cart(user, course, coupon=once))
    order_fail(order=order, message="declined")
    assert _uses(once) == 0
    _pay(_checkout(_cart(UserFactory(), course, coupon=once)))
    assert _uses(once) == 1


def test_a_canceled_order_gives_the_use_back(user, course, once):
    order = _checkout(_cart(user, course, coupon=once))
    assert order_cancel(order=order)
    assert _uses(once) == 0
    assert CouponRedemption.objects.get(order=order).released_at is not None


def test_a_superseded_order_hands_its_use_to_the_order_that_replaces_it(
    user, course, second_course, once
):
    cart = _cart(user, course, coupon=once)
    first = _checkout(cart)
    CartLine.objects.create(cart=cart, course=second_course)
    second = _checkout(cart)
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELED
    assert (second.status, second.coupon) == (Order.Status.PENDING, once)
    assert _uses(once) == 1
    assert CouponRedemption.objects.get(released_at__isnull=True).order == second


def test_an_abandoned_order_holding_only_a_coupon_is_released_after_the_hold_time(
    user, course, once
):
    order = _checkout(_cart(user, course, coupon=once))
    assert orders_release_abandoned() == 0
    assert _uses(once) == 1
    out = StringIO()
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=2))
    call_command("shop_sweep", stdout=out)
    assert "Released 1 abandoned order(s)" in out.getvalue()
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED
    assert _uses(once) == 0


def test_the_abandonment_task_is_scheduled_for_an_order_holding_a_coupon(
    user, course, once, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        order = _checkout(_cart(user, course, coupon=once))
    scheduled = [
        r for r in default_task_backend.results if r.task.name == "release_abandoned_order"
    ]
    assert [r.kwargs for r in scheduled] == [{"order_id": order.pk}]
    assert scheduled[0].task.run_after > timezone.now() + timedelta(minutes=59)


def test_a_released_order_paid_late_takes_the_use_again_while_one_is_left(user, course, once):
    order = _checkout(_cart(user, course, coupon=once))
    order_fail(order=order, message="declined")
    _pay(order)
    assert order.status == Order.Status.PAID
    assert _uses(once) == 1


def test_the_per_customer_limit_counts_from_placing_too(user, course, second_course):
    mine = Coupon.objects.create(code="MINE", percent_off=10, max_uses_per_customer=1)
    _pay(_checkout(_cart(user, course, coupon=mine)))
    Cart.objects.filter(user=user).delete()
    with pytest.raises(CouponAlreadyUsed):
        _checkout(_cart(user, second_course, coupon=mine))
    assert Order.objects.count() == 1
    assert _uses(mine) == 1
    _pay(_checkout(_cart(UserFactory(), second_course, coupon=mine)))
    assert _uses(mine) == 2


def test_a_second_use_by_one_customer_is_refused_by_the_database_not_by_a_read(
    user, course, second_course
):
    """Two orders of one customer that both got past validation: only one takes the use."""
    mine = Coupon.objects.create(code="MINE", percent_off=10, max_uses_per_customer=1)
    orders = [bare_order(user, coupon=mine) for _ in range(2)]
    coupon_take_for_order(order=orders[0])
    with pytest.raises(CouponAlreadyUsed):
        coupon_take_for_order(order=orders[1])
    assert _uses(mine) == 1
    assert CouponRedemption.objects.get(released_at__isnull=True).order == orders[0]


def test_the_total_limit_is_a_conditional_update_whatever_was_read_before(user):
    once = Coupon.objects.create(code="ONCE", percent_off=10, max_uses=2)
    orders = [bare_order(UserFactory(), coupon=once) for _ in range(3)]
    coupon_take_for_order(order=orders[0])
    coupon_take_for_order(order=orders[1])
    with pytest.raises(CouponUsedUp):
        coupon_take_for_order(order=orders[2])
    assert _uses(once) == 2
    assert not CouponRedemption.objects.filter(order=orders[2], released_at__isnull=True).exists()
