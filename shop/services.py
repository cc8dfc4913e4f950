"""State changes of the store: carts, coupons, orders and their payment state machine.

Order states: pending → paid → partially refunded → refunded; pending → failed / canceled.
A payment that succeeds after a failed attempt or a superseded order still makes it paid:
the money has moved, so the customer gets what they paid for. Every transition is a
conditional UPDATE whose row count decides who did it, so repeats are no-ops on SQLite
and PostgreSQL alike.
"""

import logging

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from courses.models import CoursePage
from courses.selectors import Visitor, user_is_enrolled
from courses.services import enrollment_grant, enrollment_revoke_for_order
from shop.exceptions import (
    CartEmpty,
    CouponNotFound,
    CourseAlreadyOwned,
    CourseNotPurchasable,
    OrderNotPayable,
)
from shop.models import Cart, CartLine, Coupon, CouponRedemption, Order, OrderLine, PaymentEvent
from shop.payments.base import PaymentGateway, PaymentRequest, PaymentState, WebhookEvent
from shop.selectors import cart_for, cart_totals, coupon_discount_cents
from shop.tasks import send_order_email

logger = logging.getLogger("coachhouse.shop")

PAYABLE = [Order.Status.PENDING, Order.Status.FAILED, Order.Status.CANCELED]
REFUNDABLE = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]


# Carts ---------------------------------------------------------------------


def cart_get_or_create(*, user: Visitor, token: str | None) -> Cart:
    """The visitor's open cart, created on first use (by user when logged in, else by token)."""
    cart = cart_for(user=user, token=token)
    if cart is not None:
        return cart
    if user.is_authenticated:
        return Cart.objects.get_or_create(user=user)[0]
    return Cart.objects.create()


def _check_purchasable(*, course: CoursePage, user: Visitor) -> None:
    if not course.live or not course.is_purchasable:
        raise CourseNotPurchasable(course.title)
    if user_is_enrolled(user=user, course=course):
        raise CourseAlreadyOwned(course.title)


def cart_add_course(*, cart: Cart, course: CoursePage, user: Visitor) -> bool:
    """Put a live, purchasable course the user does not own into the cart, at most once.

    Returns False when it was already there. Raises CourseNotPurchasable / CourseAlreadyOwned.
    """
    _check_purchasable(course=course, user=user)
    _, created = CartLine.objects.get_or_create(cart=cart, course=course)
    return created


def cart_remove_course(*, cart: Cart, course_id: int) -> None:
    """Take the course out of the cart; removing what is not there changes nothing."""
    CartLine.objects.filter(cart=cart, course_id=course_id).delete()


def cart_apply_coupon(*, cart: Cart, code: str, user: Visitor) -> Coupon:
    """Attach the coupon to the cart if it applies now; otherwise the CouponError says why.

    A refused code leaves the cart's current coupon as it was.
    """
    code = code.strip()
    coupon = Coupon.objects.filter(code__iexact=code).first()
    if coupon is None:
        raise CouponNotFound(code)
    courses = [line.course for line in cart.lines.select_related("course")]
    coupon_discount_cents(coupon=coupon, courses=courses, user=user)
    cart.coupon = coupon
    cart.save(update_fields=["coupon", "updated_at"])
    return coupon


def cart_remove_coupon(*, cart: Cart) -> None:
    """Detach the cart's coupon, if any."""
    cart.coupon = None
    cart.save(update_fields=["coupon", "updated_at"])


@transaction.atomic
def cart_merge(*, token: str | None, user: AbstractBaseUser) -> Cart | None:
    """On login, move the anonymous cart's courses into the user's cart, then drop it.

    Courses the user owns or already has in the cart are skipped; the anonymous coupon
    carries over when the user's cart has none. Returns the user's cart (None if neither exists).
    """
    anonymous = cart_for(user=AnonymousUser(), token=token)
    if anonymous is None:
        return Cart.objects.filter(user=user).first()
    cart, _ = Cart.objects.get_or_create(user=user)
    for line in anonymous.lines.select_related("course"):
        if not user_is_enrolled(user=user, course=line.course):
            CartLine.objects.get_or_create(cart=cart, course=line.course)
    if cart.coupon_id is None and anonymous.coupon_id is not None:
        cart.coupon_id = anonymous.coupon_id
        cart.save(update_fields=["coupon", "updated_at"])
    anonymous.delete()
    return cart


