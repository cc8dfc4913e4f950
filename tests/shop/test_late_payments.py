"""A payment that succeeds for an order after it was canceled or failed.

It takes again all the order held (gift card amounts, coupon use) or none of it; when any
part is gone the order is not fulfilled but becomes "paid, needs refund" and is refunded.
"""

import logging

import pytest
from django.core import mail
from django.db.models import Sum
from django.urls import reverse

from courses.models import Enrollment
from shop.exceptions import GatewayError, RefundRefused
from shop.models import (
    Cart,
    CartLine,
    Coupon,
    CouponRedemption,
    GiftCard,
    GiftCardTransaction,
    Order,
)
from shop.payments.base import PaymentState, RefundState
from shop.payments.local import TestGateway
from shop.payments.stripe_gateway import StripeGateway
from shop.services import (
    checkout_start,
    order_apply_payment,
    order_cancel,
    order_fail,
    order_fulfil,
    order_record_refund,
    order_refund,
)
from tests.factories import UserFactory
from tests.shop.factories import PromotionFactory, issue_card

pytestmark = pytest.mark.django_db


def _checkout(cart):
    order, _ = checkout_start(cart=cart, user=cart.user, gateway=TestGateway())
    return order


def _succeeded(order):
    """What the gateway reports when the order's still-open payment is confirmed."""
    return PaymentState(
        reference=order.gateway_reference,
        status="succeeded",
        amount_cents=order.total_cents,
        charge=f"{order.gateway_reference}_charge",
    )


def _late_payment(order, capture):
    with capture(execute=True):
        order_apply_payment(order=order, payment=_succeeded(order))
    order.refresh_from_db()
    return order


def _ledger(card):
    card.refresh_from_db()
    return card.transactions.aggregate(total=Sum("amount_cents"))["total"]


@pytest.fixture
def shopper(user, course):
    """The issue's customer: a $100 card of their own, a once-per-customer coupon, the course."""
    card = issue_card(10000, owner=user)
    coupon = Coupon.objects.create(code="ONCEEACH", percent_off=10, max_uses_per_customer=1)
    cart = Cart.objects.create(user=user, coupon=coupon)
    CartLine.objects.create(cart=cart, course=course)
    cart.gift_cards.add(card)
    return cart, card, coupon


@pytest.fixture
def superseded(shopper, second_course):
    """The shopper's order superseded by a changed cart: its successor holds the card again."""
    cart, _card, _ = shopper
    order = _checkout(cart)
    CartLine.objects.create(cart=cart, course=second_course)
    _checkout(cart)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED
    return order


@pytest.fixture
def refund_refused(monkeypatch):
    """The gateway cannot refund (the provider is down)."""

    def refuse(self, **kwargs):
        raise GatewayError("the provider is down")

    monkeypatch.setattr(TestGateway, "refund_payment", refuse)


def test_the_issues_repro_a_superseded_order_paid_late_is_refunded_not_fulfilled(
    user, course, second_course, shopper, django_capture_on_commit_callbacks
):
    cart, card, coupon = shopper
    PromotionFactory(eligible_courses=[course, second_course])
    order_a = _checkout(cart)
    assert (order_a.gift_card_cents, order_a.status) == (10000, Order.Status.PENDING)
    CartLine.objects.create(cart=cart, course=second_course)
    order_b = _checkout(cart)
    order_a.refresh_from_db()
    assert order_a.status == Order.Status.CANCELED
    with django_capture_on_commit_callbacks(execute=True):
        order_apply_payment(order=order_b, payment=_succeeded(order_b))
    mail.outbox.clear()

    order_a = _late_payment(order_a, django_capture_on_commit_callbacks)

    # A is not fulfilled: refunded in full, automatically, and it delivered nothing.
    assert order_a.status == Order.Status.REFUNDED
    assert order_a.refunded_cents == order_a.total_cents > 0
    assert order_a.paid_but_not_fulfilled
    assert not Enrollment.objects.filter(order=order_a).exists()
    assert sorted(Enrollment.objects.values_list("course_id", "order_id")) == sorted(
        [(course.pk, order_b.pk), (second_course.pk, order_b.pk)]
    )
    # The card counted once (for B), the coupon was used once (by B), one reward (B's).
    assert _ledger(card) == 0 == card.balance_cents
    assert (
        GiftCardTransaction.objects.filter(card=card, order=order_a).aggregate(
            net=Sum("amount_cents")
        )["net"]
        == 0
    )
    coupon.refresh_from_db()
    assert coupon.uses_count == 1
    assert CouponRedemption.objects.get(released_at__isnull=True).order == order_b
    rewards = GiftCard.objects.filter(source=GiftCard.Source.PROMOTION)
    assert list(rewards.values_list("order", flat=True)) == [order_b.pk]
    # The customer is told, in text and HTML.
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject.endswith(
        f"We could not complete order {order_a.number}: your payment is refunded"
    )
    assert "We have refunded your payment of $34.10 in full" in message.body
    assert order_a.number in message.alternatives[0][0]


