"""The in-memory Stripe of tests/shop/test_stripe_billing.py, taught what a member's own
billing asks of Stripe: a plan change (`Subscription.modify` of the item, prorated with
`always_invoice`), refunding an invoice, ending a subscription now, SetupIntents for a new
card, the customer's and subscription's default payment method, `Invoice.pay`, and a free
trial's `pending_setup_intent`. Idempotency keys replay as in the parent."""

import functools
import json
import time

import pytest
import stripe
from django.urls import reverse

from shop.models import Membership, Order
from tests.shop.stripe_events import event
from tests.shop.test_stripe_billing import MONTH, StripeBillingPeer

YEAR = 365 * 24 * 3600
CARD_DECLINED = {"error": {"type": "card_error", "message": "Your card was declined."}}


class BillingPeer(StripeBillingPeer):
    """`decline` names the request paths that answer 402 card_declined (a card that fails)."""

    def __init__(self):
        super().__init__()
        self.decline: set[str] = set()

    def _answer(self, method, path, params):
        parts = path.strip("/").split("/")[1:]
        if path in self.decline:
            raise _Declined()
        if method == "post" and parts == ["refunds"]:
            return self._refund(params)
        if method == "post" and parts == ["setup_intents"]:
            return self._new(
                "seti",
                {
                    "object": "setup_intent",
                    "customer": params["customer"],
                    "usage": params.get("usage"),
                    "status": "requires_payment_method",
                    "metadata": {"subscription": params.get("metadata[subscription]", "")},
                },
            ) | {"client_secret": "seti_secret_x"}
        if parts[0] == "setup_intents" and method == "get":
            return self.objects[parts[1]]
        if method == "post" and parts[0] == "customers" and len(parts) == 2:
            customer = self.objects.setdefault(parts[1], {"id": parts[1], "object": "customer"})
            customer["invoice_settings"] = {
                "default_payment_method": params["invoice_settings[default_payment_method]"]
            }
            return customer
        if parts == ["invoice_payments"] and method == "get":
            return self._invoice_payments(params)
        if parts[0] == "invoices" and method == "get":
            return self.objects[parts[1]]
        if parts[0] == "invoices" and parts[2:] == ["pay"]:
            return self._pay_invoice(parts[1])
        if parts[0] == "subscriptions" and len(parts) == 2:
            subscription = self.objects[parts[1]]
            if method == "get":
                return subscription
            if method == "delete":
                if subscription["status"] == "canceled":
                    raise _Refused("A canceled subscription can not be canceled again.")
                subscription.update(status="canceled", canceled_at=int(time.time()))
                return subscription
            if "items[0][id]" in params:
                return self._change_plan(subscription, params)
            if "default_payment_method" in params:
                subscription["default_payment_method"] = params["default_payment_method"]
                return subscription
        return super()._answer(method, path, params)

    def _subscribe(self, params):
        answer = super()._subscribe(params)
        subscription = self.objects[answer["id"]]
        item = subscription["items"]["data"][0]
        item.update(
            id=f"si_{next(self.ids)}",
            price={
                "unit_amount": int(params["items[0][price_data][unit_amount]"]),
                "product": params["items[0][price_data][product]"],
                "recurring": {"interval": params["items[0][price_data][recurring][interval]"]},
            },
        )
        if params.get("trial_period_days"):
            # A $0 first invoice: Stripe opens a SetupIntent for the card instead of a payment.
            invoice = answer["latest_invoice"]
            self.objects[invoice["id"]].update(amount_due=0, payment_intent=None, status="paid")
            self.objects.pop(invoice["payment_intent"]["id"])
            setup = self._new(
                "seti",
                {
                    "object": "setup_intent",
                    "customer": params["customer"],
                    "status": "requires_payment_method",
                    "metadata": {},
                },
            )
            setup["client_secret"] = f"{setup['id']}_secret_x"
            subscription.update(status="trialing", pending_setup_intent=setup["id"])
            answer = {
                **subscription,
                "pending_setup_intent": setup,
                "latest_invoice": {**self.objects[invoice["id"]], "payment_intent": None},
            }
        return {**answer, "items": subscription["items"]}

    def _change_plan(self, subscription, params):
        item = subscription["items"]["data"][0]
        assert params["items[0][id]"] == item["id"]
        now = int(time.time())
        old_end, old_amount = item["current_period_end"], item["price"]["unit_amount"]
        interval = params["items[0][price_data][recurring][interval]"]
        new_amount = int(params["items[0][price_data][unit_amount]"])
        end = (
            old_end
            if interval == item["price"]["recurring"]["interval"]
            else now + (YEAR if interval == "year" else MONTH)
        )
        credit = old_amount * max(old_end - now, 0) // MONTH if old_end > now else 0
        credit = min(credit, old_amount)
        due = max(new_amount - credit, 0)
        item.update(
            current_period_end=end,
            price={
                "unit_amount": new_amount,
                "product": params["items[0][price_data][product]"],
                "recurring": {"interval": interval},
            },
        )
        intent = self._new("pi", {"object": "payment_intent", "amount": due, "status": "succeeded"})
        invoice = self._new(
            "in",
            {
                "object": "invoice",
                "billing_reason": "subscription_update",
                "customer": subscription["customer"],
                "subscription": subscription["id"],
                "status": "paid",
                "amount_due": due,
                "amount_paid": due,
                "lines": {
                    "data": [
                        {"amount": -credit, "period": {"start": now, "end": old_end}},
                        {"amount": new_amount, "period": {"start": now, "end": end}},
                    ]
                },
                "status_transitions": {"paid_at": now},
                "subscription_details": {"metadata": subscription["metadata"]},
                "payment_intent": intent["id"],
            },
        )
        return {**subscription, "latest_invoice": invoice}

    def _refund(self, params):
        intent = self.objects[params["payment_intent"]]
        amount = int(params["amount"])
        intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount
        return self._new(
            "re",
            {
                "object": "refund",
                "payment_intent": params["payment_intent"],
                "amount": amount,
                "status": "succeeded",
            },
        )

    def _pay_invoice(self, invoice_id):
        invoice = self.objects[invoice_id]
        invoice.update(
            status="paid",
            amount_paid=invoice["amount_due"],
            status_transitions={"paid_at": int(time.time())},
        )
        self.objects[invoice["subscription"]]["status"] = "active"
        return invoice

    def add_invoice_payment(self, *, invoice: str, payment_intent: str, status="paid") -> dict:
        """The InvoicePayment that maps a PaymentIntent to the invoice it paid (Stripe makes
        one per payment attempt of an invoice, from API version 2025-03-31.basil on)."""
        return self._new(
            "inpay",
            {
                "object": "invoice_payment",
                "invoice": invoice,
                "status": status,
                "is_default": True,
                "payment": {"type": "payment_intent", "payment_intent": payment_intent},
            },
        )

    def _invoice_payments(self, params):
        """`GET /v1/invoice_payments`, filtered by invoice or by payment, newest first."""
        found = [
            payment
            for payment in reversed(list(self.objects.values()))
            if payment.get("object") == "invoice_payment"
            and params.get("invoice", payment["invoice"]) == payment["invoice"]
            and params.get("payment[payment_intent]", payment["payment"]["payment_intent"])
            == payment["payment"]["payment_intent"]
        ]
        limit = int(params.get("limit", 10))
        return {
            "object": "list",
            "url": "/v1/invoice_payments",
            "has_more": len(found) > limit,
            "data": found[:limit],
        }

    def lookups(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path and r["method"] == "get"]

    def refunds(self) -> list[dict]:
        return self.created("/v1/refunds")


class _Declined(Exception):
    pass


class _Refused(Exception):
    pass


def _answering_errors(request, method, url, headers, post_data=None, **kwargs):
    try:
        return request(method, url, headers, post_data, **kwargs)
    except _Declined:
        return json.dumps(CARD_DECLINED), 402, {}
    except _Refused as exc:
        error = {"error": {"type": "invalid_request_error", "message": str(exc)}}
        return json.dumps(error), 400, {}


@pytest.fixture
def billing_peer(stripe_settings, monkeypatch):
    peer = BillingPeer()
    monkeypatch.setattr(peer, "request", functools.partial(_answering_errors, peer.request))
    monkeypatch.setattr(
        stripe, "StripeClient", functools.partial(stripe.StripeClient, http_client=peer)
    )
    return peer


def stripe_membership(*, client, user, plan, peer, post):
    """Check out `plan` on Stripe as `user` (signed in), pay the first invoice and deliver its
    signed `invoice.paid`: the Stripe membership as checkout and its event leave it."""
    client.force_login(user)
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    client.post(reverse("shop:checkout"))
    order = Order.objects.get(user=user)
    post(event("invoice.paid", peer.pay(order.gateway_reference)))
    return Membership.objects.get(user=user)
