"""Stripe Billing events for memberships, signed exactly as Stripe signs them: each once, in
any order (an older event never overwrites a newer state), a stranger's acknowledged."""

import json

import pytest

from shop.models import Membership, MembershipInvoice, Order, PaymentEvent
from tests.shop.factories import stripe_membership_order
from tests.shop.stripe_events import payment_intent

pytestmark = pytest.mark.django_db

START = 1_800_000_000  # a fixed Stripe timestamp
MONTH = 30 * 24 * 3600


@pytest.fixture
def plan_order(stripe_settings, user):
    """A pending Stripe membership order whose subscription is sub_1, as checkout leaves it."""
    return stripe_membership_order(user, subscription="sub_1", payment="pi_sub_1")


def _event(kind, obj, *, created, event_id=None):
    return json.dumps(
        {
            "id": event_id or f"evt_{kind}_{created}_{obj.get('status')}",
            "object": "event",
            "type": kind,
            "created": created,
            "data": {"object": obj},
        }
    ).encode()


def _subscription(status, *, period_end=START + MONTH, customer="cus_1", sub="sub_1", **extra):
    return {
        "id": sub,
        "object": "subscription",
        "customer": customer,
        "status": status,
        "items": {"data": [{"current_period_end": period_end}]},
        "cancel_at_period_end": False,
        "metadata": {},
        **extra,
    }


def _invoice(inv_id, status, *, start, end, amount=2900, sub="sub_1"):
    return {
        "id": inv_id,
        "object": "invoice",
        "customer": "cus_1",
        "subscription": sub,
        "status": status,
        "amount_paid": amount if status == "paid" else 0,
        "amount_due": amount,
        "lines": {"data": [{"period": {"start": start, "end": end}}]},
        "status_transitions": {"paid_at": start if status == "paid" else None},
        "hosted_invoice_url": f"https://invoice.stripe.com/{inv_id}",
        "payment_intent": "pi_sub_1",
    }


def test_a_subscription_event_for_an_unknown_customer_is_recorded_and_acknowledged(
    post, stripe_settings
):
    response = post(
        _event("customer.subscription.created", _subscription("active", sub="sub_x"), created=START)
    )
    assert response.status_code == 200 and response.content == b"unknown subscription"
    assert PaymentEvent.objects.get().event_type == "customer.subscription.created"
    assert not Membership.objects.exists()


def test_the_first_invoice_paid_before_any_subscription_event_fulfils_the_order(post, plan_order):
    response = post(
        _event(
            "invoice.paid", _invoice("in_1", "paid", start=START, end=START + MONTH), created=START
        )
    )
    assert response.content == b"handled"
    plan_order.refresh_from_db()
    membership = Membership.objects.get()
    assert plan_order.status == Order.Status.PAID
    assert membership.status == Membership.Status.ACTIVE
    assert membership.gateway_subscription == "sub_1" and membership.order == plan_order
    assert membership.invoices.get().receipt_url == "https://invoice.stripe.com/in_1"


def test_an_older_event_never_overwrites_a_newer_state(post, plan_order):
    post(_event("customer.subscription.updated", _subscription("past_due"), created=START + 200))
    post(_event("customer.subscription.created", _subscription("active"), created=START + 100))
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.PAST_DUE and membership.grace_ends_at


def test_each_event_is_handled_once(post, plan_order):
    payload = _event("customer.subscription.created", _subscription("active"), created=START)
    assert post(payload).content == b"handled"
    assert post(payload).content == b"duplicate"
    assert PaymentEvent.objects.count() == 1


def test_a_failed_renewal_then_its_payment_move_past_due_and_back(post, plan_order):
    post(
        _event(
            "invoice.paid", _invoice("in_1", "paid", start=START, end=START + MONTH), created=START
        )
    )
    renewal = dict(start=START + MONTH, end=START + 2 * MONTH)
    post(
        _event("invoice.payment_failed", _invoice("in_2", "open", **renewal), created=START + MONTH)
    )
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.PAST_DUE
    post(_event("invoice.paid", _invoice("in_2", "paid", **renewal), created=START + MONTH + 60))
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and membership.grace_ends_at is None
    assert membership.current_period_end.timestamp() == START + 2 * MONTH
    assert MembershipInvoice.objects.get(gateway_reference="in_2").status == "paid"