# Orders --------------------------------------------------------------------


@transaction.atomic
def order_place(*, cart: Cart, user: AbstractBaseUser) -> Order:
    """Turn the cart into a pending order priced on the server; the cart itself stays as is.

    Placing the same cart twice (a double click, a reload) returns the same pending order;
    a changed cart supersedes (cancels) the cart's earlier pending orders. Raises CartEmpty,
    CourseNotPurchasable, CourseAlreadyOwned or the CouponError of a coupon that no longer applies.
    """
    # Serialises concurrent checkouts of one cart on PostgreSQL; SQLite's IMMEDIATE
    # transactions already serialise writers.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    totals = cart_totals(cart=cart, user=user)
    if not totals.courses:
        raise CartEmpty()
    if totals.coupon_error is not None:
        raise totals.coupon_error
    for course in totals.courses:
        _check_purchasable(course=course, user=user)
    existing = Order.objects.filter(
        cart=cart, user=user, status=Order.Status.PENDING, cart_fingerprint=totals.fingerprint
    ).first()
    if existing is not None:
        return existing
    Order.objects.filter(cart=cart, status=Order.Status.PENDING).update(
        status=Order.Status.CANCELED
    )
    coupon = totals.coupon if totals.discount_cents else None
    order = Order.objects.create(
        user=user,
        email=user.email,
        cart=cart,
        cart_fingerprint=totals.fingerprint,
        coupon=coupon,
        coupon_code=coupon.code if coupon else "",
        subtotal_cents=totals.subtotal_cents,
        discount_cents=totals.discount_cents,
        gift_card_cents=totals.gift_card_cents,
        total_cents=totals.total_cents,
        currency=settings.SITE_CURRENCY,
        gateway="",
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order, course=course, title=course.title, unit_price_cents=course.price_cents
        )
        for course in totals.courses
    )
    return order


def order_start_payment(*, order: Order, gateway: PaymentGateway) -> PaymentState:
    """Open (or reopen) the order's payment with the gateway: one payment per order, ever.

    Raises OrderNotPayable when the order is no longer pending, GatewayError when the
    provider fails.
    """
    if order.status != Order.Status.PENDING:
        raise OrderNotPayable(order.number)
    if order.gateway_reference and order.gateway == gateway.name:
        return gateway.retrieve_payment(order.gateway_reference)
    state = gateway.create_payment(
        PaymentRequest(
            order_number=order.number,
            amount_cents=order.total_cents,
            currency=order.currency,
            idempotency_key=f"order-{order.number}-payment",
        )
    )
    Order.objects.filter(pk=order.pk).update(
        gateway=gateway.name, gateway_reference=state.reference
    )
    order.gateway, order.gateway_reference = gateway.name, state.reference
    return state


def checkout_start(
    *, cart: Cart, user: AbstractBaseUser, gateway: PaymentGateway
) -> tuple[Order, PaymentState | None]:
    """Place the cart's order and open its payment: a repeated checkout reuses both.

    An order with nothing to pay (a 100% coupon) is fulfilled at once, without a gateway;
    the payment is then None.
    """
    order = order_place(cart=cart, user=user)
    if order.total_cents == 0:
        Order.objects.filter(pk=order.pk).update(gateway="none")
        order_fulfil(order=order)
        return order, None
    return order, order_start_payment(order=order, gateway=gateway)


