"""Refunds and disputes: what a refund gives back, and taking back what the order gave.

Policy (docs/decisions.md): a full refund takes back everything the order gave — its
enrollments, the unspent balance of the cards it bought and of its promotion reward — and
credits back the gift cards that paid for it. What has already been spent from the cards it
gave is value the customer keeps, so the refund is reduced by it (first the money, then the
card credits); when that leaves nothing, the refund is refused. A partial refund is goodwill
money back: the customer keeps access and cards; it may not exceed what a full refund would
still return in money, and partial refunds that reach it are a full refund. An open payment
dispute suspends the order's access and cards; a lost one counts as a full refund, a won
one restores them.
"""

import logging

from django.db import transaction
from django.utils import timezone

from courses.services import enrollment_restore_for_order, enrollment_revoke_for_order

# A module import: shop.tasks calls back into this package.
from shop import tasks
from shop.exceptions import GatewayError, RefundRefused
from shop.models import GiftCardTransaction, Order
from shop.payments.base import PaymentGateway
from shop.selectors import (
    REFUNDABLE,
    order_cards_given,
    order_cards_spent_cents,
    order_refund_preview,
    refund_card_withhold_cents,
    refund_is_full,
)
from shop.services.gift_cards import (
    gift_card_void,
    gift_cards_freeze,
    gift_cards_release_for_order,
    gift_cards_unfreeze,
)
from shop.services.instalments import instalment_plans_end_for_refunded_order
from shop.services.memberships import memberships_end_for_refunded_order
from shop.services.orders import PAYABLE, order_fulfil

logger = logging.getLogger("coachhouse.shop")


def _take_back(*, order: Order, spent_cents: int) -> None:
    """A full refund's effects, once (in the transaction that won the transition): revoke the
    enrollments, credit back the paying cards less what the store no longer holds in money
    to cover `spent_cents`, and void the cards the order gave. Any value still not covered
    (a provider-side refund larger than the policy allows) is flagged on the order."""
    enrollment_revoke_for_order(order=order)
    memberships_end_for_refunded_order(order=order)
    instalment_plans_end_for_refunded_order(order=order)
    withhold = refund_card_withhold_cents(
        order=order, refunded_cents=order.refunded_cents, spent_cents=spent_cents
    )
    held = order.gift_card_cents
    given = gift_cards_release_for_order(
        order=order, kind=GiftCardTransaction.Kind.REFUND_CREDIT, withhold_cents=withhold
    )
    withheld = max(0, held - given)
    excess = max(0, withhold - withheld)
    for card in order_cards_given(order=order):
        gift_card_void(card=card, order=order)
    if excess:
        Order.objects.filter(pk=order.pk).update(refund_excess_cents=excess)
        logger.error(
            "Order %s refunded %s cents beyond what was refundable: its cards had been spent",
            order.number,
            excess,
        )


def order_record_refund(*, order: Order, refunded_cents: int, full: bool = False) -> bool:
    """Record the provider's cumulative refunded amount for a paid order (or a full refund).

    The refund is full when `full` is asked or `refunded_cents` reaches what a full refund
    may return in money (total less what was spent of the cards the order gave): then
    everything the order gave is taken back (`_take_back`). A partial one keeps it all. Only
    a larger amount than already recorded (or a first full refund) changes anything, so
    repeats are no-ops. A refund that arrives before the payment's success event proves the
    payment, so it fulfils first (which may find the order cannot be fulfilled). A refund
    recorded beyond what was refundable is kept as it is (the money has left) and flagged in
    `refund_excess_cents` for the team. An order paid but not fulfilled ("paid, needs
    refund") delivered nothing, so its refund takes nothing back: it becomes refunded once
    refunded in full, and the customer is told the order could not be completed.
    """
    with transaction.atomic():
        if order.status in PAYABLE:
            order_fulfil(order=order)
        order.refresh_from_db()
        if order.status == Order.Status.NEEDS_REFUND:
            return _record_unfulfilled_refund(
                order=order, refunded_cents=min(refunded_cents, order.total_cents)
            )
        spent = order_cards_spent_cents(order=order)
        refunded_cents = min(refunded_cents, order.total_cents)
        full = full or refund_is_full(order=order, refunded_cents=refunded_cents, spent_cents=spent)
        now = timezone.now()
        candidates = Order.objects.filter(pk=order.pk, status__in=REFUNDABLE)
        if full:
            candidates = candidates.filter(refunded_cents__lte=refunded_cents)
        else:
            candidates = candidates.filter(refunded_cents__lt=refunded_cents)
        updated = candidates.update(
            refunded_cents=refunded_cents,
            status=Order.Status.REFUNDED if full else Order.Status.PARTIALLY_REFUNDED,
            refunded_at=now,
            updated_at=now,
        )
        if not updated:
            return False
        order.refresh_from_db()
        if full:
            _take_back(order=order, spent_cents=spent)
        transaction.on_commit(
            lambda: tasks.send_order_email.enqueue(order_id=order.pk, kind="refund")
        )
    order.refresh_from_db()
    return True