def test_a_deleted_subscription_cancels_and_nothing_revives_it(post, plan_order):
    post(_event("customer.subscription.created", _subscription("active"), created=START))
    post(
        _event(
            "customer.subscription.deleted",
            _subscription("canceled", canceled_at=START + 5),
            created=START + 10,
        )
    )
    post(_event("customer.subscription.updated", _subscription("active"), created=START + 20))
    assert Membership.objects.get().status == Membership.Status.CANCELED


def test_a_forged_membership_event_changes_nothing(post, plan_order):
    payload = _event("customer.subscription.created", _subscription("active"), created=START)
    assert post(payload, secret="whsec_wrong").status_code == 400
    assert not Membership.objects.exists() and not PaymentEvent.objects.exists()


def test_a_one_off_invoices_event_with_no_subscription_details_is_acknowledged(post, plan_order):
    """Stripe's `subscription_details` is null on an invoice no subscription made (one made in
    the dashboard): its events are recorded and acknowledged, not refused as invalid."""
    invoice = _invoice("in_one_off", "paid", start=START, end=START, sub=None)
    invoice["subscription_details"] = None
    response = post(_event("invoice.paid", invoice, created=START))
    assert (response.status_code, response.content) == (200, b"unknown subscription")
    assert PaymentEvent.objects.get().event_type == "invoice.paid"
    assert not MembershipInvoice.objects.exists()


def test_a_past_due_snapshot_taken_before_the_retry_paid_does_not_undo_the_payment(
    post, plan_order
):
    """A new card: Stripe's subscription update (still past due) and the paid retry happen in
    the same second, and their events may come in either order."""
    post(
        _event(
            "invoice.paid", _invoice("in_1", "paid", start=START, end=START + MONTH), created=START
        )
    )
    renewal = dict(start=START + MONTH, end=START + 2 * MONTH)
    post(
        _event("invoice.payment_failed", _invoice("in_2", "open", **renewal), created=START + MONTH)
    )
    paid_at = START + MONTH + 60
    post(_event("invoice.paid", _invoice("in_2", "paid", **renewal), created=paid_at))
    stale = _subscription("past_due", period_end=START + 2 * MONTH)
    assert post(_event("customer.subscription.updated", stale, created=paid_at)).status_code == 200
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.ACTIVE and membership.grace_ends_at is None
    assert membership.current_period_end.timestamp() == START + 2 * MONTH


def test_the_failure_email_goes_out_once_when_the_subscriptions_past_due_event_came_first(
    post, plan_order, mailoutbox
):
    post(
        _event(
            "invoice.paid", _invoice("in_1", "paid", start=START, end=START + MONTH), created=START
        )
    )
    past_due = _subscription("past_due", period_end=START + 2 * MONTH)
    post(_event("customer.subscription.updated", past_due, created=START + MONTH))
    assert not [m for m in mailoutbox if "payment failed" in m.subject]
    failed = _invoice("in_2", "open", start=START + MONTH, end=START + 2 * MONTH)
    post(_event("invoice.payment_failed", failed, created=START + MONTH))
    post(_event("invoice.payment_failed", failed, created=START + MONTH, event_id="evt_again"))
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.PAST_DUE and membership.grace_ends_at
    assert [m.subject for m in mailoutbox if "payment failed" in m.subject] == [
        "[Coachhouse] Your Monthly membership payment failed"
    ]


def test_the_first_paid_invoice_sets_the_period_the_fulfilment_only_estimated(post, plan_order):
    """The payment's own event fulfils the order first: the membership's period is estimated
    from the fulfilment's time, later than Stripe's start of the subscription. The first
    invoice.paid puts Stripe's period end in its place, earlier too; a renewal moves it on,
    and the first invoice delivered again does not move it back."""
    intent = payment_intent(plan_order)
    post(_event("payment_intent.succeeded", intent, created=START))
    membership = Membership.objects.get()
    assert membership.order == plan_order
    end = int(membership.current_period_end.timestamp()) - 90  # Stripe started it 90 s sooner
    first = _invoice("in_1", "paid", start=end - MONTH, end=end)
    post(_event("invoice.paid", first, created=START + 1))
    membership.refresh_from_db()
    assert membership.current_period_end.timestamp() == end
    renewal = _invoice("in_2", "paid", start=end, end=end + MONTH)
    post(_event("invoice.paid", renewal, created=START + 2))
    post(_event("invoice.paid", first, created=START + 3, event_id="evt_first_again"))
    membership.refresh_from_db()
    assert membership.current_period_end.timestamp() == end + MONTH
    assert membership.status == Membership.Status.ACTIVE
