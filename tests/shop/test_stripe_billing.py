"""Memberships on Stripe Billing: checkout opens one Customer and one Subscription (its first
invoice's PaymentIntent confirmed on our Payment Element page), a signed `invoice.paid`
activates the membership.

localstripe cannot play Stripe here: its Subscription refuses `payment_behavior=
"default_incomplete"`, `payment_settings`, `price_data` items and `discounts`, pays the first
invoice at once from the customer's default card, and ignores idempotency keys. So Stripe is
played at stripe-python's HTTP boundary by `StripeBillingPeer`: it answers in Stripe's
shapes, replays a repeated idempotency key as Stripe does, and records every request.
"""

import functools
import itertools
import json
import time
import urllib.parse

import pytest
import stripe
from django.urls import reverse

from shop.models import Coupon, Membership, Order
from shop.payments.base import SubscriptionRequest
from shop.payments.stripe_gateway import SUBSCRIPTION_API_VERSION, StripeGateway
from shop.services import order_start_payment
from tests.shop.factories import MembershipPlanFactory
from tests.shop.stripe_events import event

pytestmark = pytest.mark.django_db

MONTH = 30 * 24 * 3600


class StripeBillingPeer(stripe.HTTPClient):
    """The part of Stripe's API a membership checkout uses, in memory, keyed as Stripe keys."""

    name = "stripe-billing-peer"

    def __init__(self):
        super().__init__()
        self.requests: list[dict] = []
        self.replies: dict[str, tuple[str, int, dict]] = {}
        self.objects: dict[str, dict] = {}
        self.ids = itertools.count(1)

    def created(self, path: str) -> list[dict]:
        """The create requests Stripe acted on (an idempotent replay is not a second one)."""
        return [r for r in self.requests if r["path"] == path and not r["replayed"]]

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = urllib.parse.urlsplit(url).path
        params = dict(urllib.parse.parse_qsl(post_data or urllib.parse.urlsplit(url).query))
        key = (headers or {}).get("Idempotency-Key")
        replayed = bool(key and key in self.replies)
        self.requests.append(
            {
                "method": method,
                "path": path,
                "params": params,
                "key": key,
                "version": (headers or {}).get("Stripe-Version"),
                "replayed": replayed,
            }
        )
        if replayed:
            return self.replies[key]
        body = self._answer(method, path, params)
        reply = (json.dumps(body), 200, {"Request-Id": f"req_{next(self.ids)}"})
        if key and method == "post":
            self.replies[key] = reply
        return reply

    def close(self):
        pass

    def _new(self, prefix: str, obj: dict) -> dict:
        obj = {"id": f"{prefix}_{next(self.ids)}", **obj}
        self.objects[obj["id"]] = obj
        return obj

    def _answer(self, method: str, path: str, params: dict) -> dict:
        parts = path.strip("/").split("/")[1:]
        if method == "post" and parts == ["products"]:
            return self._new("prod", {"object": "product", "name": params["name"]})
        if method == "post" and parts == ["customers"]:
            return self._new("cus", {"object": "customer", "email": params["email"]})
        if method == "post" and parts == ["coupons"]:
            return self._new(
                "coupon", {"object": "coupon", "amount_off": int(params["amount_off"])}
            )
        if method == "post" and parts == ["subscriptions"]:
            return self._subscribe(params)
        if parts[0] == "payment_intents":
            return self.objects[parts[1]]
        if method == "post" and parts[0] == "subscriptions":
            subscription = self.objects[parts[1]]
            subscription["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            return subscription
        raise AssertionError(f"Not part of a membership checkout: {method} {path}")

    def _subscribe(self, params: dict) -> dict:
        amount = int(params["items[0][price_data][unit_amount]"])
        if "discounts[0][coupon]" in params:
            amount -= self.objects[params["discounts[0][coupon]"]]["amount_off"]
        intent = self._new("pi", {"object": "payment_intent", "amount": amount})
        intent.update(
            client_secret=f"{intent['id']}_secret_x",
            currency=params["items[0][price_data][currency]"],
            status="requires_payment_method",
            metadata={},
        )
        now = int(time.time())
        subscription = self._new(
            "sub",
            {
                "object": "subscription",
                "customer": params["customer"],
                "status": "incomplete",
                "cancel_at_period_end": False,
                "items": {"data": [{"current_period_end": now + MONTH}]},
                "metadata": {"order_number": params["metadata[order_number]"]},
            },
        )
        invoice = self._new(
            "in",
            {
                "object": "invoice",
                "customer": params["customer"],
                "subscription": subscription["id"],
                "status": "open",
                "amount_due": amount,
                "amount_paid": 0,
                "lines": {"data": [{"period": {"start": now, "end": now + MONTH}}]},
                "subscription_details": {"metadata": subscription["metadata"]},
                "payment_intent": intent["id"],
            },
        )
        return {**subscription, "latest_invoice": {**invoice, "payment_intent": intent}}

    def pay(self, intent_id: str) -> dict:
        """What Stripe.js's confirmPayment does with a good card, and the invoice it pays."""
        self.objects[intent_id].update(status="succeeded", latest_charge=f"ch_{intent_id}")
        invoice = next(o for o in self.objects.values() if o.get("payment_intent") == intent_id)
        invoice.update(
            status="paid",
            amount_paid=invoice["amount_due"],
            status_transitions={"paid_at": int(time.time())},
            hosted_invoice_url=f"https://invoice.stripe.com/{invoice['id']}",
        )
        self.objects[invoice["subscription"]]["status"] = "active"
        return invoice


@pytest.fixture
def stripe_peer(stripe_settings, monkeypatch):
    peer = StripeBillingPeer()
    monkeypatch.setattr(
        stripe, "StripeClient", functools.partial(stripe.StripeClient, http_client=peer)
    )
    return peer


@pytest.fixture
def plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


@pytest.fixture
def subscribed(client, user, plan, stripe_peer):
    """The customer put the plan in the cart and pressed "Pay" twice (a double submit)."""
    client.force_login(user)
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    first = client.post(reverse("shop:checkout"))
    second = client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("shop:stripe_payment", args=[order.number])
    )
    return order


