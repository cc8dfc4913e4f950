"""localstripe taught the Stripe Billing our gateway asks for, and a test clock.

Runs in localstripe's own process (`python -m tests.shop.localstripe_billing <port> <state>`,
started by the `localstripe_billing_base` fixture). localstripe finds the class of an id
through StripeObject's direct subclasses, so its classes are patched in place, never
subclassed. Each patch moves localstripe 1.15 toward Stripe's documented behaviour, where
it lacks what the gateway sends or reads:

- Subscription create: `items[].price_data` (an inline price; a Plan here), `payment_settings`
  (`save_default_payment_method=on_subscription`: the card that pays the first invoice becomes
  the subscription's default), `payment_behavior=default_incomplete` (the first invoice is
  finalized with an open PaymentIntent for the customer to confirm, not charged at once), and
  `pending_setup_intent` (None: there is no trial here).
- Subscription items carry `price` (product, unit_amount, recurring.interval) besides `plan`.
- Invoices carry `billing_reason` and `subscription_details.metadata`; a paid one sends
  `invoice.paid` after `invoice.payment_succeeded` ($0 ones too), a declined charge
  `invoice.payment_failed` (localstripe sends neither), and a subscription whose status
  moves with them `customer.subscription.updated`.
- `Invoice.pay` charges the subscription's default payment method before the customer's,
  and answers a decline with 402 `card_declined`.
- Subscription update: `default_payment_method`; `items[0].price_data` of another interval
  credits the unused time of the current period only (localstripe credits every earlier
  invoice), starts a new period now and invoices at once (`always_invoice`); every update
  sends `customer.subscription.updated`.
- The test clock, `POST /_test/subscriptions/{id}/advance` [payment_method]: the current
  period ends now. The subscription renews (a `subscription_cycle` invoice for the next
  period, charged from its default card, or from `payment_method` when given), or ends
  (`customer.subscription.deleted`) when it was canceled at the period's end.
"""

import sys
import time

from localstripe import resources, server
from localstripe.errors import UserError
from localstripe.resources import (
    Customer,
    Event,
    Invoice,
    InvoiceItem,
    List,
    PaymentIntent,
    PaymentMethod,
    Plan,
    Subscription,
    SubscriptionItem,
)
from localstripe.webhooks import schedule_webhook

from tests.shop import localstripe_server

CLOCK_URL = "/_test/subscriptions/{id}/advance"


def _plan_for(price_data: dict) -> str:
    """An inline price as the Plan localstripe bills (a new one each time, as Stripe makes a
    new Price for each `price_data`)."""
    try:
        recurring = price_data["recurring"]
        return Plan(
            amount=int(price_data["unit_amount"]),
            currency=price_data["currency"],
            product=price_data["product"],
            interval=recurring["interval"],
        ).id
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(400, f"Bad price_data: {exc}") from exc


def _items_with_plans(items):
    if items is None:
        return None
    converted = []
    for item in items:
        item = dict(item)
        if "price_data" in item:
            item["plan"] = _plan_for(item.pop("price_data"))
        converted.append(item)
    return converted


_original_init = Subscription.__init__


def _subscription_init(
    self,
    customer=None,
    items=None,
    payment_behavior="allow_incomplete",
    payment_settings=None,
    discounts=None,
    add_invoice_items=None,
    default_payment_method=None,
    **kwargs,
):
    if discounts or add_invoice_items:
        raise UserError(500, "Not implemented here: discounts, add_invoice_items")
    settings = payment_settings or {}
    # Read by `_create_invoice`, which the original constructor calls.
    self._default_incomplete = payment_behavior == "default_incomplete"
    self._save_default = settings.get("save_default_payment_method") == "on_subscription"
    self.default_payment_method = default_payment_method
    self.pending_setup_intent = None
    if self._default_incomplete:
        payment_behavior = "allow_incomplete"
    _original_init(
        self,
        customer=customer,
        items=_items_with_plans(items),
        payment_behavior=payment_behavior,
        **kwargs,
    )


def _pending_items(subscription) -> list:
    pending = InvoiceItem._api_list_all(None, customer=subscription.customer, limit=99)._list
    return [item for item in pending if item.invoice is None] + list(subscription.items._list)


def _create_invoice(self, billing_reason="subscription_create"):
    invoice = Invoice(
        customer=self.customer,
        subscription=self.id,
        items=_pending_items(self),
        date=self.current_period_start,
    )
    invoice.billing_reason = billing_reason
    invoice._finalize()
    if invoice.status == "paid":  # $0: nothing to charge, paid all the same
        invoice._on_payment_success()
    elif billing_reason == "subscription_create" and self._default_incomplete:
        intent = PaymentIntent(
            amount=invoice.total, currency=invoice.currency, customer=self.customer
        )
        intent.invoice = invoice.id
        invoice.payment_intent = intent.id
    else:
        try:
            Invoice._api_pay_invoice(invoice.id)
        except UserError:
            if billing_reason != "subscription_cycle":
                raise
            # A declined renewal: the invoice stays open, the subscription past due.
    return invoice


def _default_payment_method(invoice) -> str | None:
    if invoice.subscription:
        subscription = Subscription._api_retrieve(invoice.subscription)
        if getattr(subscription, "default_payment_method", None):
            return subscription.default_payment_method
    method = Customer._api_retrieve(invoice.customer)._get_default_payment_method_or_source()
    return method.id if method is not None else None


def _subscription_of(invoice):
    return Subscription._api_retrieve(invoice.subscription) if invoice.subscription else None


