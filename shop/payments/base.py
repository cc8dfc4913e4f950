"""The boundary between the store and a payment provider: an interface and plain dataclasses.

Nothing outside `shop.payments` sees a provider's SDK objects; gateways translate them into
these dataclasses. Amounts are integer cents.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

PaymentStatus = Literal["pending", "succeeded", "failed", "canceled"]
RefundStatus = Literal["pending", "succeeded", "failed"]


@dataclass(frozen=True)
class PaymentRequest:
    """What to charge for one order. The idempotency key makes a repeated create one payment."""

    order_number: str
    amount_cents: int
    currency: str
    idempotency_key: str


@dataclass(frozen=True)
class PaymentState:
    """A payment as the provider sees it now."""

    reference: str
    status: PaymentStatus
    amount_cents: int
    client_secret: str = ""
    charge: str = ""
    amount_refunded_cents: int = 0
    failure_message: str = ""
    order_number: str = ""
    # A SetupIntent standing in for the payment of a $0 first invoice (a free trial): the
    # browser confirms it with `confirmSetup`, saving the card; nothing is charged.
    is_setup: bool = False
    # The provider's customer and, when the provider still names it on the payment (Stripe's
    # Charge before API version 2025-03-31.basil), the invoice this payment paid.
    customer: str = ""
    invoice: str = ""


@dataclass(frozen=True)
class RefundState:
    """A refund as the provider sees it: its own id, the payment it returns money from."""

    reference: str
    payment_reference: str
    amount_cents: int
    status: RefundStatus


SubscriptionStatus = Literal["incomplete", "trialing", "active", "past_due", "canceled"]
InvoiceStatus = Literal["open", "paid", "failed"]


@dataclass(frozen=True)
class SubscriptionRequest:
    """A membership to open at the provider: a customer for `email`, one plan item whose
    first invoice charges `first_cents` and later ones `recurring_cents`, every `interval`.
    `customer` is the provider's customer from the buyer's earlier membership, reused ("" for
    a new one)."""

    order_number: str
    email: str
    plan_name: str
    plan_product: str
    interval: str
    price_cents: int
    first_cents: int
    recurring_cents: int
    trial_days: int
    currency: str
    idempotency_key: str
    customer: str = ""


@dataclass(frozen=True)
class SubscriptionState:
    """A subscription as the provider sees it now; `payment` is its first invoice's payment
    when the provider opened one (what the Payment Element confirms)."""

    reference: str
    customer: str
    status: SubscriptionStatus
    current_period_end: datetime | None
    cancel_at_period_end: bool = False
    canceled_at: datetime | None = None
    order_number: str = ""
    product: str = ""
    payment: PaymentState | None = None
    # The plan item's recurring price as the provider bills it (None when not sent).
    price_cents: int | None = None
    interval: str = ""
    # A $0 first invoice (a free trial): the SetupIntent that saves the card instead.
    setup: "SetupState | None" = None


@dataclass(frozen=True)
class InvoiceState:
    """One charge of a subscription: the period it pays for and whether it was paid."""

    reference: str
    subscription: str
    customer: str
    status: InvoiceStatus
    amount_cents: int
    period_start: datetime
    period_end: datetime
    paid_at: datetime | None = None
    receipt_url: str = ""
    order_number: str = ""
    payment_reference: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class PlanChangeRequest:
    """Move a subscription's plan item to `price_cents` per `interval`, charging or crediting
    the prorated difference now. `plan_product` is the new plan's provider product ("" to
    create one, named `plan_name`)."""

    subscription: str
    plan_name: str
    plan_product: str
    interval: str
    price_cents: int
    currency: str
    idempotency_key: str


@dataclass(frozen=True)
class PlanChangeState:
    """The subscription after a plan change and the invoice that charged the proration
    (None when the provider raised none)."""

    subscription: SubscriptionState
    product: str
    invoice: "InvoiceState | None" = None


SetupStatus = Literal["pending", "succeeded", "failed", "canceled"]


@dataclass(frozen=True)
class SetupState:
    """A card saved for later charges (a SetupIntent) as the provider sees it now."""

    reference: str
    customer: str
    status: SetupStatus
    client_secret: str = ""
    payment_method: str = ""
    subscription: str = ""
    failure_message: str = ""

    def as_payment(self, *, order_number: str = "") -> PaymentState:
        """This card saving as the payment of a $0 first invoice's order (nothing charged)."""
        status: PaymentStatus = "pending"
        if self.status in ("succeeded", "failed", "canceled"):
            status = self.status
        return PaymentState(
            reference=self.reference,
            status=status,
            amount_cents=0,
            client_secret=self.client_secret,
            failure_message=self.failure_message,
            order_number=order_number,
            is_setup=True,
        )


@dataclass(frozen=True)
class WebhookEvent:
    """A verified provider event: its id (for de-duplication), type and the payment it concerns.

    For a dispute (chargeback) event, `dispute_status` is the provider's status of it
    ("lost", "won", …); otherwise "". Subscription and invoice events carry those objects
    and `created`, when the provider made the event (older events never undo newer ones).
    """

    id: str
    type: str
    payment: PaymentState
    dispute_status: str = ""
    created: datetime | None = None
    subscription: SubscriptionState | None = None
    invoice: InvoiceState | None = None
    setup: SetupState | None = None


