"""Background work of the store (run at once in the demo and tests, by a worker in production)."""

from datetime import datetime

from django.db import transaction
from django_tasks import default_task_backend, task

# A module import, not names: shop.services enqueues these tasks and imports this module.
from shop import services
from shop.emails import (
    send_gift_card_email_now,
    send_instalment_email_now,
    send_membership_email_now,
    send_order_email_now,
)
from shop.models import Order
from shop.payments import get_gateway


def schedule(task, *, at: datetime, **kwargs) -> None:
    """Enqueue `task` to run at `at` once this transaction commits.

    Backends that cannot defer (the demo's immediate backend) skip it: `manage.py shop_sweep`
    does the same work for whatever is due.
    """
    if default_task_backend.supports_defer:
        transaction.on_commit(lambda: task.using(run_after=at).enqueue(**kwargs))


@task()
def send_order_email(*, order_id: int, kind: str) -> None:
    """Send the order's receipt or refund notice; `kind` is "receipt", "refund" or
    "unfulfilled" (paid, but not fulfilled and refunded)."""
    send_order_email_now(order_id=order_id, kind=kind)


@task()
def deliver_gift_card(*, card_id: int, resend: bool = False) -> None:
    """Email the card's code and claim link to its recipient: once, unless resending."""
    if not services.gift_card_claim_delivery(card_id=card_id, resend=resend):
        return
    try:
        send_gift_card_email_now(card_id=card_id)
    except Exception:
        services.gift_card_mark_delivered(card_id=card_id, sent=False)
        raise
    services.gift_card_mark_delivered(card_id=card_id, sent=True)


@task()
def release_abandoned_order(*, order_id: int) -> None:
    """Cancel the order if it is still pending, releasing its gift card holds and coupon use."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        services.order_cancel(order=order)


@task()
def refund_unfulfilled_order(*, order_id: int) -> None:
    """Refund, through the gateway, an order that was paid but could not be fulfilled."""
    order = Order.objects.filter(pk=order_id).first()
    if order is not None:
        services.order_refund_unfulfilled(order=order, gateway=get_gateway())


@task()
def send_membership_email(*, membership_id: int, kind: str) -> None:
    """Dunning: "payment_failed" (access kept for the grace period) or "access_ending"."""
    send_membership_email_now(membership_id=membership_id, kind=kind)


@task()
def send_membership_ending_notices() -> None:
    """E-mail members whose grace period is about to run out (each once)."""
    services.memberships_send_ending_notices()


@task()
def send_instalment_email(*, plan_id: int, kind: str) -> None:
    """A payment plan's dunning: "payment_failed" (grace period) or "access_ending"."""
    send_instalment_email_now(plan_id=plan_id, kind=kind)


@task()
def send_instalment_ending_notices() -> None:
    """E-mail customers whose failed instalment's grace period is about to run out."""
    services.instalment_plans_send_ending_notices()


@task()
def end_overdue_instalment_plans() -> None:
    """End the payment plans whose grace period has run out (access revoked)."""
    services.instalment_plans_end_overdue()
