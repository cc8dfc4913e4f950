"""Background work of the store (run at once in the demo and tests, by a worker in production)."""

from django_tasks import task

from shop.emails import send_order_email_now


@task()
def send_order_email(*, order_id: int, kind: str) -> None:
    """Send the order's receipt or refund notice; `kind` is "receipt" or "refund"."""
    send_order_email_now(order_id=order_id, kind=kind)