class WebhookInvalid(Exception):
    """Not a fresh event signed with our secret: no, forged or stale signature, or malformed."""


class PaymentGateway(ABC):
    """Takes payments for orders. `payment_url_name` is the page where the customer pays.

    `offers_test_payment_page`: the customer settles the payment on our own test page
    (Pay / Decline) through `settle_test_payment`, and no money moves.
    """

    name: str
    payment_url_name: str
    offers_test_payment_page: bool = False

    @property
    def receives_webhooks(self) -> bool:
        """Whether this site is set up to receive the provider's signed events."""
        return False

    @abstractmethod
    def create_payment(self, request: PaymentRequest) -> PaymentState:
        """Open a payment for the order's total; repeating the same request opens no second one."""

    @abstractmethod
    def retrieve_payment(self, reference: str) -> PaymentState:
        """The payment's current state, asked of the provider (not of our database)."""

    @abstractmethod
    def cancel_payment(self, reference: str) -> PaymentState:
        """Close an open payment so it can no longer be paid; raises GatewayError if refused."""

    @abstractmethod
    def refund_payment(
        self, *, reference: str, amount_cents: int, idempotency_key: str
    ) -> RefundState:
        """Return `amount_cents` of a succeeded payment; the same key makes a repeat one refund.

        Raises GatewayError when the provider refuses or cannot be reached.
        """

    #: Memberships are billed by the provider (a subscription); otherwise the store bills
    #: renewals itself through `settle_test_payment`-style local charges (the demo).
    subscribes_at_provider: bool = False

    def create_subscription(self, request: SubscriptionRequest) -> SubscriptionState:
        """Open the membership's subscription; the same request opens no second one."""
        raise NotImplementedError(f"The {self.name} gateway bills memberships locally.")

    def cancel_subscription(self, *, reference: str, at_period_end: bool) -> SubscriptionState:
        """Stop renewing at the period's end (True) or resume renewing (False), as
        `membership_set_cancel_at_period_end` asks; raises GatewayError if refused."""
        raise NotImplementedError(f"The {self.name} gateway bills memberships locally.")

    def change_subscription_plan(self, request: PlanChangeRequest) -> PlanChangeState:
        """Switch the subscription to another plan's price, prorated and invoiced now; the
        same request changes it once. Raises GatewayError if refused (a declined card)."""
        raise NotImplementedError(f"The {self.name} gateway bills memberships locally.")

    def refund_subscription_invoice(
        self, *, reference: str, amount_cents: int, idempotency_key: str
    ) -> RefundState:
        """Return `amount_cents` of a paid subscription invoice's payment; the same key makes a
        repeat one refund. Raises GatewayError if refused."""
        raise NotImplementedError(f"The {self.name} gateway bills memberships locally.")

    def end_subscription(self, *, reference: str) -> SubscriptionState:
        """End the subscription now (no more renewals, no proration credit); ending an ended
        one changes nothing. Raises GatewayError if refused."""
        raise NotImplementedError(f"The {self.name} gateway bills memberships locally.")

    def start_card_update(self, *, customer: str, subscription: str, key: str) -> SetupState:
        """Open a SetupIntent for the customer's new card (off-session use), confirmed on our
        page; the same key opens one."""
        raise NotImplementedError(f"The {self.name} gateway saves no cards.")

    def retrieve_card_update(self, reference: str) -> SetupState:
        """The SetupIntent's current state, asked of the provider."""
        raise NotImplementedError(f"The {self.name} gateway saves no cards.")

    def set_default_card(self, *, customer: str, subscription: str, payment_method: str) -> None:
        """Make the saved card the customer's and the subscription's default (repeatable)."""
        raise NotImplementedError(f"The {self.name} gateway saves no cards.")

    def invoice_for_payment(self, *, reference: str) -> str:
        """The provider's invoice that payment `reference` paid ("" if none), asked of the
        provider; raises GatewayError when it cannot be asked."""
        return ""

    def retrieve_subscription_invoice(self, *, reference: str) -> InvoiceState:
        """The provider's subscription invoice `reference` as it is now; raises GatewayError
        when it cannot be asked."""
        raise NotImplementedError(f"The {self.name} gateway bills memberships locally.")

    def retry_subscription_invoice(self, *, reference: str, key: str) -> InvoiceState:
        """Try again to charge an open invoice with the default card (the same key charges it
        once); raises GatewayError if the card is declined."""
        raise NotImplementedError(f"The {self.name} gateway bills memberships locally.")

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify and read one provider event, or raise WebhookInvalid."""
        raise WebhookInvalid(f"The {self.name} gateway receives no webhooks.")

    def settle_test_payment(
        self, *, reference: str, amount_cents: int, approve: bool
    ) -> PaymentState:
        """The outcome of pressing Pay (approve) or Decline on the test payment page."""
        raise NotImplementedError(f"The {self.name} gateway has no test payment page.")
