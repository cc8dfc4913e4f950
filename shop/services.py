"""State changes of the store: carts, coupons, orders and their payment state machine.

Order states: pending → paid → partially refunded → refunded; pending → failed / canceled.
A payment that succeeds after a failed attempt or a superseded order still makes it paid:
the money has moved, so the customer gets what they paid for. Every transition is a
conditional UPDATE whose row count decides who did it, so repeats are no-ops on SQLite
and PostgreSQL alike.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django_tasks import default_task_backend

from courses.models import CoursePage
from courses.selectors import Visitor, user_is_enrolled
from courses.services import enrollment_grant, enrollment_revoke_for_order

# A module import: shop.tasks calls back into this module.
from shop import tasks
from shop.exceptions import (
    CartEmpty,
    CouponNotFound,
    CourseAlreadyOwned,
    CourseNotPurchasable,
    GiftCardBalanceTooLow,
    GiftCardClaimedByOther,
    GiftCardDenominationUnavailable,
    OrderNotPayable,
)
from shop.models import (
    Cart,
    CartGiftCardLine,
    CartLine,
    Coupon,
    CouponRedemption,
    GiftCard,
    GiftCardDenomination,
    GiftCardTransaction,
    Order,
    OrderGiftCard,
    OrderLine,
    PaymentEvent,
    Promotion,
    new_gift_card_code,
)
from shop.payments.base import PaymentGateway, PaymentRequest, PaymentState, WebhookEvent
from shop.selectors import (
    cart_for,
    cart_totals,
    coupon_discount_cents,
    gift_card_by_code,
    gift_card_check,
    promotions_earned,
)

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


def cart_add_gift_card(
    *,
    cart: Cart,
    denomination_id: int,
    quantity: int,
    recipient_name: str,
    recipient_email: str,
    message: str = "",
    deliver_on: date | None = None,
) -> CartGiftCardLine:
    """Put gift cards of an on-sale denomination for one recipient into the cart.

    A delivery date in the past means "send it now". Raises GiftCardDenominationUnavailable.
    """
    denomination = GiftCardDenomination.objects.filter(pk=denomination_id, is_active=True).first()
    if denomination is None:
        raise GiftCardDenominationUnavailable()
    if deliver_on is not None and deliver_on <= timezone.localdate():
        deliver_on = None
    return CartGiftCardLine.objects.create(
        cart=cart,
        denomination=denomination,
        quantity=quantity,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        message=message,
        deliver_on=deliver_on,
    )


def cart_remove_gift_card_line(*, cart: Cart, line_id: int) -> None:
    """Take a gift card purchase out of the cart; removing what is not there changes nothing."""
    CartGiftCardLine.objects.filter(cart=cart, pk=line_id).delete()


def cart_apply_gift_card(*, cart: Cart, code: str, user: Visitor) -> GiftCard:
    """Use the gift card with this code to pay for the cart, or the GiftCardError saying why not.

    A card claimed into an account pays only for that account's cart. A refused code
    leaves the cart as it was.
    """
    card = gift_card_by_code(code=code)
    if card.owner_id is not None and card.owner_id != getattr(user, "pk", None):
        raise GiftCardClaimedByOther(card.display_code)
    gift_card_check(card=card)
    cart.gift_cards.add(card)
    return card


def cart_remove_gift_card(*, cart: Cart, card_id: int) -> None:
    """Stop using the card on this cart."""
    cart.gift_cards.remove(card_id)


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
    anonymous.gift_card_lines.update(cart=cart)
    cart.gift_cards.add(*anonymous.gift_cards.filter(Q(owner__isnull=True) | Q(owner=user)))
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
    if not totals.count:
        raise CartEmpty()
    if totals.coupon_error is not None:
        raise totals.coupon_error
    for course in totals.courses:
        _check_purchasable(course=course, user=user)
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
        _schedule(
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
            _release_gift_cards(order=order, kind=GiftCardTransaction.Kind.RELEASE)
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
        _retake_gift_cards(order=order)
        course_ids, courses = [], []
        for line in order.lines.select_related("course"):
            if line.is_gift_card:
                _issue_bought_gift_cards(line=line)
            elif line.course is not None and order.user is not None:
                enrollment_grant(user=order.user, course=line.course, order=order)
                course_ids.append(line.course.pk)
                courses.append(line.course)
        for promotion in promotions_earned(
            courses=courses,
            subtotal_cents=order.subtotal_cents - order.discount_cents,
            now=order.created_at,
        ):
            _issue_promotion_reward(order=order, promotion=promotion)
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
            _release_gift_cards(order=order, kind=GiftCardTransaction.Kind.RELEASE)
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
            _release_gift_cards(order=order, kind=GiftCardTransaction.Kind.REFUND_CREDIT)
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


# Gift cards ----------------------------------------------------------------
#
# Every balance change is a conditional UPDATE plus its ledger row in one transaction,
# so the balance always equals the ledger's sum and never goes below zero, on SQLite and
# PostgreSQL alike. Order-driven changes (hold, release, retake, credit, void) run only in
# the transaction that won the order's state transition, so each happens once per order.

# How long a pending order holds its gift card amounts before it counts as abandoned.
GIFT_CARD_HOLD_MINUTES = 60


def _schedule(task, *, at: datetime, **kwargs) -> None:
    """Enqueue `task` to run at `at` once this transaction commits.

    Backends that cannot defer (the demo's immediate backend) skip it: `manage.py shop_sweep`
    does the same work for whatever is due.
    """
    if default_task_backend.supports_defer:
        transaction.on_commit(lambda: task.using(run_after=at).enqueue(**kwargs))


def _record(*, card_id: int, kind: str, amount_cents: int, order: Order | None) -> None:
    balance = GiftCard.objects.filter(pk=card_id).values_list("balance_cents", flat=True).get()
    GiftCardTransaction.objects.create(
        card_id=card_id,
        kind=kind,
        amount_cents=amount_cents,
        balance_after_cents=balance,
        order=order,
    )


def gift_card_redeem(*, card: GiftCard, amount_cents: int, order: Order) -> None:
    """Take `amount_cents` from an active, unexpired card for the order, or raise
    GiftCardBalanceTooLow (changing nothing) when the balance is no longer there."""
    with transaction.atomic():
        # A row lock on PostgreSQL; the conditional UPDATE below is what guarantees it.
        GiftCard.objects.select_for_update().filter(pk=card.pk).first()
        now = timezone.now()
        taken = (
            GiftCard.objects.filter(pk=card.pk, is_active=True, balance_cents__gte=amount_cents)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .update(balance_cents=F("balance_cents") - amount_cents)
        )
        if not taken:
            raise GiftCardBalanceTooLow(card.display_code)
        _record(
            card_id=card.pk,
            kind=GiftCardTransaction.Kind.REDEEM,
            amount_cents=-amount_cents,
            order=order,
        )


def _credit(*, card_id: int, amount_cents: int, kind: str, order: Order | None) -> None:
    GiftCard.objects.filter(pk=card_id).update(balance_cents=F("balance_cents") + amount_cents)
    _record(card_id=card_id, kind=kind, amount_cents=amount_cents, order=order)


def _held_cents(*, order: Order, card_id: int) -> int:
    """What the order currently holds of the card: its redemptions less what came back."""
    kinds = GiftCardTransaction.Kind
    net = GiftCardTransaction.objects.filter(
        order=order,
        card_id=card_id,
        kind__in=[kinds.REDEEM, kinds.RELEASE, kinds.REFUND_CREDIT],
    ).aggregate(net=Sum("amount_cents"))["net"]
    return -(net or 0)


def _release_gift_cards(*, order: Order, kind: str) -> None:
    """Give back to each card what the order holds of it (released or refund credit)."""
    for use in order.gift_card_uses.all():
        held = _held_cents(order=order, card_id=use.card_id)
        if held > 0:
            _credit(card_id=use.card_id, amount_cents=held, kind=kind, order=order)


def _retake_gift_cards(*, order: Order) -> None:
    """A payment that succeeds after its holds were released takes them again.

    The money has moved, so the order is fulfilled even when a card was spent meanwhile;
    that shortfall is logged for the team to settle with the customer.
    """
    for use in order.gift_card_uses.select_related("card"):
        missing = use.amount_cents - _held_cents(order=order, card_id=use.card_id)
        if missing <= 0:
            continue
        try:
            gift_card_redeem(card=use.card, amount_cents=missing, order=order)
        except GiftCardBalanceTooLow:
            logger.error(
                "Order %s paid, but gift card %s no longer covers %s cents of it",
                order.number,
                use.card.pk,
                missing,
            )


def gift_card_issue(
    *,
    amount_cents: int,
    source: str,
    owner: AbstractBaseUser | None = None,
    recipient_name: str = "",
    recipient_email: str = "",
    message: str = "",
    deliver_on: date | None = None,
    expires_at: datetime | None = None,
    order_line: OrderLine | None = None,
    sequence: int | None = None,
    order: Order | None = None,
    promotion: Promotion | None = None,
) -> GiftCard:
    """Create a card worth `amount_cents` with its "issue" ledger row.

    Cards of an order line (one per `sequence`) and promotion rewards (one per order and
    promotion) are unique in the database, so a repeat returns the existing card.
    """
    with transaction.atomic():
        existing = None
        if order_line is not None:
            existing = GiftCard.objects.filter(order_line=order_line, sequence=sequence).first()
        elif promotion is not None:
            existing = GiftCard.objects.filter(order=order, promotion=promotion).first()
        if existing is not None:
            return existing
        card = GiftCard.objects.create(
            code=new_gift_card_code(),
            initial_cents=amount_cents,
            balance_cents=amount_cents,
            source=source,
            owner=owner,
            claimed_at=timezone.now() if owner else None,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            message=message,
            deliver_on=deliver_on,
            expires_at=expires_at,
            order_line=order_line,
            sequence=sequence,
            order=order,
            promotion=promotion,
        )
        GiftCardTransaction.objects.create(
            card=card,
            kind=GiftCardTransaction.Kind.ISSUE,
            amount_cents=amount_cents,
            balance_after_cents=amount_cents,
            order=order or (order_line.order if order_line else None),
        )
    return card


def _issue_bought_gift_cards(*, line: OrderLine) -> None:
    for sequence in range(line.quantity):
        card = gift_card_issue(
            amount_cents=line.unit_price_cents,
            source=GiftCard.Source.PURCHASE,
            recipient_name=line.recipient_name,
            recipient_email=line.recipient_email,
            message=line.gift_message,
            deliver_on=line.deliver_on,
            order_line=line,
            sequence=sequence,
        )
        gift_card_schedule_delivery(card=card)


def _issue_promotion_reward(*, order: Order, promotion: Promotion) -> None:
    """The reward is the buyer's at once (claimed into their account) and the receipt shows it."""
    gift_card_issue(
        amount_cents=promotion.reward_cents,
        source=GiftCard.Source.PROMOTION,
        owner=order.user,
        recipient_email=order.email,
        order=order,
        promotion=promotion,
    )


def gift_card_void(*, card: GiftCard, order: Order | None = None) -> int:
    """Deactivate the card and void its unspent balance; returns the cents voided."""
    with transaction.atomic():
        GiftCard.objects.select_for_update().filter(pk=card.pk).first()
        balance = GiftCard.objects.filter(pk=card.pk).values_list("balance_cents", flat=True).get()
        GiftCard.objects.filter(pk=card.pk, balance_cents=balance).update(
            balance_cents=0, is_active=False
        )
        if balance:
            _record(
                card_id=card.pk,
                kind=GiftCardTransaction.Kind.VOID,
                amount_cents=-balance,
                order=order,
            )
    card.refresh_from_db()
    return balance


def gift_card_claim(*, code: str, user: AbstractBaseUser) -> GiftCard:
    """Claim the card into the user's account (claiming one's own card again is a no-op).

    Raises GiftCardNotFound, GiftCardClaimedByOther, or why the card cannot be used
    (void, expired, empty); nothing changes then.
    """
    card = gift_card_by_code(code=code)
    if card.owner_id == user.pk:
        return card
    if card.owner_id is not None:
        raise GiftCardClaimedByOther(card.display_code)
    gift_card_check(card=card)
    claimed = GiftCard.objects.filter(pk=card.pk, owner__isnull=True).update(
        owner=user, claimed_at=timezone.now()
    )
    if not claimed:
        raise GiftCardClaimedByOther(card.display_code)
    card.refresh_from_db()
    return card


def gift_card_schedule_delivery(*, card: GiftCard) -> None:
    """Email the recipient now, or on the card's delivery date (at 9:00 local time)."""
    if not card.recipient_email:
        return
    if card.deliver_on is None or card.deliver_on <= timezone.localdate():
        transaction.on_commit(lambda: tasks.deliver_gift_card.enqueue(card_id=card.pk))
        return
    at = timezone.make_aware(datetime.combine(card.deliver_on, time(9)))
    _schedule(tasks.deliver_gift_card, at=at, card_id=card.pk)


def gift_card_mark_delivered(*, card_id: int, resend: bool = False) -> bool:
    """Claim the right to send the card's email: True once per card (always when resending),
    False for a void card or one already delivered."""
    cards = GiftCard.objects.filter(pk=card_id, is_active=True)
    if not resend:
        cards = cards.filter(delivered_at__isnull=True)
    return bool(cards.update(delivered_at=timezone.now()))


# Sweeps: what is due now (run by `manage.py shop_sweep` and the scheduled tasks) -----


def orders_release_abandoned(*, now: datetime | None = None) -> int:
    """Cancel pending orders older than the hold time that hold gift cards; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(minutes=GIFT_CARD_HOLD_MINUTES)
    stale = Order.objects.filter(
        status=Order.Status.PENDING, gift_card_cents__gt=0, created_at__lt=cutoff
    )
    return sum(order_cancel(order=order) for order in stale)


def gift_cards_deliver_due(*, today: date | None = None) -> int:
    """Queue the emails of undelivered cards whose delivery date has come; returns how many."""
    today = today or timezone.localdate()
    due = GiftCard.objects.filter(
        is_active=True, delivered_at__isnull=True, deliver_on__lte=today
    ).exclude(recipient_email="")
    count = 0
    for card in due:
        tasks.deliver_gift_card.enqueue(card_id=card.pk)
        count += 1
    return count


def gift_cards_expire_due(*, now: datetime | None = None) -> int:
    """Write off the remaining balance of expired cards ("expire" ledger rows); returns how many."""
    now = now or timezone.now()
    count = 0
    for card in GiftCard.objects.filter(expires_at__lte=now, balance_cents__gt=0):
        with transaction.atomic():
            balance = card.balance_cents
            if GiftCard.objects.filter(pk=card.pk, balance_cents=balance).update(balance_cents=0):
                _record(
                    card_id=card.pk,
                    kind=GiftCardTransaction.Kind.EXPIRE,
                    amount_cents=-balance,
                    order=None,
                )
                count += 1
    return count