def test_checkout_opens_one_customer_and_one_incomplete_subscription(subscribed, stripe_peer):
    assert len(stripe_peer.created("/v1/customers")) == 1
    assert len(stripe_peer.created("/v1/subscriptions")) == 1
    params = stripe_peer.created("/v1/subscriptions")[0]["params"]
    assert params["payment_behavior"] == "default_incomplete"
    assert params["payment_settings[save_default_payment_method]"] == "on_subscription"
    assert params["expand[0]"] == "latest_invoice.payment_intent"
    assert params["items[0][price_data][unit_amount]"] == "2900"
    assert params["items[0][price_data][recurring][interval]"] == "month"
    assert params["metadata[order_number]"] == subscribed.number
    assert subscribed.gateway_subscription.startswith("sub_")
    assert subscribed.gateway_reference.startswith("pi_")


def test_every_create_call_carries_a_key_derived_from_the_order(subscribed, stripe_peer):
    creates = [r for r in stripe_peer.requests if r["method"] == "post"]
    prefix = f"order-{subscribed.number}-subscription"
    assert {r["key"] for r in creates} == {prefix, f"{prefix}-customer", f"{prefix}-product"}
    subscription = stripe_peer.created("/v1/subscriptions")[0]
    assert subscription["version"] == SUBSCRIPTION_API_VERSION


def test_repeating_the_same_subscription_request_opens_no_second_one(stripe_peer):
    gateway = StripeGateway(secret_key="sk_test_coachhouse")
    request = SubscriptionRequest(
        order_number="CH-1",
        email="a@example.com",
        plan_name="Monthly",
        plan_product="",
        interval="month",
        price_cents=2900,
        first_cents=2900,
        recurring_cents=2900,
        trial_days=0,
        currency="USD",
        idempotency_key="order-CH-1-subscription",
    )
    first, again = gateway.create_subscription(request), gateway.create_subscription(request)
    assert first == again
    assert len(stripe_peer.created("/v1/subscriptions")) == 1
    assert len(stripe_peer.created("/v1/customers")) == 1


