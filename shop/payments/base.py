"""The boundary between the store and a payment provider: an interface and plain dataclasses.

Nothing outside `shop.payments` sees a provider's SDK objects; gateways translate them into
these dataclasses. Amounts are integer cents.
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class RefundState:
    """A refund as the provider sees it: its own id, the payment it returns money from."""

    reference: str
    payment_reference: str
    amount_cents: int
    status: RefundStatus


@dataclass(frozen=True)
class WebhookEvent:
    """A verified provider event: its id (for de-duplication), type and the payment it concerns.

    For a dispute (chargeback) event, `dispute_status` is the provider's status of it
    ("lost", "won", …); otherwise "".
    """

    id: str
    type: str
    payment: PaymentState
    dispute_status: str = ""


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

    def parse_webhook(self, payload: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify and read one provider event, or raise WebhookInvalid."""
        raise WebhookInvalid(f"The {self.name} gateway receives no webhooks.")

    def settle_test_payment(
        self, *, reference: str, amount_cents: int, approve: bool
    ) -> PaymentState:
        """The outcome of pressing Pay (approve) or Decline on the test payment page."""
        raise NotImplementedError(f"The {self.name} gateway has no test payment page.")
