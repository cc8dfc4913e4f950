"""Orders and their payment state machine: placing, paying, failing, canceling, refunding.

Order states: pending → paid → partially refunded → refunded; pending → failed / canceled.
A placed order holds what it uses (gift card amounts, its coupon use) until it fails, is
canceled (superseded, abandoned) or is paid. A payment that succeeds after the order failed
or was canceled takes all of that again, all or nothing: if every hold can be re-taken the
order is paid and fulfilled; if any cannot, none is, nothing is delivered, and the order
becomes "paid, needs refund" and its payment is refunded automatically. Every transition is
a conditional UPDATE whose row count decides who did it, so repeats are no-ops on SQLite and
PostgreSQL alike.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from courses.services import enrollment_grant

# A module import: shop.tasks calls back into this package.
from shop import tasks
from shop.exceptions import (
    CartEmpty,
    CouponError,
    GatewayError,
    GiftCardError,
    InstalmentsError,
    InstalmentsNotBillable,
    MembershipError,
    MembershipNotBillable,
    OrderNotPayable,
)
from shop.models import (
    Cart,
    CartGiftCardLine,
    CartLine,
    CartPlanLine,
    GiftCardTransaction,
    Membership,
    Order,
    OrderGiftCard,
    OrderLine,
)
from shop.payments import get_gateway
from shop.payments.base import (
    PaymentGateway,
    PaymentRequest,
    PaymentState,
    SubscriptionRequest,
)
from shop.selectors import (
    cart_totals,
    order_qualifying_cents,
    plan_discount_cents,
    promotions_earned,
)
from shop.services.carts import course_check_purchasable
from shop.services.coupons import coupon_release_for_order, coupon_take_for_order
from shop.services.gift_cards import (
    GIFT_CARD_HOLD_MINUTES,
    gift_card_redeem,
    gift_cards_issue_for_line,
    gift_cards_release_for_order,
    gift_cards_retake_for_order,
)
from shop.services.instalments import (
    instalment_line_fields,
    instalment_plan_start,
    instalments_start_subscription,
)
from shop.services.memberships import membership_start, plan_check_subscribable
from shop.services.promotions import promotion_reward_issue

logger = logging.getLogger("coachhouse.shop")

PAYABLE = [Order.Status.PENDING, Order.Status.FAILED, Order.Status.CANCELED]
# A pending order that holds anything is canceled (its holds released) after this long.
ORDER_HOLD_MINUTES = GIFT_CARD_HOLD_MINUTES


@transaction.atomic
def order_place(*, cart: Cart, user: AbstractBaseUser) -> Order:
    """Turn the cart into a pending order priced on the server; the cart itself stays as is.

    Placing the same cart twice (a double click, a reload) returns the same pending order;
    a changed cart supersedes (cancels) the cart's earlier pending orders. The order takes its
    coupon use and gift card amounts now, holding them while it is pending. Raises CartEmpty,
    CartTooLarge, CourseNotPurchasable, CourseAlreadyOwned, the CouponError of a coupon that no
    longer applies (CouponUsedUp when its last use was just taken) or GiftCardBalanceTooLow;
    nothing changes then.
    """
    # Serialises concurrent checkouts of one cart on PostgreSQL; SQLite's IMMEDIATE
    # transactions already serialise writers.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    totals = cart_totals(cart=cart, user=user)
    if not totals.count:
        raise CartEmpty()
    if totals.size_error is not None:
        raise totals.size_error
    if totals.coupon_error is not None:
        raise totals.coupon_error
    if totals.plan_error is not None:
        raise totals.plan_error
    if totals.instalments_error is not None:
        raise totals.instalments_error
    if totals.plan is not None:
        plan_check_subscribable(plan=totals.plan, user=user)
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
        OrderLine(order=order, **instalment_line_fields(course=course))
        if course == totals.instalment_course
        else OrderLine(
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
    if totals.plan is not None:
        OrderLine.objects.create(order=order, **_plan_line_fields(totals=totals, coupon=coupon))
    coupon_take_for_order(order=order)
    for use in totals.gift_card_uses:
        if use.amount_cents:
            OrderGiftCard.objects.create(order=order, card=use.card, amount_cents=use.amount_cents)
            gift_card_redeem(card=use.card, amount_cents=use.amount_cents, order=order)
    if (order.gift_card_cents or order.coupon_id) and order.total_cents:
        tasks.schedule(
            tasks.release_abandoned_order,
            at=timezone.now() + timedelta(minutes=ORDER_HOLD_MINUTES),
            order_id=order.pk,
        )
    return order


def _plan_line_fields(*, totals, coupon) -> dict:
    """The order line of a membership: today's charge, and the price and renewal amount it
    is sold at (a "forever" coupon takes its discount off every renewal too)."""
    plan = totals.plan
    forever = coupon is not None and coupon.duration == coupon.Duration.FOREVER
    renewal_discount = plan_discount_cents(coupon=coupon, price_cents=plan.price_cents)
    title = f"{plan.name} membership ({plan.get_interval_display().lower()})"
    if not totals.plan_cents:
        title += f", {plan.trial_days}-day free trial"
    return {
        "plan": plan,
        "title": title,
        "unit_price_cents": totals.plan_cents,
        "plan_price_cents": plan.price_cents,
        "recurring_cents": plan.price_cents - (renewal_discount if forever else 0),
    }


def order_release_holds(*, order: Order) -> None:
    """Give back what the order holds: its gift card amounts and its coupon use."""
    gift_cards_release_for_order(order=order, kind=GiftCardTransaction.Kind.RELEASE)
    coupon_release_for_order(order=order)


def order_cancel(*, order: Order) -> bool:
    """Cancel a pending order (superseded or abandoned), release its holds and, once that
    has committed, cancel its payment at the gateway so it can no longer be paid.

    A gateway that refuses or cannot be reached is logged and changes nothing here: a
    payment that still succeeds is handled as a late payment.
    """
    with transaction.atomic():
        won = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.CANCELED, updated_at=timezone.now()
        )
        if won:
            order_release_holds(order=order)
            reference = (
                Order.objects.filter(pk=order.pk).values_list("gateway", "gateway_reference").get()
            )
            if reference[1]:
                transaction.on_commit(
                    lambda: _cancel_at_gateway(
                        number=order.number, gateway_name=reference[0], reference=reference[1]
                    )
                )
    return bool(won)


def _cancel_at_gateway(*, number: str, gateway_name: str, reference: str) -> None:
    gateway = get_gateway()
    if gateway.name != gateway_name:
        logger.warning("Order %s: its payment is not with the %s gateway", number, gateway.name)
        return
    try:
        gateway.cancel_payment(reference)
    except GatewayError:
        logger.warning(
            "Order %s canceled, but its payment %s could not be", number, reference, exc_info=True
        )


def order_start_payment(*, order: Order, gateway: PaymentGateway) -> PaymentState:
    """Open (or reopen) the order's payment with the gateway: one payment per order, ever.

    Raises OrderNotPayable when the order is no longer pending, MembershipNotBillable for a
    membership on a gateway that cannot bill its renewals, GatewayError when the provider
    fails.
    """
    if order.status != Order.Status.PENDING:
        raise OrderNotPayable(order.number)
    if order.gateway_reference and order.gateway == gateway.name:
        return gateway.retrieve_payment(order.gateway_reference)
    if order.lines.filter(instalment_count__gt=0).exists():
        if gateway.subscribes_at_provider:
            return instalments_start_subscription(order=order, gateway=gateway)
        if not gateway.offers_test_payment_page:
            raise InstalmentsNotBillable()
    plan_line = order.lines.filter(plan__isnull=False).select_related("plan").first()
    if plan_line is not None and gateway.subscribes_at_provider:
        return _order_start_subscription(order=order, line=plan_line, gateway=gateway)
    if plan_line is not None and not gateway.offers_test_payment_page:
        # A one-off payment would buy a first period that nothing ever renews.
        raise MembershipNotBillable()
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


def _order_start_subscription(
    *, order: Order, line: OrderLine, gateway: PaymentGateway
) -> PaymentState:
    """Open the membership's subscription at the provider; its first invoice's payment is
    the order's payment (confirmed on our page like a course's)."""
    plan = line.plan
    subscription = gateway.create_subscription(
        SubscriptionRequest(
            order_number=order.number,
            email=order.email,
            plan_name=plan.name,
            plan_product=plan.gateway_product,
            interval=plan.interval,
            price_cents=line.plan_price_cents,
            first_cents=order.total_cents,
            recurring_cents=line.recurring_cents,
            trial_days=plan.trial_days if not line.unit_price_cents else 0,
            currency=order.currency,
            idempotency_key=f"order-{order.number}-subscription",
            customer=_provider_customer(user=order.user, gateway=gateway),
        )
    )
    if subscription.product and not plan.gateway_product:
        type(plan).objects.filter(pk=plan.pk, gateway_product="").update(
            gateway_product=subscription.product
        )
    payment = subscription.payment or PaymentState(
        reference="", status="pending", amount_cents=order.total_cents
    )
    Order.objects.filter(pk=order.pk).update(
        gateway=gateway.name,
        gateway_reference=payment.reference,
        gateway_subscription=subscription.reference,
    )
    order.gateway, order.gateway_reference = gateway.name, payment.reference
    order.gateway_subscription = subscription.reference
    return payment


def _provider_customer(*, user: AbstractBaseUser | None, gateway: PaymentGateway) -> str:
    """The provider's customer of the user's latest membership with this gateway, or ""."""
    if user is None:
        return ""
    customer = (
        Membership.objects.filter(user=user, gateway=gateway.name)
        .exclude(gateway_customer="")
        .values_list("gateway_customer", flat=True)
        .first()
    )
    return customer or ""


def checkout_start(
    *, cart: Cart, user: AbstractBaseUser, gateway: PaymentGateway
) -> tuple[Order, PaymentState | None]:
    """Place the cart's order and open its payment: a repeated checkout reuses both.

    An order with nothing to pay (a 100% coupon) is fulfilled at once, without a gateway;
    the payment is then None.
    """
    billable = gateway.subscribes_at_provider or gateway.offers_test_payment_page
    if not billable and CartPlanLine.objects.filter(cart=cart).exists():
        raise MembershipNotBillable()
    if not billable and CartLine.objects.filter(cart=cart, in_instalments=True).exists():
        raise InstalmentsNotBillable()
    order = order_place(cart=cart, user=user)
    # A membership on a provider that bills it is opened there even at $0 today (a free
    # trial): the card its renewals will charge is saved on our page (a SetupIntent).
    subscribes = gateway.subscribes_at_provider and order.lines.filter(plan__isnull=False).exists()
    if order.total_cents == 0 and not subscribes:
        Order.objects.filter(pk=order.pk).update(gateway="none")
        order_fulfil(order=order)
        return order, None
    return order, order_start_payment(order=order, gateway=gateway)


def order_fulfil(*, order: Order, charge: str = "") -> bool:
    """Mark the order paid and deliver it — exactly once, in one transaction.

    A failed or canceled order first takes again, all or nothing, the gift card amounts and
    coupon use it released; if any of it is gone, nothing is delivered: the order becomes
    "paid, needs refund" and its payment is refunded once the transaction commits.
    Otherwise grants the enrollments, issues bought gift cards (one per line item) and
    promotion rewards (one per order and promotion), empties the bought items from the
    customer's carts and queues the receipt. Returns True only when it fulfilled the order;
    False (changing nothing) when the order was already fulfilled (or refused), however
    often and in whatever order payment events repeat.
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
        try:
            with transaction.atomic():
                gift_cards_retake_for_order(order=order)
                coupon_take_for_order(order=order)
                for line in order.lines.filter(plan__isnull=False).select_related("plan"):
                    if order.user is not None:
                        membership_start(order=order, line=line, now=now)
                instalment_plan_start(order=order, now=now)
        except (GiftCardError, CouponError, MembershipError, InstalmentsError) as exc:
            _order_needs_refund(order=order, reason=str(exc))
            return False
        course_ids, courses = [], []
        for line in order.lines.select_related("course"):
            if line.is_gift_card:
                gift_cards_issue_for_line(line=line)
            elif line.course is not None and order.user is not None:
                enrollment_grant(user=order.user, course=line.course, order=order)
                course_ids.append(line.course.pk)
                if not line.instalment_count:  # a payment plan earns no promotion reward
                    courses.append(line.course)
        for promotion in promotions_earned(
            courses=courses,
            qualifying_cents=order_qualifying_cents(order=order),
            now=order.created_at,
        ):
            promotion_reward_issue(order=order, promotion=promotion)
        carts = Cart.objects.filter(
            Q(pk=order.cart_id) | Q(user=order.user) if order.user else Q(pk=order.cart_id)
        )
        CartLine.objects.filter(cart__in=carts, course_id__in=course_ids).delete()
        if any(line.is_gift_card for line in order.lines.all()):
            CartGiftCardLine.objects.filter(cart_id=order.cart_id).delete()
        plan_ids = [line.plan_id for line in order.lines.all() if line.plan_id]
        CartPlanLine.objects.filter(cart__in=carts, plan_id__in=plan_ids).delete()
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