def _pay_invoice(cls, id, **kwargs):
    invoice = Invoice._api_retrieve(id)
    if invoice.status == "paid":
        raise UserError(400, "Invoice is already paid")
    if invoice.status not in ("draft", "open"):
        raise UserError(400, "Bad request")
    invoice._draft = False
    if invoice.total <= 0:
        invoice._on_payment_success()
        return invoice
    method = _default_payment_method(invoice)
    if method is None:
        raise UserError(404, "This customer has no payment method")
    intent = PaymentIntent(
        amount=invoice.total,
        currency=invoice.currency,
        customer=invoice.customer,
        payment_method=method,
    )
    invoice.payment_intent = intent.id
    intent.invoice = invoice.id
    declined = []
    intent._confirm(on_failure_now=lambda: declined.append(True))
    if declined:
        subscription = _subscription_of(invoice)
        before = subscription.status if subscription else None
        schedule_webhook(Event("payment_intent.payment_failed", intent))
        invoice._on_payment_failure_now()
        if subscription is not None and subscription.status != before:
            schedule_webhook(Event("customer.subscription.updated", subscription))
        raise UserError(402, "Your card was declined.", {"code": "card_declined"})
    return invoice


_original_payment_success = Invoice._on_payment_success


def _invoice_paid(self):
    subscription = _subscription_of(self)
    before = subscription.status if subscription else None
    saves = subscription is not None and getattr(subscription, "_save_default", False)
    if saves and self.payment_intent and not subscription.default_payment_method:
        intent = PaymentIntent._api_retrieve(self.payment_intent)
        subscription.default_payment_method = intent.payment_method
    _original_payment_success(self)
    schedule_webhook(Event("invoice.paid", self))
    if subscription is not None and subscription.status != before:
        schedule_webhook(Event("customer.subscription.updated", subscription))


def _subscription_details(self):
    if not self.subscription:
        return None
    subscription = resources.store.get("subscription:" + self.subscription)
    return {"metadata": dict(subscription.metadata) if subscription else {}}


def _price(self):
    plan = self.plan
    return {
        "id": plan.id,
        "object": "price",
        "type": "recurring",
        "product": plan.product,
        "unit_amount": plan.amount,
        "currency": plan.currency,
        "recurring": {"interval": plan.interval, "interval_count": plan.interval_count},
    }


_original_update = Subscription._update


def _switch_plan(subscription, plan_id: str) -> None:
    """Stripe's `always_invoice` proration onto a price of another interval: the unused part
    of the current period is credited, the new period starts now and is invoiced at once."""
    old, new = subscription.plan, Plan._api_retrieve(plan_id)
    if (old.interval, old.interval_count) == (new.interval, new.interval_count):
        raise UserError(500, "Not implemented here: a switch within the same interval")
    now = int(time.time())
    period = subscription.items._list[0]._current_period()
    span = period["end"] - period["start"]
    used = min(max(now - period["start"], 0), span)
    unused = old.amount * (span - used) // span if span > 0 else 0
    if unused:
        InvoiceItem(
            amount=-unused,
            currency=old.currency,
            proration=True,
            description="Unused time",
            subscription=subscription.id,
            plan=old.id,
            customer=subscription.customer,
            period_start=now,
            period_end=max(period["end"], now),
        )
    subscription.items = List("/v1/subscription_items?subscription=" + subscription.id)
    subscription.items._list.append(SubscriptionItem(subscription=subscription.id, plan=new.id))
    subscription.quantity = 1
    subscription.start_date = now
    subscription._create_invoice(billing_reason="subscription_update")


def _subscription_update(
    self,
    items=None,
    default_payment_method=None,
    proration_behavior=None,
    payment_behavior=None,
    **data,
):
    if default_payment_method is not None:
        method = PaymentMethod._api_retrieve(default_payment_method)
        self.default_payment_method = method.id
    items = _items_with_plans(items)
    if items is not None:
        if len(items) != 1 or not items[0].get("plan"):
            raise UserError(500, "Not implemented here: items other than one new price")
        if items[0]["plan"] != self.plan.id:
            _switch_plan(self, items[0]["plan"])
    if data:
        _original_update(self, **data)
    schedule_webhook(Event("customer.subscription.updated", self))


def advance_clock(id, payment_method=None, **kwargs):
    """The end of the subscription's current period: it renews or, canceled at the period's
    end, ends."""
    if kwargs:
        raise UserError(400, "Unexpected " + ", ".join(kwargs))
    subscription = Subscription._api_retrieve(id)
    if subscription.status in ("canceled", "incomplete_expired", "incomplete"):
        raise UserError(400, f"A {subscription.status} subscription does not renew")
    if subscription.cancel_at_period_end:
        return Subscription._api_delete(id)
    if payment_method is not None:
        subscription.default_payment_method = PaymentMethod._api_retrieve(payment_method).id
    subscription.start_date = subscription.current_period_end
    subscription._create_invoice(billing_reason="subscription_cycle")
    return subscription


def install() -> None:
    Subscription.__init__ = _subscription_init
    Subscription._create_invoice = _create_invoice
    Subscription._update = _subscription_update
    Invoice._api_pay_invoice = classmethod(_pay_invoice)
    Invoice._on_payment_success = _invoice_paid
    Invoice.subscription_details = property(_subscription_details)
    SubscriptionItem.price = property(_price)
    # The pay route was bound to the original at import: route it to the patch.
    for route in server.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        if info.get("formatter") == "/v1/invoices/{id}/pay":
            route._handler = server.api_extra(Invoice._api_pay_invoice, "/v1/invoices/{id}/pay")
    server.app.router.add_route("POST", CLOCK_URL, server.api_extra(advance_clock, CLOCK_URL))


if __name__ == "__main__":
    install()
    localstripe_server.main(int(sys.argv[1]), sys.argv[2])
