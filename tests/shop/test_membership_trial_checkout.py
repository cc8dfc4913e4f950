"""A free-trial plan on Stripe: the first invoice is $0, so Stripe returns the subscription's
`pending_setup_intent` instead of a PaymentIntent; our payment page confirms that SetupIntent
(confirmSetup) and the order completes, from the return page or `setup_intent.succeeded`,
with the membership trialing. The $0 invoice alone completes nothing."""

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from shop.models import Membership, Order
from tests.shop.factories import MembershipPlanFactory
from tests.shop.stripe_events import event

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial_plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, trial_days=14, courses=[course])


@pytest.fixture
def trial_order(client, user, trial_plan, billing_peer):
    client.force_login(user)
    client.post(reverse("shop:cart_add_plan"), {"plan": trial_plan.pk})
    response = client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert response["Location"] == reverse("shop:stripe_payment", args=[order.number])
    return order


def _setup_intent(peer, order):
    return peer.objects[order.gateway_reference]


def test_a_trial_checkout_opens_the_subscription_and_its_setup_intent_at_stripe(
    trial_order, billing_peer
):
    params = billing_peer.created("/v1/subscriptions")[0]["params"]
    assert params["trial_period_days"] == "14"
    assert "pending_setup_intent" in params.values()  # expanded with the first invoice
    assert trial_order.status == Order.Status.PENDING and trial_order.total_cents == 0
    assert trial_order.gateway_reference.startswith("seti_")
    assert trial_order.gateway_subscription.startswith("sub_")
    assert not Membership.objects.exists()


def test_the_payment_page_confirms_the_setup_intent_rather_than_a_payment(client, trial_order):
    page = client.get(reverse("shop:stripe_payment", args=[trial_order.number])).content.decode()
    assert 'data-intent="setup"' in page
    assert f'data-client-secret="{trial_order.gateway_reference}_secret_x"' in page
    assert "Save card and start my trial" in page


def test_the_return_page_completes_the_order_with_the_membership_trialing(
    client, trial_order, billing_peer
):
    _setup_intent(billing_peer, trial_order).update(status="succeeded", payment_method="pm_1")
    client.get(reverse("shop:payment_return", args=[trial_order.number]))
    trial_order.refresh_from_db()
    membership = Membership.objects.get()
    assert trial_order.status == Order.Status.PAID
    assert membership.status == Membership.Status.TRIALING
    assert membership.gateway_subscription == trial_order.gateway_subscription
    assert membership.current_period_end - membership.started_at == timedelta(days=14)


def test_an_unconfirmed_setup_intent_leaves_the_order_pending(client, trial_order):
    client.get(reverse("shop:payment_return", args=[trial_order.number]))
    trial_order.refresh_from_db()
    assert trial_order.status == Order.Status.PENDING
    assert not Membership.objects.exists()


def test_the_zero_invoice_alone_does_not_complete_the_order_its_setup_intent_does(
    trial_order, billing_peer, post
):
    invoice = billing_peer.objects[
        next(k for k, o in billing_peer.objects.items() if o.get("object") == "invoice")
    ]
    post(event("invoice.paid", {**invoice, "status_transitions": {"paid_at": int(time.time())}}))
    trial_order.refresh_from_db()
    assert trial_order.status == Order.Status.PENDING
    setup = _setup_intent(billing_peer, trial_order)
    setup.update(status="succeeded", payment_method="pm_1")
    payload = json.dumps(
        {
            "id": "evt_setup",
            "object": "event",
            "type": "setup_intent.succeeded",
            "created": int(time.time()),
            "data": {"object": setup},
        }
    ).encode()
    assert post(payload).content == b"handled"
    trial_order.refresh_from_db()
    assert trial_order.status == Order.Status.PAID
    post(
        event(
            "customer.subscription.created", billing_peer.objects[trial_order.gateway_subscription]
        )
    )
    membership = Membership.objects.get()
    assert membership.status == Membership.Status.TRIALING and membership.order == trial_order
    post(payload)  # a repeat is a duplicate
    assert Membership.objects.count() == 1
