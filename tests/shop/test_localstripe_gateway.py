"""The Stripe gateway's cancel and refund calls, over real HTTP against localstripe.

No database and no webhooks here: only what the gateway sends and how it reads the answer.
"""

import pytest

from shop.exceptions import GatewayError
from shop.payments.base import PaymentRequest
from shop.payments.stripe_gateway import StripeGateway
from tests.shop.conftest import localstripe_request


@pytest.fixture
def gateway(localstripe_base):
    localstripe_request(localstripe_base, "DELETE", "/_config/data")
    return StripeGateway(secret_key="sk_test_localstripe", api_base=localstripe_base)


def _open_payment(gateway, number="CH-1", amount_cents=14900):
    return gateway.create_payment(
        PaymentRequest(
            order_number=number,
            amount_cents=amount_cents,
            currency="USD",
            idempotency_key=f"order-{number}",
        )
    )


def _pay(base, reference):
    path = f"/v1/payment_intents/{reference}"
    localstripe_request(base, "POST", path, {"payment_method": "pm_card_visa"})
    return localstripe_request(base, "POST", path + "/confirm", {})


def test_canceling_an_open_payment_intent_leaves_it_canceled_and_unpayable(
    gateway, localstripe_base
):
    payment = _open_payment(gateway)
    state = gateway.cancel_payment(payment.reference)
    assert (state.reference, state.status) == (payment.reference, "canceled")
    intent = localstripe_request(
        localstripe_base, "GET", f"/v1/payment_intents/{payment.reference}"
    )
    assert intent["status"] == "canceled"
    assert "error" in _pay(localstripe_base, payment.reference)
    assert gateway.retrieve_payment(payment.reference).status == "canceled"


def test_canceling_a_payment_that_already_succeeded_is_a_gateway_error(gateway, localstripe_base):
    payment = _open_payment(gateway)
    _pay(localstripe_base, payment.reference)
    with pytest.raises(GatewayError):
        gateway.cancel_payment(payment.reference)


def test_a_refund_returns_the_amount_from_the_payments_charge(gateway, localstripe_base):
    payment = _open_payment(gateway)
    _pay(localstripe_base, payment.reference)
    refund = gateway.refund_payment(
        reference=payment.reference, amount_cents=4900, idempotency_key="refund-CH-1"
    )
    assert refund.reference.startswith("re_")
    assert (refund.payment_reference, refund.amount_cents, refund.status) == (
        payment.reference,
        4900,
        "succeeded",
    )
    charge = gateway.retrieve_payment(payment.reference).charge
    assert (
        localstripe_request(localstripe_base, "GET", f"/v1/charges/{charge}")["amount_refunded"]
        == 4900
    )


def test_refunding_an_unpaid_payment_is_a_gateway_error(gateway):
    payment = _open_payment(gateway)
    with pytest.raises(GatewayError):
        gateway.refund_payment(
            reference=payment.reference, amount_cents=100, idempotency_key="refund-CH-1"
        )
