"""Reading Stripe's objects at the SDK boundary, in both shapes localstripe and Stripe send."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from shop.payments import get_gateway
from shop.payments.base import RefundState, WebhookInvalid
from shop.payments.local import TestGateway
from shop.payments.stripe_gateway import (
    StripeGateway,
    payment_state_from_intent,
    refund_state_from_refund,
)


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


def test_a_deployment_without_stripe_keys_never_falls_back_to_the_test_gateway(settings):
    settings.IS_PRODUCTION = True
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="STRIPE_SECRET_KEY"):
        get_gateway()


def test_a_deployment_that_opted_into_test_payments_gets_the_test_gateway(settings):
    settings.IS_PRODUCTION = True
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS = "test"
    assert isinstance(get_gateway(), TestGateway)


@pytest.mark.django_db
def test_opted_in_test_payments_put_a_warning_banner_on_every_page(settings, client, home_page):
    assert "Test payments — no money moves" not in client.get("/").content.decode()
    settings.PAYMENTS = "test"
    cache.clear()  # the setting is fixed for a process's life; the first rendering was cached
    for url in ("/", "/shop/cart/", "/accounts/login/"):
        assert "Test payments — no money moves" in client.get(url).content.decode(), url


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


def test_the_test_gateway_refunds_at_once_with_an_id_the_idempotency_key_fixes():
    refund = TestGateway().refund_payment(
        reference="test_CH-1", amount_cents=4900, idempotency_key="refund-CH-1"
    )
    assert refund == RefundState(
        reference="test_refund_refund-CH-1",
        payment_reference="test_CH-1",
        amount_cents=4900,
        status="succeeded",
    )
    again = TestGateway().refund_payment(
        reference="test_CH-1", amount_cents=4900, idempotency_key="refund-CH-1"
    )
    assert again.reference == refund.reference


def test_the_test_gateway_cancels_a_payment():
    state = TestGateway().cancel_payment("test_CH-1")
    assert (state.reference, state.status) == ("test_CH-1", "canceled")


@pytest.mark.parametrize(
    ("stripe_status", "status"),
    [
        ("succeeded", "succeeded"),
        ("pending", "pending"),
        ("requires_action", "pending"),
        ("failed", "failed"),
        ("canceled", "failed"),
    ],
)
def test_refund_statuses_map_onto_the_stores_three(stripe_status, status):
    refund = refund_state_from_refund(
        {"id": "re_1", "amount": 500, "status": stripe_status, "payment_intent": "pi_1"},
        payment_reference="pi_1",
    )
    assert refund == RefundState(
        reference="re_1", payment_reference="pi_1", amount_cents=500, status=status
    )