def test_the_plans_product_and_the_members_earlier_customer_are_reused(
    subscribed, stripe_peer, plan, user
):
    plan.refresh_from_db()
    assert stripe_peer.objects[plan.gateway_product]["object"] == "product"
    Membership.objects.create(
        user=user,
        plan=MembershipPlanFactory(),
        status=Membership.Status.CANCELED,
        interval="month",
        price_cents=2900,
        current_period_end=subscribed.created_at,
        gateway="stripe",
        gateway_customer="cus_earlier",
    )
    order = Order.objects.create(
        user=user, email=user.email, subtotal_cents=2900, total_cents=2900, currency="USD"
    )
    order.lines.create(
        plan=plan,
        title="Monthly",
        unit_price_cents=2900,
        plan_price_cents=2900,
        recurring_cents=2900,
    )
    order_start_payment(order=order, gateway=StripeGateway(secret_key="sk_test_coachhouse"))
    second = stripe_peer.created("/v1/subscriptions")[-1]["params"]
    assert second["customer"] == "cus_earlier"
    assert second["items[0][price_data][product]"] == plan.gateway_product
    assert len(stripe_peer.created("/v1/customers")) == 1
    assert len(stripe_peer.created("/v1/products")) == 1


def test_a_first_period_coupon_becomes_a_one_off_stripe_coupon_on_the_first_invoice(
    client, user, plan, stripe_peer
):
    Coupon.objects.create(code="HALF", percent_off=50, duration=Coupon.Duration.ONCE)
    client.force_login(user)
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    client.post(reverse("shop:coupon_apply"), {"code": "half"})
    client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    coupon = stripe_peer.created("/v1/coupons")[0]["params"]
    assert (coupon["amount_off"], coupon["duration"]) == ("1450", "once")
    params = stripe_peer.created("/v1/subscriptions")[0]["params"]
    assert params["items[0][price_data][unit_amount]"] == "2900"
    assert stripe_peer.objects[order.gateway_reference]["amount"] == order.total_cents == 1450


def test_the_payment_page_hands_the_first_invoices_client_secret_to_the_payment_element(
    subscribed, client
):
    page = client.get(reverse("shop:stripe_payment", args=[subscribed.number]))
    assert f'data-client-secret="{subscribed.gateway_reference}_secret_x"' in page.content.decode()


def test_paying_the_first_invoice_then_its_signed_invoice_paid_activates_the_membership(
    subscribed, stripe_peer, post, user
):
    invoice = stripe_peer.pay(subscribed.gateway_reference)
    response = post(event("invoice.paid", invoice))
    assert response.content == b"handled"
    subscribed.refresh_from_db()
    membership = Membership.objects.get()
    assert subscribed.status == Order.Status.PAID
    assert membership.status == Membership.Status.ACTIVE and membership.user == user
    assert membership.gateway_subscription == subscribed.gateway_subscription
    assert stripe_peer.objects[membership.gateway_customer]["object"] == "customer"
    assert membership.invoices.get().gateway_reference == invoice["id"]


def test_canceling_at_period_end_and_resuming_is_told_to_stripe(
    subscribed, stripe_peer, post, client
):
    post(event("invoice.paid", stripe_peer.pay(subscribed.gateway_reference)))
    membership = Membership.objects.get()
    subscription = stripe_peer.objects[membership.gateway_subscription]
    url = reverse("shop:membership_account")
    client.post(url, {"membership": membership.pk, "action": "cancel"})
    assert subscription["cancel_at_period_end"] is True
    client.post(url, {"membership": membership.pk, "action": "resume"})
    assert subscription["cancel_at_period_end"] is False
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and not membership.cancel_at_period_end


def test_stripe_refusing_the_subscription_says_so_and_opens_nothing(
    client, user, plan, stripe_peer, monkeypatch
):
    monkeypatch.setattr(
        stripe_peer,
        "request",
        functools.partial(_refusing_subscriptions, stripe_peer.request),
    )
    client.force_login(user)
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    response = client.post(reverse("shop:checkout"), follow=True)
    assert "Nothing was charged" in response.content.decode()
    order = Order.objects.get()
    assert (order.gateway_subscription, order.gateway_reference) == ("", "")
    assert not Membership.objects.exists()


def _refusing_subscriptions(request, method, url, headers, post_data=None, **kwargs):
    if method == "post" and urllib.parse.urlsplit(url).path == "/v1/subscriptions":
        error = {"error": {"type": "card_error", "message": "Your card was declined."}}
        return json.dumps(error), 402, {}
    return request(method, url, headers, post_data, **kwargs)
