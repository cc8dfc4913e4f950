"""Payment plans on Stripe Billing: checkout opens a monthly Subscription for the instalment
(its first invoice's PaymentIntent confirmed on our page), and signed `invoice.paid` /
`invoice.payment_failed` / `customer.subscription.*` events move the plan — each invoice
counted once in any order, Stripe told to stop after the N-th, access revoked when the
subscription ends unpaid. Stripe is played by the in-memory `StripeBillingPeer`."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from shop.models import InstalmentPlan, Order, PaymentEvent
from shop.services.instalments import instalment_plans_end_overdue
from tests.shop.stripe_events import event, payment_intent
from tests.shop.test_stripe_billing import MONTH, StripeBillingPeer, stripe_peer  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(course):
    """The $149 course, also sold in 3 monthly instalments of $55."""
    course.instalment_count, course.instalment_cents = 3, 5500
    course.save_revision().publish()
    course.refresh_from_db()
    return course


@pytest.fixture
def plan_order(client, user, course, stripe_peer):  # noqa: F811 - the imported fixture
    """The customer chose to pay in 3 instalments and pressed "Pay" twice (a double submit)."""
    client.force_login(user)
    client.post(reverse("shop:cart_instalments"), {"course": course.pk, "pay": "instalments"})
    client.post(reverse("shop:checkout"))
    client.post(reverse("shop:checkout"))
    return Order.objects.get()


def _invoice(order, inv_id, status, *, number, amount=5500, payment_intent_id=None):
    start = int(time.time()) + (number - 1) * MONTH
    return {
        "id": inv_id,
        "object": "invoice",
        "customer": "cus_1",
        "subscription": order.gateway_subscription,
        "status": status,
        "amount_paid": amount if status == "paid" else 0,
        "amount_due": amount,
        "lines": {"data": [{"period": {"start": start, "end": start + MONTH}}]},
        "status_transitions": {"paid_at": start if status == "paid" else None},
        "subscription_details": {"metadata": {"order_number": order.number}},
        "payment_intent": payment_intent_id or f"pi_{inv_id}",
    }


def _subscription(order, status, **extra):
    return {
        "id": order.gateway_subscription,
        "object": "subscription",
        "customer": "cus_1",
        "status": status,
        "items": {"data": [{"current_period_end": int(time.time()) + MONTH}]},
        "cancel_at_period_end": False,
        "metadata": {"order_number": order.number},
        **extra,
    }


def _enrolled(user, course) -> bool:
    return Enrollment.objects.filter(user=user, course=course, revoked_at__isnull=True).exists()


def _pay_first(plan_order, stripe_peer, post):  # noqa: F811
    return post(event("invoice.paid", stripe_peer.pay(plan_order.gateway_reference)))


def test_checkout_opens_one_monthly_subscription_for_the_instalment(
    plan_order,
    stripe_peer,  # noqa: F811
):
    assert len(stripe_peer.created("/v1/subscriptions")) == 1
    params = stripe_peer.created("/v1/subscriptions")[0]["params"]
    assert params["payment_behavior"] == "default_incomplete"
    assert params["items[0][price_data][unit_amount]"] == "5500"
    assert params["items[0][price_data][recurring][interval]"] == "month"
    assert params["metadata[order_number]"] == plan_order.number
    keys = {r["key"] for r in stripe_peer.requests if r["method"] == "post"}
    assert f"order-{plan_order.number}-instalments" in keys
    assert plan_order.total_cents == 5500
    assert stripe_peer.objects[plan_order.gateway_reference]["amount"] == 5500
    plan = InstalmentPlan.objects.get()
    assert plan.status == InstalmentPlan.Status.INCOMPLETE
    assert plan.gateway_subscription == plan_order.gateway_subscription


def test_the_first_invoice_paid_grants_access_and_counts_once_with_its_payment_event(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
    user,
    course,
):
    assert _pay_first(plan_order, stripe_peer, post).content == b"handled"
    post(event("payment_intent.succeeded", payment_intent(plan_order, amount=5500)))
    plan_order.refresh_from_db()
    plan = InstalmentPlan.objects.get()
    assert plan_order.status == Order.Status.PAID
    assert plan.status == InstalmentPlan.Status.ACTIVE and plan.paid_count == 1
    assert _enrolled(user, course)
    assert PaymentEvent.objects.filter(order=plan_order).count() == 2


def test_after_the_nth_paid_invoice_stripe_is_told_to_stop_and_access_stays(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
    user,
    course,
):
    _pay_first(plan_order, stripe_peer, post)
    subscription = stripe_peer.objects[plan_order.gateway_subscription]
    post(event("invoice.paid", _invoice(plan_order, "in_2", "paid", number=2)))
    assert subscription["cancel_at_period_end"] is False
    post(event("invoice.paid", _invoice(plan_order, "in_3", "paid", number=3)))
    plan = InstalmentPlan.objects.get()
    assert plan.status == InstalmentPlan.Status.COMPLETED and plan.paid_count == 3
    assert subscription["cancel_at_period_end"] is True
    # The subscription ends by itself at the period's end: access stays for good.
    post(event("customer.subscription.deleted", _subscription(plan_order, "canceled")))
    plan.refresh_from_db()
    assert plan.status == InstalmentPlan.Status.COMPLETED
    assert _enrolled(user, course)


def test_a_paid_invoice_redelivered_or_out_of_order_counts_once(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
):
    _pay_first(plan_order, stripe_peer, post)
    third = _invoice(plan_order, "in_3", "paid", number=3)
    post(event("invoice.paid", third, event_id="evt_third"))
    assert post(event("invoice.paid", third, event_id="evt_third")).content == b"duplicate"
    post(event("invoice.paid", third))  # the same invoice in another event
    plan = InstalmentPlan.objects.get()
    assert plan.paid_count == 2 and plan.status == InstalmentPlan.Status.ACTIVE


def test_a_failed_instalment_starts_the_grace_period_with_one_email(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
    user,
    course,
):
    _pay_first(plan_order, stripe_peer, post)
    mail.outbox.clear()
    failed = _invoice(plan_order, "in_2", "open", number=2)
    post(event("invoice.payment_failed", failed))
    post(event("invoice.payment_failed", failed))
    plan = InstalmentPlan.objects.get()
    assert plan.status == InstalmentPlan.Status.PAST_DUE and plan.grace_ends_at is not None
    assert len(mail.outbox) == 1
    assert _enrolled(user, course)


def test_a_subscription_canceled_unpaid_revokes_access(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
    user,
    course,
):
    _pay_first(plan_order, stripe_peer, post)
    post(event("invoice.payment_failed", _invoice(plan_order, "in_2", "open", number=2)))
    post(event("customer.subscription.deleted", _subscription(plan_order, "canceled")))
    plan = InstalmentPlan.objects.get()
    assert plan.status == InstalmentPlan.Status.CANCELED
    assert not _enrolled(user, course)


def test_subscription_events_before_the_payment_find_the_plan_by_its_order(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
    user,
    course,
):
    InstalmentPlan.objects.all().delete()
    response = post(event("customer.subscription.created", _subscription(plan_order, "incomplete")))
    assert response.content == b"handled"
    assert InstalmentPlan.objects.get().order == plan_order
    _pay_first(plan_order, stripe_peer, post)
    assert InstalmentPlan.objects.get().paid_count == 1
    assert _enrolled(user, course)


def test_a_past_due_snapshot_taken_before_the_retry_paid_does_not_undo_the_payment(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
    user,
    course,
):
    """A new card: Stripe's subscription update (still past due) and the paid retry happen in
    the same second, and their events may come in either order. The instalment is paid: no
    grace period starts, and the end of a grace period would not take the course away."""
    _pay_first(plan_order, stripe_peer, post)
    second = _invoice(plan_order, "in_2", "open", number=2)
    post(event("invoice.payment_failed", second))
    post(event("invoice.paid", {**second, "status": "paid", "amount_paid": 5500}))
    assert InstalmentPlan.objects.get().status == InstalmentPlan.Status.ACTIVE
    period_end = second["lines"]["data"][0]["period"]["end"]
    stale = _subscription(
        plan_order, "past_due", items={"data": [{"current_period_end": period_end}]}
    )
    assert post(event("customer.subscription.updated", stale)).status_code == 200
    plan = InstalmentPlan.objects.get()
    assert plan.status == InstalmentPlan.Status.ACTIVE and plan.grace_ends_at is None
    assert plan.paid_count == 2
    instalment_plans_end_overdue(now=timezone.now() + timedelta(days=365))
    assert _enrolled(user, course)


def test_a_past_due_snapshot_of_an_unpaid_period_still_starts_the_grace_period(
    plan_order,
    stripe_peer,  # noqa: F811
    post,
):
    _pay_first(plan_order, stripe_peer, post)
    second = _invoice(plan_order, "in_2", "open", number=2)
    period_end = second["lines"]["data"][0]["period"]["end"]
    stale = _subscription(
        plan_order, "past_due", items={"data": [{"current_period_end": period_end}]}
    )
    post(event("customer.subscription.updated", stale))
    plan = InstalmentPlan.objects.get()
    assert plan.status == InstalmentPlan.Status.PAST_DUE and plan.grace_ends_at is not None