def test_a_canceled_order_paid_late_while_its_holds_are_still_there_is_fulfilled(
    user, course, shopper, django_capture_on_commit_callbacks
):
    cart, card, coupon = shopper
    order = _checkout(cart)
    order_cancel(order=order)
    card.refresh_from_db()
    assert card.balance_cents == 10000

    order = _late_payment(order, django_capture_on_commit_callbacks)

    assert order.status == Order.Status.PAID
    assert Enrollment.objects.get().order == order
    assert _ledger(card) == 0 == card.balance_cents
    coupon.refresh_from_db()
    assert coupon.uses_count == 1


def test_re_taking_is_all_or_nothing_a_lost_coupon_use_leaves_the_card_untouched(
    user, course, shopper, django_capture_on_commit_callbacks
):
    cart, card, _ = shopper
    once = Coupon.objects.create(code="ONCE", percent_off=10, max_uses=1)
    cart.coupon = once
    cart.save()
    order = _checkout(cart)
    assert order.coupon == once
    order_fail(order=order, message="declined")
    other = UserFactory()
    other_cart = Cart.objects.create(user=other, coupon=once)
    CartLine.objects.create(cart=other_cart, course=course)
    _checkout(other_cart)  # takes the coupon's only use

    order = _late_payment(order, django_capture_on_commit_callbacks)

    assert order.status == Order.Status.REFUNDED
    assert order.paid_but_not_fulfilled
    assert "used up" in order.failure_message
    # The card's amount could have been taken again, but was not: all or nothing.
    assert _ledger(card) == 10000 == card.balance_cents
    assert not Enrollment.objects.filter(order=order).exists()


def test_when_the_automatic_refund_fails_the_order_waits_as_paid_needs_refund(
    superseded, refund_refused, caplog, django_capture_on_commit_callbacks
):
    order = superseded
    with caplog.at_level(logging.ERROR, logger="coachhouse.shop"):
        order = _late_payment(order, django_capture_on_commit_callbacks)

    assert order.status == Order.Status.NEEDS_REFUND
    assert order.get_status_display() == "Paid, needs refund"
    assert order.refunded_cents == 0
    assert "the automatic refund failed" in caplog.text
    assert not Enrollment.objects.filter(order=order).exists()
    assert not mail.outbox

    # The team refunds it later (dashboard, webhook): recorded without fulfilling first.
    with django_capture_on_commit_callbacks(execute=True):
        assert order_record_refund(order=order, refunded_cents=1000)
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.NEEDS_REFUND, 1000)
    with django_capture_on_commit_callbacks(execute=True):
        assert order_record_refund(order=order, refunded_cents=order.total_cents)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert not Enrollment.objects.filter(order=order).exists()
    assert [m.subject for m in mail.outbox][-1].endswith("your payment is refunded")


def test_the_shop_manager_refunds_an_order_paid_but_not_fulfilled_in_full_taking_nothing_back(
    superseded, refund_refused, monkeypatch, django_capture_on_commit_callbacks
):
    order = _late_payment(superseded, django_capture_on_commit_callbacks)
    assert order.status == Order.Status.NEEDS_REFUND
    with pytest.raises(RefundRefused):
        order_refund(order=order, amount_cents=100, reason="goodwill", gateway=TestGateway())
    monkeypatch.undo()  # the provider is back

    with django_capture_on_commit_callbacks(execute=True):
        refunded = order_refund(
            order=order, amount_cents=None, reason="paid late", gateway=TestGateway()
        )

    order.refresh_from_db()
    assert refunded == order.total_cents == order.refunded_cents
    assert order.status == Order.Status.REFUNDED
    assert [m.subject for m in mail.outbox][-1].endswith("your payment is refunded")


