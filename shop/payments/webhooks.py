"""Provider events: parsed and verified by the gateway, then dispatched, each at most once.

`webhook_receive` is all a webhook view needs: the gateway verifies and reads the event
(`PaymentGateway.parse_webhook`), and `payment_event_process` hands it to the order state
machine in `shop.services.orders`, one handler per event type.
"""

import logging
from collections.abc import Callable, Mapping

from django.db import transaction

from shop.models import Order, PaymentEvent
from shop.payments.base import PaymentGateway, PaymentState, WebhookEvent, WebhookInvalid
from shop.services import (
    order_apply_payment,
    order_dispute_close,
    order_dispute_open,
    order_record_refund,
)

logger = logging.getLogger("coachhouse.shop")

__all__ = ["HANDLERS", "WebhookInvalid", "payment_event_process", "webhook_receive"]


def _apply_payment(*, order: Order, event: WebhookEvent) -> None:
    order_apply_payment(order=order, payment=event.payment)


def _record_refund(*, order: Order, event: WebhookEvent) -> None:
    order_record_refund(order=order, refunded_cents=event.payment.amount_refunded_cents)


def _open_dispute(*, order: Order, event: WebhookEvent) -> None:
    order_dispute_open(order=order)


def _close_dispute(*, order: Order, event: WebhookEvent) -> None:
    order_dispute_close(order=order, lost=event.dispute_status == "lost")


# The event types we act on; any other is recorded and acknowledged. The README lists them
# for operators to subscribe the webhook endpoint to.
HANDLERS: dict[str, Callable[..., None]] = {
    "payment_intent.succeeded": _apply_payment,
    "payment_intent.payment_failed": _apply_payment,
    "charge.refunded": _record_refund,
    "charge.dispute.created": _open_dispute,
    "charge.dispute.closed": _close_dispute,
}


def _order_for_payment(payment: PaymentState) -> Order | None:
    if payment.order_number:
        order = Order.objects.filter(number=payment.order_number).first()
        if order is not None:
            return order
    if payment.reference:
        order = Order.objects.filter(gateway_reference=payment.reference).first()
        if order is not None:
            return order
    if payment.charge:
        return Order.objects.filter(gateway_charge=payment.charge).first()
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
    handler = HANDLERS.get(event.type)
    if handler is None:
        return "ignored"
    if order is None:
        logger.warning("Payment event %s (%s) names no known order", event.id, event.type)
        return "unknown order"
    handler(order=order, event=event)
    return "handled"


def webhook_receive(*, gateway: PaymentGateway, payload: bytes, headers: Mapping[str, str]) -> str:
    """Verify and read the request's event with the gateway, then process it once.

    Raises WebhookInvalid (changing nothing) for anything the gateway cannot verify.
    """
    return payment_event_process(event=gateway.parse_webhook(payload, headers))