def _order_needs_refund(*, order: Order, reason: str) -> None:
    """The order was paid but cannot be fulfilled: mark it and refund it after commit."""
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.NEEDS_REFUND, failure_message=reason[:255], updated_at=timezone.now()
    )
    logger.error("Order %s paid late but not fulfilled (%s); refunding it", order.number, reason)
    transaction.on_commit(lambda: tasks.refund_unfulfilled_order.enqueue(order_id=order.pk))


def order_fail(*, order: Order, message: str = "") -> bool:
    """A pending order's payment failed; nothing is granted, its holds (gift card amounts,
    coupon use) are released and the cart stays as it was."""
    with transaction.atomic():
        updated = Order.objects.filter(pk=order.pk, status=Order.Status.PENDING).update(
            status=Order.Status.FAILED, failure_message=message[:255], updated_at=timezone.now()
        )
        if updated:
            order_release_holds(order=order)
    order.refresh_from_db()
    return bool(updated)


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
    """Cancel pending orders older than the hold time that hold gift card amounts or a coupon
    use; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(minutes=ORDER_HOLD_MINUTES)
    stale = Order.objects.filter(status=Order.Status.PENDING, created_at__lt=cutoff).filter(
        Q(gift_card_cents__gt=0)
        | Q(coupon_redemption__isnull=False, coupon_redemption__released_at__isnull=True)
    )
    return sum(order_cancel(order=order) for order in stale)
