"""The demo's payment gateway: no provider, no money; the customer presses Pay or Decline."""

from shop.payments.base import PaymentGateway, PaymentRequest, PaymentState, RefundState


class TestGateway(PaymentGateway):
    """A clearly labelled stand-in for Stripe used when no Stripe keys are set.

    It keeps no state of its own: the order holds the reference and the amount, and the
    customer's button press on the test payment page settles the payment.
    """

    __test__ = False  # not a pytest test class, despite the name
    name = "test"
    payment_url_name = "shop:test_payment"
    offers_test_payment_page = True

    def create_payment(self, request: PaymentRequest) -> PaymentState:
        return PaymentState(
            reference=f"test_{request.order_number}",
            status="pending",
            amount_cents=request.amount_cents,
            order_number=request.order_number,
        )

    def retrieve_payment(self, reference: str) -> PaymentState:
        return PaymentState(reference=reference, status="pending", amount_cents=0)

    def cancel_payment(self, reference: str) -> PaymentState:
        # Nothing to close at a provider: the order's own status is what the test payment
        # page checks before it lets the customer press Pay.
        return PaymentState(reference=reference, status="canceled", amount_cents=0)

    def refund_payment(
        self, *, reference: str, amount_cents: int, idempotency_key: str
    ) -> RefundState:
        # No money moved, so none goes back: the refund succeeds at once, with an id that the
        # same idempotency key always gives.
        return RefundState(
            reference=f"test_refund_{idempotency_key}",
            payment_reference=reference,
            amount_cents=amount_cents,
            status="succeeded",
        )

    def settle_test_payment(
        self, *, reference: str, amount_cents: int, approve: bool
    ) -> PaymentState:
        if approve:
            return PaymentState(
                reference=reference,
                status="succeeded",
                amount_cents=amount_cents,
                charge=f"{reference}_charge",
            )
        return PaymentState(
            reference=reference,
            status="failed",
            amount_cents=amount_cents,
            failure_message="the test card was declined",
        )