def test_a_refund_event_for_a_canceled_order_whose_holds_are_gone_fulfils_nothing(
    superseded, django_capture_on_commit_callbacks
):
    order = superseded

    with django_capture_on_commit_callbacks(execute=True):
        order_record_refund(order=order, refunded_cents=order.total_cents)
    order.refresh_from_db()

    assert order.status == Order.Status.REFUNDED
    assert order.refunded_cents == order.total_cents
    assert not Enrollment.objects.exists()


def test_a_repeated_success_event_for_an_order_refunded_as_unfulfillable_changes_nothing(
    superseded, django_capture_on_commit_callbacks
):
    order = superseded
    order = _late_payment(order, django_capture_on_commit_callbacks)
    assert order.status == Order.Status.REFUNDED
    sent = len(mail.outbox)

    assert order_fulfil(order=order) is False
    order = _late_payment(order, django_capture_on_commit_callbacks)

    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, order.total_cents)
    assert len(mail.outbox) == sent
    assert not Enrollment.objects.exists()


def test_the_customer_and_the_admin_see_an_order_paid_but_not_fulfilled(
    client, admin_client, user, superseded, refund_refused, django_capture_on_commit_callbacks
):
    order = superseded
    order = _late_payment(order, django_capture_on_commit_callbacks)
    assert order.status == Order.Status.NEEDS_REFUND

    client.force_login(user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Paid, needs refund" in page
    assert "so it could not be completed. Your payment is being refunded in full." in page
    listing = admin_client.get(reverse("order:index") + "?status=needs_refund").content.decode()
    assert order.number in listing
    assert "Paid, needs refund" in listing


# Canceling an order cancels its payment -------------------------------------


def test_superseding_an_order_cancels_its_payment_at_the_gateway_after_commit(
    user, course, second_course, monkeypatch, django_capture_on_commit_callbacks
):
    canceled = []
    monkeypatch.setattr(
        TestGateway, "cancel_payment", lambda self, reference: canceled.append(reference)
    )
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, course=course)
    first = _checkout(cart)
    CartLine.objects.create(cart=cart, course=second_course)
    with django_capture_on_commit_callbacks() as callbacks:
        _checkout(cart)
        assert canceled == []  # not while the transaction is open
    for callback in callbacks:
        callback()
    assert canceled == [first.gateway_reference]


def test_a_gateway_that_cannot_cancel_is_logged_and_checkout_goes_on(
    user, course, second_course, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(self, reference):
        raise GatewayError("the provider is down")

    monkeypatch.setattr(TestGateway, "cancel_payment", refuse)
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, course=course)
    first = _checkout(cart)
    CartLine.objects.create(cart=cart, course=second_course)
    with (
        caplog.at_level(logging.WARNING, logger="coachhouse.shop"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        second = _checkout(cart)
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELED
    assert second.status == Order.Status.PENDING
    assert f"Order {first.number} canceled, but its payment" in caplog.text


def test_the_test_payment_page_refuses_a_canceled_order_with_a_clear_message(
    client, user, course, django_capture_on_commit_callbacks
):
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    order_cancel(order=order)
    url = reverse("shop:test_payment", args=[order.number])

    page = client.get(url, follow=True).content.decode()
    assert f"Order {order.number} cannot be paid any more. Please check out again." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "pay"})
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED
    assert not Enrollment.objects.exists()


def test_the_stripe_return_page_settles_a_payment_that_went_through_for_a_canceled_order(
    client, user, superseded, stripe_settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Stripe could not cancel the PaymentIntent in time and the customer paid it anyway."""
    order = superseded
    Order.objects.filter(pk=order.pk).update(gateway="stripe", gateway_reference="pi_late")
    order.refresh_from_db()
    monkeypatch.setattr(StripeGateway, "retrieve_payment", lambda self, ref: _succeeded(order))
    refunds = []

    def refund(self, *, reference, amount_cents, idempotency_key):
        refunds.append((reference, amount_cents, idempotency_key))
        return RefundState(
            reference="re_1",
            payment_reference=reference,
            amount_cents=amount_cents,
            status="succeeded",
        )

    monkeypatch.setattr(StripeGateway, "refund_payment", refund)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("shop:payment_return", args=[order.number]), follow=True)

    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert refunds == [("pi_late", order.total_cents, f"order-{order.number}-refund-unfulfilled")]
    # The page was rendered before the after-commit refund ran in this test's transaction.
    assert "could not be completed. Your payment is being refunded in full." in (
        response.content.decode()
    )
