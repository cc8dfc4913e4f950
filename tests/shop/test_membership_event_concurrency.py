"""A new membership's first events at the same moment: Stripe sends
`customer.subscription.created`, `invoice.paid` and `payment_intent.succeeded` together, and
the webhook handles them concurrently. One membership, one paid order, active — whichever
commits first.

The interleaving that went wrong: the subscription's event inserts the membership (its
transaction still open) while the payment fulfils the order; the payment's insert of the
same subscription then waits on the unique key and, once the first commits, failed — and the
order was marked "paid, needs refund" (the customer refunded, the membership left waiting).
On PostgreSQL the test holds the first transaction open until the second is seen waiting on
its lock (pg_stat_activity), so it is that interleaving every time. SQLite's IMMEDIATE
transactions admit one writer at a time, so there the events can only follow each other; the
orders-of-arrival test runs on both.
"""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction

from shop.models import Membership, Order, PaymentEvent
from shop.payments.base import InvoiceState, PaymentState, SubscriptionState, WebhookEvent
from shop.payments.webhooks import payment_event_process
from shop.services.orders import PAYABLE
from tests.shop.factories import stripe_membership_order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NOW = datetime(2027, 1, 1, tzinfo=UTC)
MONTH_END = NOW + timedelta(days=30)


@pytest.fixture
def plan_order(user):
    """A pending Stripe membership order whose subscription is sub_race, as checkout leaves it."""
    return stripe_membership_order(user, subscription="sub_race", payment="pi_race")


def _none() -> PaymentState:
    return PaymentState(reference="", status="pending", amount_cents=0)


def _subscription_created(order: Order) -> WebhookEvent:
    return WebhookEvent(
        id="evt_sub_created",
        type="customer.subscription.created",
        payment=_none(),
        created=NOW,
        subscription=SubscriptionState(
            reference="sub_race",
            customer="cus_race",
            status="incomplete",
            current_period_end=MONTH_END,
            order_number=order.number,
        ),
    )


def _payment_succeeded(order: Order) -> WebhookEvent:
    return WebhookEvent(
        id="evt_pi_succeeded",
        type="payment_intent.succeeded",
        payment=PaymentState(
            reference="pi_race", status="succeeded", amount_cents=2900, charge="ch_race"
        ),
        created=NOW,
    )


def _invoice_paid(order: Order) -> WebhookEvent:
    return WebhookEvent(
        id="evt_in_paid",
        type="invoice.paid",
        payment=_none(),
        created=NOW,
        invoice=InvoiceState(
            reference="in_race",
            subscription="sub_race",
            customer="cus_race",
            status="paid",
            amount_cents=2900,
            period_start=NOW,
            period_end=MONTH_END,
            paid_at=NOW,
            order_number=order.number,
            payment_reference="pi_race",
        ),
    )


def _assert_one_active_membership_for_the_paid_order(order: Order) -> None:
    order.refresh_from_db()
    assert order.status == Order.Status.PAID, order.failure_message
    membership = Membership.objects.get()
    assert membership.order == order and membership.gateway_subscription == "sub_race"
    assert membership.status == Membership.Status.ACTIVE
    assert membership.current_period_end == MONTH_END
    assert PaymentEvent.objects.count() == 3


def _lock_waiters() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("second", [_payment_succeeded, _invoice_paid])
def test_a_payment_waiting_on_the_subscription_events_new_membership_joins_it(plan_order, second):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite admits one writer at a time: this interleaving cannot happen there")
    first_done, release = threading.Event(), threading.Event()
    errors = []

    def subscription_event():
        try:
            with transaction.atomic():  # held open: the membership's insert not yet committed
                payment_event_process(event=_subscription_created(plan_order))
                first_done.set()
                assert release.wait(60)
        except Exception as exc:
            errors.append(exc)
        finally:
            first_done.set()
            connections.close_all()

    def payment_event():
        try:
            payment_event_process(event=second(plan_order))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=subscription_event)
    first.start()
    assert first_done.wait(60)
    other = threading.Thread(target=payment_event)
    other.start()
    deadline = time.monotonic() + 60  # a bound for a wait that never comes, not a delay
    while _lock_waiters() == 0 and other.is_alive():
        assert time.monotonic() < deadline, "the payment never waited on the membership's key"
        time.sleep(0.01)
    release.set()
    first.join(60)
    other.join(60)
    assert not errors
    # The third of the moment's events, afterwards: nothing changes, nothing doubles.
    remaining = {_payment_succeeded, _invoice_paid} - {second}
    payment_event_process(event=remaining.pop()(plan_order))
    _assert_one_active_membership_for_the_paid_order(plan_order)


@pytest.mark.parametrize(
    "order_of_arrival",
    [
        (_subscription_created, _payment_succeeded, _invoice_paid),
        (_payment_succeeded, _subscription_created, _invoice_paid),
        (_invoice_paid, _subscription_created, _payment_succeeded),
        (_payment_succeeded, _invoice_paid, _subscription_created),
    ],
    ids=["subscription-first", "payment-first", "invoice-first", "subscription-last"],
)
def test_the_first_events_in_any_order_leave_one_active_membership(plan_order, order_of_arrival):
    for event in order_of_arrival:
        payment_event_process(event=event(plan_order))
    _assert_one_active_membership_for_the_paid_order(plan_order)
    assert plan_order.status not in PAYABLE
