"""Reading Stripe's objects at the SDK boundary, in both shapes localstripe and Stripe send."""

import pytest

from shop.payments import get_gateway
from shop.payments.base import WebhookInvalid
from shop.payments.local import TestGateway
from shop.payments.stripe_gateway import StripeGateway, payment_state_from_intent


def _intent(**fields):
    return {
        "id": "pi_1",
        "amount": 14900,
        "status": "succeeded",
        "metadata": {"order_number": "CH-1"},
        **fields,
    }


def test_latest_charge_as_an_id_is_read_as_the_charge_reference():
    state = payment_state_from_intent(_intent(latest_charge="ch_1"))
    assert (state.charge, state.amount_refunded_cents) == ("ch_1", 0)


def test_latest_charge_as_an_object_is_read_too():
    state = payment_state_from_intent(_intent(latest_charge={"id": "ch_1", "amount_refunded": 500}))
    assert (state.charge, state.amount_refunded_cents) == ("ch_1", 500)


@pytest.mark.parametrize(
    ("stripe_status", "error", "status"),
    [
        ("succeeded", None, "succeeded"),
        ("requires_payment_method", None, "pending"),
        ("requires_payment_method", {"message": "Your card was declined."}, "failed"),
        ("processing", None, "pending"),
        ("requires_action", None, "pending"),
        ("canceled", None, "canceled"),
    ],
)
def test_payment_intent_statuses_map_onto_the_stores_four(stripe_status, error, status):
    assert (
        payment_state_from_intent(_intent(status=stripe_status, last_payment_error=error)).status
        == status
    )


def test_the_order_number_comes_from_the_metadata():
    assert payment_state_from_intent(_intent()).order_number == "CH-1"


def test_without_stripe_keys_the_test_gateway_takes_payments(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert isinstance(get_gateway(), TestGateway)


def test_with_stripe_keys_the_stripe_gateway_points_at_the_configured_api_base(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    gateway = get_gateway()
    assert isinstance(gateway, StripeGateway)
    assert gateway.client._requestor.base_addresses["api"] == "http://127.0.0.1:9"


def test_only_the_test_gateway_offers_the_on_site_test_payment_page():
    assert TestGateway().offers_test_payment_page
    assert not StripeGateway(secret_key="sk_test_x").offers_test_payment_page


def test_the_test_gateway_receives_no_webhooks_and_refuses_any_event():
    gateway = TestGateway()
    assert not gateway.receives_webhooks
    with pytest.raises(WebhookInvalid):
        gateway.parse_webhook(b'{"id": "evt_1"}', {})


def test_a_stripe_gateway_receives_webhooks_only_with_an_endpoint_secret(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert not get_gateway().receives_webhooks
    with pytest.raises(WebhookInvalid):
        get_gateway().parse_webhook(b"{}", {"Stripe-Signature": "t=1,v1=x"})
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert get_gateway().receives_webhooks


def test_a_gateway_without_a_test_page_cannot_settle_a_test_payment():
    with pytest.raises(NotImplementedError):
        StripeGateway(secret_key="sk_test_x").settle_test_payment(
            reference="pi_1", amount_cents=100, approve=True
        )
