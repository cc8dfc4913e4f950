"""Stripe: PaymentIntents confirmed in the browser by the Payment Element, events by webhook.

The only module that imports `stripe`. Provider objects become `shop.payments.base`
dataclasses here; nothing else handles them.
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import stripe

from shop.exceptions import GatewayError
from shop.payments.base import (
    InvoiceState,
    PaymentGateway,
    PaymentRequest,
    PaymentState,
    PaymentStatus,
    PlanChangeRequest,
    PlanChangeState,
    RefundState,
    RefundStatus,
    SetupState,
    SetupStatus,
    SubscriptionRequest,
    SubscriptionState,
    SubscriptionStatus,
    WebhookEvent,
    WebhookInvalid,
)

# Stripe's own default: events older than five minutes are treated as replays.
SIGNATURE_TOLERANCE_SECONDS = 300

# The subscription is created on the last API version whose invoices carry `payment_intent`
# (later ones replaced it with `confirmation_secret`), so the first invoice's PaymentIntent
# can be expanded and confirmed on our page like a course order's.
SUBSCRIPTION_API_VERSION = "2025-02-24.acacia"


class StripeGateway(PaymentGateway):
    """On-site card payments through a PaymentIntent per order.

    Only the fields the flow needs are sent (amount, currency, payment_method_types,
    metadata.order_number): confirmation happens in the browser, so the server never
    sees card details.
    """

    name = "stripe"
    payment_url_name = "shop:stripe_payment"
    subscribes_at_provider = True

    def __init__(self, *, secret_key: str, api_base: str = "", webhook_secret: str = ""):
        self.webhook_secret = webhook_secret
        base_addresses = {"api": api_base} if api_base else None
        # One attempt, no retries: a checkout request should fail fast rather than hang.
        self.client = stripe.StripeClient(
            secret_key, base_addresses=base_addresses, max_network_retries=0
        )

    def create_payment(self, request: PaymentRequest) -> PaymentState:
        params = {
            "amount": request.amount_cents,
            "currency": request.currency.lower(),
            "payment_method_types": ["card"],
            "metadata": {"order_number": request.order_number},
        }
        try:
            intent = self.client.v1.payment_intents.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to create a payment: {exc}") from exc
        return payment_state_from_intent(intent.to_dict())

    def retrieve_payment(self, reference: str) -> PaymentState:
        if reference.startswith("seti_"):
            # A free trial's checkout: its $0 first invoice saves the card instead of paying.
            return self.retrieve_card_update(reference).as_payment()
        try:
            intent = self.client.v1.payment_intents.retrieve(reference)
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe could not find payment {reference}: {exc}") from exc
        return payment_state_from_intent(intent.to_dict())

    def cancel_payment(self, reference: str) -> PaymentState:
        try:
            intent = self.client.v1.payment_intents.cancel(reference)
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to cancel payment {reference}: {exc}") from exc
        return payment_state_from_intent(intent.to_dict())

    def refund_payment(
        self, *, reference: str, amount_cents: int, idempotency_key: str
    ) -> RefundState:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": reference, "amount": amount_cents},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to refund payment {reference}: {exc}") from exc
        return refund_state_from_refund(refund.to_dict(), payment_reference=reference)

    def create_subscription(self, request: SubscriptionRequest) -> SubscriptionState:
        """A Stripe Subscription, incomplete until its first invoice's PaymentIntent is paid.

        Creates the plan's Product (unless `plan_product` names it) and the Customer (unless
        `customer` names one), then the Subscription: price_data at `recurring_cents` per
        interval, and the first invoice brought to `first_cents` by a one-off coupon (a
        first-period discount or a gift card amount) or a one-off invoice item. Every create
        carries a key derived from the request's, so a repeated request makes one of each.
        """
        key = request.idempotency_key
        currency = request.currency.lower()
        try:
            product = request.plan_product or self._create(
                "products", {"name": request.plan_name}, key=f"{key}-product"
            )
            customer = request.customer or self._create(
                "customers",
                {"email": request.email, "metadata": {"order_number": request.order_number}},
                key=f"{key}-customer",
            )
            params: dict[str, Any] = {
                "customer": customer,
                "items": [
                    {
                        "price_data": {
                            "currency": currency,
                            "product": product,
                            "unit_amount": request.recurring_cents,
                            "recurring": {"interval": request.interval},
                        }
                    }
                ],
                "payment_behavior": "default_incomplete",
                "payment_settings": {"save_default_payment_method": "on_subscription"},
                "metadata": {"order_number": request.order_number},
                # A $0 first invoice (a trial) has no PaymentIntent: Stripe opens a
                # SetupIntent for the card instead, confirmed on our page all the same.
                "expand": ["latest_invoice.payment_intent", "pending_setup_intent"],
            }
            if request.trial_days:
                params["trial_period_days"] = request.trial_days
            first_off = request.recurring_cents - request.first_cents
            if first_off > 0 and not request.trial_days:
                coupon = self._create(
                    "coupons",
                    {"amount_off": first_off, "currency": currency, "duration": "once"},
                    key=f"{key}-coupon",
                )
                params["discounts"] = [{"coupon": coupon}]
            elif first_off < 0 and not request.trial_days:
                params["add_invoice_items"] = [
                    {
                        "price_data": {
                            "currency": currency,
                            "product": product,
                            "unit_amount": -first_off,
                        }
                    }
                ]
            subscription = self.client.v1.subscriptions.create(
                params=params,
                options={"idempotency_key": key, "stripe_version": SUBSCRIPTION_API_VERSION},
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to open the membership: {exc}") from exc
        data = subscription.to_dict()
        intent = (data.get("latest_invoice") or {}).get("payment_intent")
        setup = data.get("pending_setup_intent")
        state = subscription_state_from_subscription(data)
        payment = payment_state_from_intent(intent) if isinstance(intent, dict) else None
        setup_state = setup_state_from_intent(setup) if isinstance(setup, dict) else None
        if payment is None and setup_state is not None:
            payment = setup_state.as_payment(order_number=request.order_number)
        return SubscriptionState(
            reference=state.reference,
            customer=state.customer or customer,
            status=state.status,
            current_period_end=state.current_period_end,
            order_number=request.order_number,
            product=product,
            payment=payment,
            setup=setup_state,
        )

    def cancel_subscription(self, *, reference: str, at_period_end: bool) -> SubscriptionState:
        """Stop renewing at the period's end (True) or resume renewing (False), as the
        membership's "cancel at period end" switch asks; access runs to the period end."""
        try:
            subscription = self.client.v1.subscriptions.update(
                reference, params={"cancel_at_period_end": at_period_end}
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to change subscription {reference}: {exc}") from exc
        return subscription_state_from_subscription(subscription.to_dict())

    def change_subscription_plan(self, request: PlanChangeRequest) -> PlanChangeState:
        """Move the subscription's one item to the new plan's price (price_data on the plan's
        Product, created with a key from the request's when new), prorated with
        `always_invoice`: the unused part of the current period is credited and the
        difference charged now, from the default card. `error_if_incomplete`: a declined
        charge refuses the whole change (GatewayError), so nothing changes on either side.
        """
        key = request.idempotency_key
        try:
            product = request.plan_product or self._create(
                "products", {"name": request.plan_name}, key=f"{key}-product"
            )
            current = self.client.v1.subscriptions.retrieve(
                request.subscription, options={"stripe_version": SUBSCRIPTION_API_VERSION}
            ).to_dict()
            item = current["items"]["data"][0]["id"]
            subscription = self.client.v1.subscriptions.update(
                request.subscription,
                params={
                    "items": [
                        {
                            "id": item,
                            "price_data": {
                                "currency": request.currency.lower(),
                                "product": product,
                                "unit_amount": request.price_cents,
                                "recurring": {"interval": request.interval},
                            },
                        }
                    ],
                    "proration_behavior": "always_invoice",
                    "payment_behavior": "error_if_incomplete",
                    "expand": ["latest_invoice"],
                },
                options={"idempotency_key": key, "stripe_version": SUBSCRIPTION_API_VERSION},
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to change the plan: {exc}") from exc
        data = subscription.to_dict()
        invoice = data.get("latest_invoice")
        return PlanChangeState(
            subscription=subscription_state_from_subscription(data),
            product=product,
            invoice=invoice_state_from_invoice(invoice) if isinstance(invoice, dict) else None,
        )

    def refund_subscription_invoice(
        self, *, reference: str, amount_cents: int, idempotency_key: str
    ) -> RefundState:
        """Refund the invoice's PaymentIntent (looked up on the invoice, pinned API version)."""
        intent = self.retrieve_subscription_invoice(reference=reference).payment_reference
        if not intent:
            raise GatewayError(f"Stripe invoice {reference} has no payment to refund.")
        return self.refund_payment(
            reference=intent, amount_cents=amount_cents, idempotency_key=idempotency_key
        )

    def end_subscription(self, *, reference: str) -> SubscriptionState:
        try:
            subscription = self.client.v1.subscriptions.cancel(
                reference, params={"prorate": False, "invoice_now": False}
            )
        except stripe.InvalidRequestError as exc:
            # Stripe refuses to cancel a canceled subscription: then it is as we asked.
            state = self._retrieve_subscription(reference)
            if state.status != "canceled":
                raise GatewayError(f"Stripe refused to end {reference}: {exc}") from exc
            return state
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to end {reference}: {exc}") from exc
        return subscription_state_from_subscription(subscription.to_dict())

    def _retrieve_subscription(self, reference: str) -> SubscriptionState:
        try:
            subscription = self.client.v1.subscriptions.retrieve(reference)
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe could not find {reference}: {exc}") from exc
        return subscription_state_from_subscription(subscription.to_dict())

    def start_card_update(self, *, customer: str, subscription: str, key: str) -> SetupState:
        """A SetupIntent for the customer, `usage="off_session"` (renewals charge it without
        the customer present), card only, naming the subscription it is for."""
        try:
            intent = self.client.v1.setup_intents.create(
                params={
                    "customer": customer,
                    "usage": "off_session",
                    "payment_method_types": ["card"],
                    "metadata": {"subscription": subscription},
                },
                options={"idempotency_key": key},
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused to open a card update: {exc}") from exc
        return setup_state_from_intent(intent.to_dict())

    def retrieve_card_update(self, reference: str) -> SetupState:
        try:
            intent = self.client.v1.setup_intents.retrieve(reference)
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe could not find {reference}: {exc}") from exc
        return setup_state_from_intent(intent.to_dict())

    def set_default_card(self, *, customer: str, subscription: str, payment_method: str) -> None:
        """The customer's invoice default and the subscription's default payment method."""
        try:
            self.client.v1.customers.update(
                customer,
                params={"invoice_settings": {"default_payment_method": payment_method}},
            )
            if subscription:
                self.client.v1.subscriptions.update(
                    subscription, params={"default_payment_method": payment_method}
                )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe refused the new card for {customer}: {exc}") from exc

    def invoice_for_payment(self, *, reference: str) -> str:
        """The invoice a PaymentIntent paid, from its InvoicePayment (`GET /v1/invoice_payments`
        by payment intent): from API version 2025-03-31.basil on, neither the Charge nor the
        Invoice names the other, and this mapping is what Stripe offers instead. A paid
        InvoicePayment is preferred to an open or canceled attempt."""
        try:
            listed = self.client.v1.invoice_payments.list(
                params={
                    "payment": {"type": "payment_intent", "payment_intent": reference},
                    "limit": 10,
                }
            ).to_dict()
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe could not find the invoice of {reference}: {exc}") from exc
        payments = listed.get("data") or []
        payments.sort(key=lambda payment: payment.get("status") != "paid")
        invoice = payments[0].get("invoice") if payments else ""
        return (invoice.get("id", "") if isinstance(invoice, dict) else invoice) or ""

    def retrieve_subscription_invoice(self, *, reference: str) -> InvoiceState:
        """The invoice on the pinned API version, which names its PaymentIntent."""
        try:
            invoice = self.client.v1.invoices.retrieve(
                reference, options={"stripe_version": SUBSCRIPTION_API_VERSION}
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe could not find invoice {reference}: {exc}") from exc
        return invoice_state_from_invoice(invoice.to_dict())

    def retry_subscription_invoice(self, *, reference: str, key: str) -> InvoiceState:
        """`Invoice.pay` with the (new) default card; a decline is a GatewayError."""
        try:
            invoice = self.client.v1.invoices.pay(
                reference,
                options={"idempotency_key": key, "stripe_version": SUBSCRIPTION_API_VERSION},
            )
        except stripe.StripeError as exc:
            raise GatewayError(f"Stripe could not charge invoice {reference}: {exc}") from exc
        return invoice_state_from_invoice(invoice.to_dict())

    def _create(self, resource: str, params: dict, *, key: str) -> str:
        created = getattr(self.client.v1, resource).create(
            params=params, options={"idempotency_key": key}
        )
        return created.id

    @property
    def receives_webhooks(self) -> bool:
        return bool(self.webhook_secret)

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify the `Stripe-Signature` header against our endpoint secret, then read it."""
        if not self.webhook_secret:
            raise WebhookInvalid("No Stripe webhook secret is configured.")
        return _parse_signed_event(
            payload=payload,
            signature=headers.get("Stripe-Signature", ""),
            secret=self.webhook_secret,
        )


def _charge_fields(charge: Any) -> tuple[str, int]:
    # Stripe sends `latest_charge` as an id unless expanded; localstripe always sends the object.
    if isinstance(charge, dict):
        return charge.get("id", ""), int(charge.get("amount_refunded") or 0)
    return charge or "", 0


def payment_state_from_intent(intent: dict) -> PaymentState:
    """A PaymentIntent (as a plain dict) as the store's `PaymentState`."""
    status: PaymentStatus
    error = intent.get("last_payment_error") or {}
    if intent["status"] == "succeeded":
        status = "succeeded"
    elif intent["status"] == "canceled":
        status = "canceled"
    elif intent["status"] == "requires_payment_method" and error:
        status = "failed"
    else:
        status = "pending"
    charge, refunded = _charge_fields(intent.get("latest_charge"))
    return PaymentState(
        reference=intent["id"],
        status=status,
        amount_cents=int(intent["amount"]),
        client_secret=intent.get("client_secret") or "",
        charge=charge,
        amount_refunded_cents=refunded,
        failure_message=error.get("message") or "",
        order_number=(intent.get("metadata") or {}).get("order_number", ""),
    )


def refund_state_from_refund(refund: dict, *, payment_reference: str) -> RefundState:
    """A Refund (as a plain dict) as the store's `RefundState`.

    Stripe's `requires_action` is still on its way (pending); `canceled` returned nothing.
    """
    status: RefundStatus
    if refund.get("status") == "succeeded":
        status = "succeeded"
    elif refund.get("status") in ("failed", "canceled"):
        status = "failed"
    else:
        status = "pending"
    return RefundState(
        reference=refund["id"],
        payment_reference=refund.get("payment_intent") or payment_reference,
        amount_cents=int(refund["amount"]),
        status=status,
    )


def _id(value: Any) -> str:
    # An expandable field: an id, or the object when expanded.
    return (value.get("id", "") if isinstance(value, dict) else value) or ""


def payment_state_from_charge(charge: dict) -> PaymentState:
    """A Charge (from `charge.refunded`) as the `PaymentState` of its PaymentIntent. Its
    `invoice` is there before API version 2025-03-31.basil only (see `invoice_for_payment`)."""
    return PaymentState(
        reference=_id(charge.get("payment_intent")),
        status="succeeded",
        amount_cents=int(charge["amount"]),
        charge=charge["id"],
        amount_refunded_cents=int(charge.get("amount_refunded") or 0),
        order_number=(charge.get("metadata") or {}).get("order_number", ""),
        customer=_id(charge.get("customer")),
        invoice=_id(charge.get("invoice")),
    )


def payment_state_from_dispute(dispute: dict) -> PaymentState:
    """A Dispute (from `charge.dispute.*`) as the `PaymentState` of the disputed payment."""
    charge, _ = _charge_fields(dispute.get("charge"))
    intent = dispute.get("payment_intent") or ""
    return PaymentState(
        reference=intent.get("id", "") if isinstance(intent, dict) else intent,
        status="succeeded",
        amount_cents=int(dispute["amount"]),
        charge=charge,
    )


SETUP_STATUSES: dict[str, SetupStatus] = {"succeeded": "succeeded", "canceled": "canceled"}


def setup_state_from_intent(intent: dict) -> SetupState:
    """A SetupIntent (as a plain dict) as the store's `SetupState`; one that needs a new
    payment method after an error has failed."""
    error = intent.get("last_setup_error") or {}
    status = SETUP_STATUSES.get(intent.get("status", ""), "pending")
    if intent.get("status") == "requires_payment_method" and error:
        status = "failed"
    method = intent.get("payment_method") or ""
    customer = intent.get("customer") or ""
    return SetupState(
        reference=intent["id"],
        customer=customer.get("id", "") if isinstance(customer, dict) else customer,
        status=status,
        client_secret=intent.get("client_secret") or "",
        payment_method=method.get("id", "") if isinstance(method, dict) else method,
        subscription=(intent.get("metadata") or {}).get("subscription", ""),
        failure_message=error.get("message") or "",
    )


def _timestamp(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


# Stripe's subscription statuses as a membership's.
SUBSCRIPTION_STATUSES: dict[str, SubscriptionStatus] = {
    "incomplete": "incomplete",
    "incomplete_expired": "canceled",
    "trialing": "trialing",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "paused": "past_due",
    "canceled": "canceled",
}


def subscription_state_from_subscription(subscription: dict) -> SubscriptionState:
    """A Subscription (as a plain dict) as the store's `SubscriptionState`.

    The period end is on the subscription in older API versions and on its item in newer ones.
    """
    items = (subscription.get("items") or {}).get("data") or [{}]
    period_end = subscription.get("current_period_end") or items[0].get("current_period_end")
    customer = subscription.get("customer") or ""
    price = items[0].get("price") or {}
    product = price.get("product") or ""
    return SubscriptionState(
        reference=subscription["id"],
        customer=customer.get("id", "") if isinstance(customer, dict) else customer,
        status=SUBSCRIPTION_STATUSES.get(subscription.get("status", ""), "incomplete"),
        current_period_end=_timestamp(period_end),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        canceled_at=_timestamp(subscription.get("canceled_at") or subscription.get("ended_at")),
        order_number=(subscription.get("metadata") or {}).get("order_number", ""),
        product=product.get("id", "") if isinstance(product, dict) else product,
        price_cents=int(price["unit_amount"]) if price.get("unit_amount") is not None else None,
        interval=(price.get("recurring") or {}).get("interval", ""),
    )


def invoice_state_from_invoice(invoice: dict, *, failed: bool = False) -> InvoiceState:
    """An Invoice (as a plain dict) as the store's `InvoiceState`: the period is its line's
    (the service period it pays for), the subscription as older or newer API versions put it."""
    lines = (invoice.get("lines") or {}).get("data") or [{}]
    line = lines[0]
    if invoice.get("billing_reason") == "subscription_update":
        # A plan change's proration: the credit for the unused old plan and the new plan's
        # charge; the period paid for is the new plan's (the first line charging money).
        line = next((item for item in lines if int(item.get("amount") or 0) > 0), line)
    period = line.get("period") or {}
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    subscription = invoice.get("subscription") or details.get("subscription") or ""
    # Null on an invoice no subscription made (one from the dashboard); basil moved it to `parent`.
    metadata = (invoice.get("subscription_details") or details).get("metadata") or {}
    paid = invoice.get("status") == "paid"
    intent = invoice.get("payment_intent") or ""
    return InvoiceState(
        reference=invoice["id"],
        subscription=subscription.get("id", "") if isinstance(subscription, dict) else subscription,
        customer=str(invoice.get("customer") or ""),
        status="paid" if paid else ("failed" if failed else "open"),
        amount_cents=int(invoice.get("amount_paid") if paid else invoice.get("amount_due") or 0),
        period_start=_timestamp(period.get("start") or invoice.get("period_start")),
        period_end=_timestamp(period.get("end") or invoice.get("period_end")),
        paid_at=_timestamp((invoice.get("status_transitions") or {}).get("paid_at")),
        receipt_url=invoice.get("hosted_invoice_url") or "",
        order_number=metadata.get("order_number", ""),
        payment_reference=intent.get("id", "") if isinstance(intent, dict) else intent,
    )


def _parse_signed_event(*, payload: bytes, signature: str, secret: str) -> WebhookEvent:
    """Verify `Stripe-Signature` against the endpoint secret, then read the event.

    Raises WebhookInvalid for anything that is not a fresh event signed with `secret`.
    """
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
        obj = event["data"]["object"]
        dispute_status = ""
        subscription, invoice, setup = None, None, None
        if obj.get("object") == "setup_intent":
            setup = setup_state_from_intent(obj)
        if obj.get("object") == "subscription":
            subscription = subscription_state_from_subscription(obj)
        elif obj.get("object") == "invoice":
            invoice = invoice_state_from_invoice(
                obj, failed=event["type"] == "invoice.payment_failed"
            )
        if obj.get("object") == "charge":
            payment = payment_state_from_charge(obj)
        elif obj.get("object") == "payment_intent":
            payment = payment_state_from_intent(obj)
        elif obj.get("object") == "dispute":
            payment = payment_state_from_dispute(obj)
            dispute_status = str(obj.get("status") or "")
        else:
            payment = PaymentState(reference="", status="pending", amount_cents=0)
        return WebhookEvent(
            id=event["id"],
            type=event["type"],
            payment=payment,
            dispute_status=dispute_status,
            created=_timestamp(event.get("created")),
            subscription=subscription,
            invoice=invoice,
            setup=setup,
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookInvalid(str(exc)) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise WebhookInvalid(f"Not a Stripe event: {exc}") from exc