def order_refund_unfulfilled(*, order: Order, gateway: PaymentGateway) -> bool:
    """Refund in full, through the gateway, an order that was paid but could not be fulfilled.

    The idempotency key is the order's, so a repeat is one refund at the provider; the refund
    is recorded with `order_record_refund`, which tells the customer. False (changing
    nothing) when the order does not need a refund, or the gateway refused (logged: the order
    stays "paid, needs refund" for the team).
    """
    order.refresh_from_db()
    amount = order.total_cents - order.refunded_cents
    if order.status != Order.Status.NEEDS_REFUND or amount <= 0:
        return False
    if gateway.name != order.gateway or not order.gateway_reference:
        logger.error(
            "Order %s needs a refund the %s gateway cannot make", order.number, gateway.name
        )
        return False
    try:
        refund = gateway.refund_payment(
            reference=order.gateway_reference,
            amount_cents=amount,
            idempotency_key=f"order-{order.number}-refund-unfulfilled",
        )
    except GatewayError:
        logger.exception("Order %s: the automatic refund failed", order.number)
        return False
    if refund.status == "failed":
        logger.error("Order %s: refund %s failed", order.number, refund.reference)
        return False
    return order_record_refund(
        order=order, refunded_cents=order.refunded_cents + refund.amount_cents
    )


def _record_unfulfilled_refund(*, order: Order, refunded_cents: int) -> bool:
    full = refunded_cents >= order.total_cents
    now = timezone.now()
    updated = Order.objects.filter(
        pk=order.pk, status=Order.Status.NEEDS_REFUND, refunded_cents__lt=refunded_cents
    ).update(
        refunded_cents=refunded_cents,
        status=Order.Status.REFUNDED if full else Order.Status.NEEDS_REFUND,
        refunded_at=now,
        updated_at=now,
    )
    if updated and full:
        transaction.on_commit(
            lambda: tasks.send_order_email.enqueue(order_id=order.pk, kind="unfulfilled")
        )
    order.refresh_from_db()
    return bool(updated)


def order_refund(
    *, order: Order, amount_cents: int | None, reason: str, gateway: PaymentGateway
) -> int:
    """Refund the order through the gateway: amount None = in full. Returns the cents given
    back (money refunded plus, for a full refund, what is credited back onto the cards
    that paid).

    A full refund returns what the refund policy allows (see the module) and takes back
    everything the order gave; a partial one is money only, at most what a full refund
    would still return in money. An order paid wholly by gift cards is refunded in full
    onto them, without the gateway. What it does is `order_refund_preview`'s reading of the
    order (the admin's confirmation page states the same); raises RefundRefused (with the
    sentence the shop manager reads, changing nothing) when the preview refuses it (the
    order is not paid, already refunded, under dispute, the amount is out of range, nothing
    is left to refund) or the provider refuses.
    """
    order.refresh_from_db()
    preview = order_refund_preview(
        order=order, amount_cents=amount_cents, gateway_name=gateway.name
    )
    if preview.refusal is not None:
        raise preview.refusal
    if preview.unfulfilled:
        if not order_refund_unfulfilled(order=order, gateway=gateway):
            raise RefundRefused(f"The payment provider refused to refund order {order.number}.")
        logger.info(
            "Refunded %s cents of unfulfilled order %s: %s",
            preview.amount_cents,
            order.number,
            reason,
        )
        return preview.amount_cents
    amount = preview.amount_cents
    if amount:
        state = gateway.refund_payment(
            reference=order.gateway_reference,
            amount_cents=amount,
            idempotency_key=f"order-{order.number}-refund-{order.refunded_cents}-{amount}",
        )
        if state.status == "failed":
            raise RefundRefused(f"The payment provider refused to refund order {order.number}.")
    logger.info("Refunding %s cents of order %s: %s", amount, order.number, reason)
    order_record_refund(
        order=order, refunded_cents=order.refunded_cents + amount, full=amount_cents is None
    )
    refunded_in_full = order.status == Order.Status.REFUNDED
    return amount + (preview.refundable.card_credit_cents if refunded_in_full else 0)


def order_dispute_open(*, order: Order) -> bool:
    """A payment dispute (chargeback) opened: suspend the order's enrollments and freeze the
    cards it gave, once. A dispute that arrives before the payment's success event proves
    the payment (as a refund does), so the order is fulfilled first, then suspended. Returns
    False (changing nothing) when it could not be fulfilled or is already disputed."""
    with transaction.atomic():
        if order.status in PAYABLE:
            order_fulfil(order=order)
        opened = (
            Order.objects.filter(pk=order.pk, status__in=REFUNDABLE)
            .exclude(dispute_status=Order.DisputeStatus.OPEN)
            .update(dispute_status=Order.DisputeStatus.OPEN, updated_at=timezone.now())
        )
        if opened:
            enrollment_revoke_for_order(order=order)
            gift_cards_freeze(cards=order_cards_given(order=order))
            logger.warning("Order %s disputed: access suspended", order.number)
    order.refresh_from_db()
    return bool(opened)


def order_dispute_close(*, order: Order, lost: bool) -> bool:
    """The open dispute closed: lost counts as a full refund (everything taken back, the money
    is gone); otherwise (won, or an inquiry closed) access and cards come back. Once."""
    with transaction.atomic():
        closed = Order.objects.filter(pk=order.pk, dispute_status=Order.DisputeStatus.OPEN).update(
            dispute_status=Order.DisputeStatus.LOST if lost else Order.DisputeStatus.WON,
            updated_at=timezone.now(),
        )
        if closed:
            order.refresh_from_db()
            if lost:
                order_record_refund(order=order, refunded_cents=order.total_cents, full=True)
            elif order.status in REFUNDABLE:  # not refunded meanwhile
                enrollment_restore_for_order(order=order)
            gift_cards_unfreeze(cards=order_cards_given(order=order))
    order.refresh_from_db()
    return bool(closed)