def order_fulfil(*, order: Order, charge: str = "") -> bool:
    """Mark the order paid and deliver it — exactly once, in one transaction.

    Grants the enrollments, records the coupon use, empties the bought courses from the
    customer's carts and queues the receipt. Returns False (changing nothing) when the order
    was already fulfilled, however often and in whatever order payment events repeat.
    """
    with transaction.atomic():
        now = timezone.now()
        won = Order.objects.filter(pk=order.pk, status__in=PAYABLE).update(
            status=Order.Status.PAID, paid_at=now, failure_message="", updated_at=now
        )
        if not won:
            return False
        if charge:
            Order.objects.filter(pk=order.pk).update(gateway_charge=charge)
        order.refresh_from_db()
        course_ids = []
        for line in order.lines.select_related("course"):
            if line.course is not None and order.user is not None:
                enrollment_grant(user=order.user, course=line.course, order=order)
                course_ids.append(line.course.pk)
        if order.coupon_id is not None:
            CouponRedemption.objects.get_or_create(
                order=order, defaults={"coupon_id": order.coupon_id, "user": order.user}
            )
        carts = Cart.objects.filter(
            Q(pk=order.cart_id) | Q(user=order.user) if order.user else Q(pk=order.cart_id)
        )
        CartLine.objects.filter(cart__in=carts, course_id__in=course_ids).delete()
        if order.coupon_id is not None:
            carts.filter(coupon_id=order.coupon_id).update(coupon=None)
        transaction.on_commit(lambda: send_order_email.enqueue(order_id=order.pk, kind="receipt"))
    logger.info("Order %s paid and fulfilled", order.number)
    return True


def order_fail(*, order: Order, message: str = "") -> bool:
    """A pending order's payment failed; nothing is granted and the cart stays as it was."""
    updated = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
        status=Order.Status.FAILED, failure_message=message[:255], updated_at=timezone.now()
    )
    order.refresh_from_db()
    return bool(updated)


def order_record_refund(*, order: Order, refunded_cents: int) -> bool:
    """Record the provider's cumulative refunded amount for a paid order.

    A full refund revokes the enrollments the order granted; a partial one keeps them. Only
    a larger amount than already recorded changes anything, so repeats are no-ops. A refund
    that arrives before the payment's success event proves the payment, so it fulfils first.
    """
    with transaction.atomic():
        if order.status in PAYABLE:
            order_fulfil(order=order)
        refunded_cents = min(refunded_cents, order.total_cents)
        status = (
            Order.Status.REFUNDED
            if refunded_cents >= order.total_cents
            else Order.Status.PARTIALLY_REFUNDED
        )
        now = timezone.now()
        updated = Order.objects.filter(
            pk=order.pk, status__in=REFUNDABLE, refunded_cents__lt=refunded_cents
        ).update(refunded_cents=refunded_cents, status=status, refunded_at=now, updated_at=now)
        if not updated:
            return False
        if status == Order.Status.REFUNDED:
            enrollment_revoke_for_order(order=order)
        transaction.on_commit(lambda: send_order_email.enqueue(order_id=order.pk, kind="refund"))
    order.refresh_from_db()
    return True


def order_apply_payment(*, order: Order, payment: PaymentState) -> None:
    """Move the order along with what the gateway says of its payment (from any channel).

    A success for a different amount than the order's total is logged and not fulfilled.
    """
    if payment.status == "succeeded":
        if payment.amount_cents != order.total_cents:
            logger.error(
                "Order %s: payment %s is for %s cents, the order for %s; not fulfilled",
                order.number,
                payment.reference,
                payment.amount_cents,
                order.total_cents,
            )
            return
        order_fulfil(order=order, charge=payment.charge)
    elif payment.status == "failed":
        order_fail(order=order, message=payment.failure_message)


# Webhooks ------------------------------------------------------------------

HANDLED_EVENTS = {"payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"}


def _order_for_payment(payment: PaymentState) -> Order | None:
    if payment.order_number:
        order = Order.objects.filter(number=payment.order_number).first()
        if order is not None:
            return order
    if payment.reference:
        return Order.objects.filter(gateway_reference=payment.reference).first()
    return None


@transaction.atomic
def payment_event_process(*, event: WebhookEvent) -> str:
    """Handle one verified provider event at most once (by event id); returns what happened.

    Unknown orders and unhandled types are recorded and acknowledged, changing nothing else.
    The event row and its effects commit together, so a failure lets the provider retry.
    """
    order = _order_for_payment(event.payment)
    _, created = PaymentEvent.objects.get_or_create(
        event_id=event.id, defaults={"event_type": event.type, "order": order}
    )
    if not created:
        return "duplicate"
    if event.type not in HANDLED_EVENTS:
        return "ignored"
    if order is None:
        logger.warning("Payment event %s (%s) names no known order", event.id, event.type)
        return "unknown order"
    if event.type == "charge.refunded":
        order_record_refund(order=order, refunded_cents=event.payment.amount_refunded_cents)
    else:
        order_apply_payment(order=order, payment=event.payment)
    return "handled"
