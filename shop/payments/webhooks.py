"""Provider events: parsed and verified by the gateway, then dispatched, each at most once.

`webhook_receive` is all a webhook view needs: the gateway verifies and reads the event
(`PaymentGateway.parse_webhook`), and `payment_event_process` hands it to the order state
machine in `shop.services.orders`, one handler per event type.
"""

import logging
from collections.abc import Callable, Mapping

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shop.models import InstalmentPlan, Membership, Order, PaymentEvent
from shop.payments.base import (
    InvoiceState,
    PaymentGateway,
    PaymentState,
    SubscriptionState,
    WebhookEvent,
    WebhookInvalid,
)
from shop.services import (
    PAYABLE,
    instalment_apply_invoice,
    instalment_apply_subscription,
    instalment_plan_for_subscription,
    membership_apply_invoice,
    membership_apply_subscription,
    membership_for_subscription,
    order_apply_payment,
    order_dispute_close,
    order_dispute_open,
    order_record_refund,
)
from shop.services.membership_billing import (
    membership_card_update_apply,
    membership_record_invoice_refund,
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


# Subscription and invoice events: the membership's state, in any order, each once.
MEMBERSHIP_EVENTS = {
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
}


def _invoice_subscription(invoice: InvoiceState) -> SubscriptionState:
    """The subscription an invoice event names, as far as the invoice tells (its checkout
    order, customer and period start), for an invoice that comes before the subscription's
    own events."""
    return SubscriptionState(
        reference=invoice.subscription,
        customer=invoice.customer,
        status="incomplete",
        current_period_end=invoice.period_start,
        order_number=invoice.order_number,
    )


def _membership_event(event: WebhookEvent, *, gateway_name: str) -> str:
    """Apply a subscription or invoice event to its membership (created from its checkout
    order if the events come first); a stranger's subscription is only recorded."""
    at = event.created or timezone.now()
    if event.subscription is not None:
        membership = membership_for_subscription(
            subscription=event.subscription, gateway=gateway_name
        )
        if membership is None:
            return "unknown subscription"
        membership_apply_subscription(membership=membership, subscription=event.subscription, at=at)
        return "handled"
    invoice = event.invoice
    if not invoice.subscription:
        return "unknown subscription"
    # Before the subscription's own events: its checkout order names the membership.
    membership = membership_for_subscription(
        subscription=_invoice_subscription(invoice), gateway=gateway_name
    )
    if membership is None:
        return "unknown subscription"
    order = membership.order
    # The first invoice pays the checkout order: fulfil it as its payment would — unless it
    # was $0 (a free trial) and the order waits for its card to be saved (the SetupIntent
    # confirmed on our page, `setup_intent.succeeded`).
    saves_card = invoice.amount_cents == 0 and order is not None and order.gateway_reference
    if (
        invoice.status == "paid"
        and order is not None
        and order.status in PAYABLE
        and not saves_card
    ):
        order_apply_payment(
            order=order,
            payment=PaymentState(
                reference=invoice.payment_reference or order.gateway_reference,
                status="succeeded",
                amount_cents=invoice.amount_cents,
                order_number=order.number,
            ),
        )
    membership_apply_invoice(membership=membership, invoice=invoice)
    return "handled"


def _card_saved(event: WebhookEvent) -> str:
    """A card saved by a SetupIntent (a card update, or a free trial's checkout) becomes the
    membership's default, as the return page does (`membership_card_update_apply`); a
    trial's checkout order completes with it."""
    # Imported here: shop.payments is imported by the services this module imports.
    from shop.payments import get_gateway

    setup = event.setup
    memberships = Membership.objects.filter(gateway_customer=setup.customer).exclude(
        gateway_customer=""
    )
    if setup.subscription:
        memberships = memberships.filter(gateway_subscription=setup.subscription)
    order = Order.objects.filter(gateway_reference=setup.reference).first()
    if order is not None and order.status in PAYABLE:
        order_apply_payment(order=order, payment=setup.as_payment(order_number=order.number))
    membership = memberships.filter(status__in=Membership.RUNNING).first()
    if membership is None:
        return "handled" if order is not None else "unknown subscription"
    membership_card_update_apply(membership=membership, setup=setup, gateway=get_gateway())
    return "handled"


def _instalment_plan_for_event(event: WebhookEvent) -> InstalmentPlan | None:
    """The payment plan a subscription or invoice event concerns, or None (a membership's
    or a stranger's)."""
    if event.subscription is not None:
        return instalment_plan_for_subscription(subscription=event.subscription)
    invoice = event.invoice
    if not invoice.subscription:
        return None
    return instalment_plan_for_subscription(subscription=_invoice_subscription(invoice))


def _instalment_event(event: WebhookEvent, *, plan: InstalmentPlan) -> str:
    """Apply a subscription or invoice event to its payment plan. The first paid invoice
    pays the checkout order (fulfilled as its payment would be, which starts the plan);
    each paid invoice then counts once."""
    at = event.created or timezone.now()
    if event.subscription is not None:
        instalment_apply_subscription(plan=plan, subscription=event.subscription, at=at)
        return "handled"
    invoice = event.invoice
    order = plan.order
    if invoice.status == "paid" and order.status in PAYABLE:
        order_apply_payment(
            order=order,
            payment=PaymentState(
                reference=invoice.payment_reference or order.gateway_reference,
                status="succeeded",
                amount_cents=invoice.amount_cents,
                order_number=order.number,
            ),
        )
        plan.refresh_from_db()
    instalment_apply_invoice(plan=plan, invoice=invoice)
    return "handled"


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


def _lock_orders(event: WebhookEvent, order: Order | None) -> None:
    """Lock the rows of the orders the event concerns before anything else: the order its
    payment names, and the checkout order of its subscription. Two events of one purchase
    (a payment's success and its invoice's, delivered at the same moment) then take their
    locks in the same order, the second waiting for the first to commit; before, each took
    the order's and the membership's rows in its own order, and PostgreSQL ended one with a
    deadlock (a 503, so a retry)."""
    rows = Q(pk=order.pk) if order is not None else Q(pk__in=[])
    subscription = event.subscription or (event.invoice and _invoice_subscription(event.invoice))
    if subscription:
        if subscription.reference:
            rows |= Q(gateway_subscription=subscription.reference)
        if subscription.order_number:
            rows |= Q(number=subscription.order_number)
    list(Order.objects.select_for_update().filter(rows).order_by("pk").values_list("pk"))


@transaction.atomic
def payment_event_process(*, event: WebhookEvent) -> str:
    """Handle one verified provider event at most once (by event id); returns what happened.

    Unknown orders and unhandled types are recorded and acknowledged, changing nothing else.
    The event row and its effects commit together, so a failure lets the provider retry.
    """
    order = _order_for_payment(event.payment)
    _lock_orders(event, order)
    _, created = PaymentEvent.objects.get_or_create(
        event_id=event.id, defaults={"event_type": event.type, "order": order}
    )
    if not created:
        return "duplicate"
    if event.type in MEMBERSHIP_EVENTS and (event.subscription or event.invoice):
        plan = _instalment_plan_for_event(event)
        if plan is not None:
            PaymentEvent.objects.filter(event_id=event.id).update(order=plan.order)
            return _instalment_event(event, plan=plan)
    if event.type in MEMBERSHIP_EVENTS and (event.subscription or event.invoice):
        result = _membership_event(event, gateway_name="stripe")
        subscription = (
            event.subscription.reference if event.subscription else event.invoice.subscription
        )
        if result != "handled":
            logger.warning("Event %s names no known subscription (%s)", event.id, subscription)
        if subscription:
            PaymentEvent.objects.filter(event_id=event.id).update(
                membership=Membership.objects.filter(gateway_subscription=subscription).first()
            )
        return result
    if event.type == "setup_intent.succeeded" and event.setup is not None:
        return _card_saved(event)
    handler = HANDLERS.get(event.type)
    if handler is None:
        return "ignored"
    # A renewal's or plan change's payment: its invoice, not an order, records the refund
    # (the gateway maps the payment to its invoice when the event does not say).
    if order is None and event.type == "charge.refunded":
        from shop.payments import get_gateway  # imported here, as in `_card_saved`

        if membership_record_invoice_refund(
            payment=event.payment, at=event.created, gateway=get_gateway()
        ):
            return "handled"
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
