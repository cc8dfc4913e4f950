"""Orders and their payment state machine: placing, paying, failing, canceling, refunding.

Order states: pending → paid → partially refunded → refunded; pending → failed / canceled.
A payment that succeeds after a failed attempt or a superseded order still makes it paid:
the money has moved, so the customer gets what they paid for. Every transition is a
conditional UPDATE whose row count decides who did it, so repeats are no-ops on SQLite
and PostgreSQL alike.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from courses.services import enrollment_grant, enrollment_revoke_for_order

# A module import: shop.tasks calls back into this package.
from shop import tasks
from shop.exceptions import CartEmpty, OrderNotPayable
from shop.models import (
    Cart,
    CartGiftCardLine,
    CartLine,
    CouponRedemption,
    GiftCard,
    GiftCardTransaction,
    Order,
    OrderGiftCard,
    OrderLine,
)
from shop.payments.base import PaymentGateway, PaymentRequest, PaymentState
from shop.selectors import cart_totals, promotions_earned
from shop.services.carts import course_check_purchasable
from shop.services.gift_cards import (
    GIFT_CARD_HOLD_MINUTES,
    gift_card_redeem,
    gift_card_void,
    gift_cards_issue_for_line,
    gift_cards_release_for_order,
    gift_cards_retake_for_order,
)
from shop.services.promotions import promotion_reward_issue

logger = logging.getLogger("coachhouse.shop")

PAYABLE = [Order.Status.PENDING, Order.Status.FAILED, Order.Status.CANCELED]
REFUNDABLE = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]


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
    if not totals.count:
        raise CartEmpty()
    if totals.coupon_error is not None:
        raise totals.coupon_error
    for course in totals.courses:
        course_check_purchasable(course=course, user=user)
    for use in totals.gift_card_uses:
        if use.error is not None:
            raise use.error
    existing = Order.objects.filter(
        cart=cart, user=user, status=Order.Status.PENDING, cart_fingerprint=totals.fingerprint
    ).first()
    if existing is not None:
        return existing
    for superseded in Order.objects.filter(cart=cart, status=Order.Status.PENDING):
        order_cancel(order=superseded)
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
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            title=f"{line.denomination} for {line.recipient_name}",
            unit_price_cents=line.denomination.amount_cents,
            quantity=line.quantity,
            is_gift_card=True,
            recipient_name=line.recipient_name,
            recipient_email=line.recipient_email,
            gift_message=line.message,
            deliver_on=line.deliver_on,
        )
        for line in totals.gift_card_lines
    )
    for use in totals.gift_card_uses:
        if use.amount_cents:
            OrderGiftCard.objects.create(order=order, card=use.card, amount_cents=use.amount_cents)
            gift_card_redeem(card=use.card, amount_cents=use.amount_cents, order=order)
    if order.gift_card_cents and order.total_cents:
        tasks.schedule(
            tasks.release_abandoned_order,
            at=timezone.now() + timedelta(minutes=GIFT_CARD_HOLD_MINUTES),
            order_id=order.pk,
        )
    return order


def order_cancel(*, order: Order) -> bool:
    """Cancel a pending order (superseded or abandoned) and release its gift card holds."""
    with transaction.atomic():
        won = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.CANCELED, updated_at=timezone.now()
        )
        if won:
            gift_cards_release_for_order(order=order, kind=GiftCardTransaction.Kind.RELEASE)
    return bool(won)


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

    Grants the enrollments, takes again any gift card holds a failed or abandoned attempt
    released, issues bought gift cards (one per line item) and promotion rewards (one per
    order and promotion), records the coupon use, empties the bought items from the
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
        gift_cards_retake_for_order(order=order)
        course_ids, courses = [], []
        for line in order.lines.select_related("course"):
            if line.is_gift_card:
                gift_cards_issue_for_line(line=line)
            elif line.course is not None and order.user is not None:
                enrollment_grant(user=order.user, course=line.course, order=order)
                course_ids.append(line.course.pk)
                courses.append(line.course)
        for promotion in promotions_earned(
            courses=courses,
            subtotal_cents=order.subtotal_cents - order.discount_cents,
            now=order.created_at,
        ):
            promotion_reward_issue(order=order, promotion=promotion)
        if order.coupon_id is not None:
            CouponRedemption.objects.get_or_create(
                order=order, defaults={"coupon_id": order.coupon_id, "user": order.user}
            )
        carts = Cart.objects.filter(
            Q(pk=order.cart_id) | Q(user=order.user) if order.user else Q(pk=order.cart_id)
        )
        CartLine.objects.filter(cart__in=carts, course_id__in=course_ids).delete()
        if any(line.is_gift_card for line in order.lines.all()):
            CartGiftCardLine.objects.filter(cart_id=order.cart_id).delete()
        Cart.gift_cards.through.objects.filter(
            cart__in=carts, giftcard__in=order.gift_card_uses.values("card")
        ).delete()
        if order.coupon_id is not None:
            carts.filter(coupon_id=order.coupon_id).update(coupon=None)
        transaction.on_commit(
            lambda: tasks.send_order_email.enqueue(order_id=order.pk, kind="receipt")
        )
    logger.info("Order %s paid and fulfilled", order.number)
    return True


def order_fail(*, order: Order, message: str = "") -> bool:
    """A pending order's payment failed; nothing is granted, its gift card holds are released
    and the cart stays as it was."""
    with transaction.atomic():
        updated = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.FAILED, failure_message=message[:255], updated_at=timezone.now()
        )
        if updated:
            gift_cards_release_for_order(order=order, kind=GiftCardTransaction.Kind.RELEASE)
    order.refresh_from_db()
    return bool(updated)


def order_record_refund(*, order: Order, refunded_cents: int) -> bool:
    """Record the provider's cumulative refunded amount for a paid order.

    A full refund revokes the enrollments the order granted, credits back what gift cards
    paid and voids the unspent balance of cards the order bought or earned; a partial one
    keeps them. Only
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
            gift_cards_release_for_order(order=order, kind=GiftCardTransaction.Kind.REFUND_CREDIT)
            for card in GiftCard.objects.filter(Q(order_line__order=order) | Q(order=order)):
                gift_card_void(card=card, order=order)
        transaction.on_commit(
            lambda: tasks.send_order_email.enqueue(order_id=order.pk, kind="refund")
        )
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


def orders_release_abandoned(*, now: datetime | None = None) -> int:
    """Cancel pending orders older than the hold time that hold gift cards; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(minutes=GIFT_CARD_HOLD_MINUTES)
    stale = Order.objects.filter(
        status=Order.Status.PENDING, gift_card_cents__gt=0, created_at__lt=cutoff
    )
    return sum(order_cancel(order=order) for order in stale)
