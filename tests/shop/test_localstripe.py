"""Against localstripe over real HTTP: PaymentIntents, card outcomes and real signed webhooks.

localstripe posts its webhooks to the live server about a second after the event. The event
row commits in one transaction with its effects (payment_event_process in
shop/payments/webhooks.py), and the live server has its own database connection (a
file-backed SQLite test database, or PostgreSQL), so once the row is visible, so is everything
the event did. The tests wait for that row, and those about a paid order for its receipt too
(sent on commit), polling; the deadlines are only bounds for a webhook that never comes.
"""

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Enrollment
from shop.models import GiftCard, GiftCardTransaction, Order, PaymentEvent
from tests.shop.conftest import LOCALSTRIPE_WEBHOOK_SECRET, localstripe_request, wait_for
from tests.shop.stripe_events import event, sign

# Transactional, so the live server sees the rows; serialized rollback restores Wagtail's root page.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _wait_for_event(event_type: str) -> None:
    """Until localstripe's webhook for `event_type` has been handled and committed."""
    wait_for(
        lambda: PaymentEvent.objects.filter(event_type=event_type).exists(),
        f"localstripe never delivered {event_type}",
    )


def _wait_for_receipt() -> None:
    """The receipt is queued on commit: once it is sent, the whole fulfilment is visible.

    The final effect of a paid order, so a test that needs the fulfilment waits for it
    rather than for the event row (see the module docstring).
    """
    wait_for(lambda: mail.outbox, "the paid order's receipt was never sent")


@pytest.fixture
def placed_order(localstripe, client, user, course):
    """A customer checked out: a pending order with a PaymentIntent at localstripe."""
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert response["Location"] == reverse("shop:stripe_payment", args=[order.number])
    return order


def _confirm(base: str, order: Order, payment_method: str) -> dict:
    """What Stripe.js does in the browser: attach the card, then confirm."""
    path = f"/v1/payment_intents/{order.gateway_reference}"
    localstripe_request(base, "POST", path, {"payment_method": payment_method})
    return localstripe_request(base, "POST", path + "/confirm", {})


def test_checkout_creates_one_payment_intent_for_the_order_total(localstripe, placed_order, client):
    intent = localstripe_request(
        localstripe, "GET", f"/v1/payment_intents/{placed_order.gateway_reference}"
    )
    assert (intent["amount"], intent["currency"]) == (14900, "usd")
    assert intent["metadata"] == {"order_number": placed_order.number}
    client.post(reverse("shop:checkout"))
    listing = localstripe_request(localstripe, "GET", "/v1/payment_intents")
    assert len(listing["data"]) == 1


def test_the_payment_page_hands_the_client_secret_to_the_payment_element(placed_order, client):
    page = client.get(reverse("shop:stripe_payment", args=[placed_order.number]))
    assert f'data-client-secret="{placed_order.gateway_reference}_secret_' in page.content.decode()
    assert "https://js.stripe.com" in page["Content-Security-Policy"]


def test_stripe_returns_the_customer_to_the_site_url_not_the_requests_host(
    placed_order, client, settings
):
    page = client.get(reverse("shop:stripe_payment", args=[placed_order.number]))
    back = settings.SITE_URL + reverse("shop:payment_return", args=[placed_order.number])
    assert f'data-return-url="{back}"' in page.content.decode()


def test_a_visa_payment_is_fulfilled_by_the_real_signed_webhook(
    localstripe, placed_order, user, course
):
    _confirm(localstripe, placed_order, "pm_card_visa")
    _wait_for_event("payment_intent.succeeded")
    _wait_for_receipt()
    placed_order.refresh_from_db()
    assert placed_order.status == "paid"
    assert placed_order.gateway_charge.startswith("ch_")
    assert Enrollment.objects.get(user=user, course=course).is_active


def test_the_return_page_confirms_before_the_webhook_and_the_webhook_then_changes_nothing(
    localstripe, placed_order, client
):
    _confirm(localstripe, placed_order, "pm_card_visa")
    response = client.get(reverse("shop:payment_return", args=[placed_order.number]))
    assert response["Location"] == reverse("courses:library")
    placed_order.refresh_from_db()
    assert placed_order.status == "paid"
    _wait_for_event("payment_intent.succeeded")
    assert Enrollment.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_failing_card_fails_the_order_and_grants_nothing(localstripe, placed_order):
    result = _confirm(localstripe, placed_order, "pm_card_chargeCustomerFail")
    assert result["error"]["code"] == "card_declined"
    _wait_for_event("payment_intent.payment_failed")
    placed_order.refresh_from_db()
    assert placed_order.status == "failed"
    assert not Enrollment.objects.exists()


def test_a_refund_at_stripe_revokes_access(localstripe, placed_order, client):
    _confirm(localstripe, placed_order, "pm_card_visa")
    _wait_for_event("payment_intent.succeeded")
    _wait_for_receipt()
    localstripe_request(
        localstripe, "POST", "/v1/refunds", {"payment_intent": placed_order.gateway_reference}
    )
    placed_order.refresh_from_db()
    charge = localstripe_request(localstripe, "GET", f"/v1/charges/{placed_order.gateway_charge}")
    assert charge["amount_refunded"] == 14900
    # localstripe sends no charge.refunded, so the test sends Stripe's, built from the real charge.
    payload = event("charge.refunded", charge)
    response = client.post(
        reverse("shop:stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, LOCALSTRIPE_WEBHOOK_SECRET),
    )
    assert response.status_code == 200
    placed_order.refresh_from_db()
    assert placed_order.status == "refunded"
    assert not Enrollment.objects.get().is_active


def test_a_superseded_orders_payment_intent_is_canceled_and_can_no_longer_be_paid(
    localstripe, placed_order, client, second_course
):
    client.post(reverse("shop:cart_add"), {"course": second_course.pk})
    client.post(reverse("shop:checkout"))
    placed_order.refresh_from_db()
    assert placed_order.status == "canceled"
    intent = localstripe_request(
        localstripe, "GET", f"/v1/payment_intents/{placed_order.gateway_reference}"
    )
    assert intent["status"] == "canceled"
    assert "error" in _confirm(localstripe, placed_order, "pm_card_visa")
    placed_order.refresh_from_db()
    assert placed_order.status == "canceled"
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize(
    ("amount", "status", "refunded"), [("", "refunded", 14900), ("20", "partially_refunded", 2000)]
)
def test_a_refund_from_the_admin_goes_through_stripe_and_its_webhook_changes_nothing_twice(
    localstripe, placed_order, client, shop_manager, amount, status, refunded
):
    _confirm(localstripe, placed_order, "pm_card_visa")
    _wait_for_event("payment_intent.succeeded")
    _wait_for_receipt()
    client.force_login(shop_manager)
    url = reverse("order:refund", args=[placed_order.pk])
    review = client.post(url, {"amount_cents": amount, "reason": "asked"})
    data = {"amount_cents": amount, "reason": "asked"}
    data["reviewed"] = review.context["form"]["reviewed"].value()
    client.post(url, data)
    placed_order.refresh_from_db()
    assert (placed_order.status, placed_order.refunded_cents) == (status, refunded)
    charge = localstripe_request(localstripe, "GET", f"/v1/charges/{placed_order.gateway_charge}")
    assert charge["amount_refunded"] == refunded  # the money went back at Stripe
    before = (
        Order.objects.values_list("status", "refunded_cents", "refund_excess_cents").get(),
        list(Enrollment.objects.values_list("pk", "revoked_at")),
        list(GiftCard.objects.values_list("pk", "balance_cents", "is_active")),
        GiftCardTransaction.objects.count(),
        len(mail.outbox),
    )
    # Stripe then reports the refund it made: a signed charge.refunded built from the charge.
    payload = event("charge.refunded", charge)
    response = client.post(
        reverse("shop:stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, LOCALSTRIPE_WEBHOOK_SECRET),
    )
    assert response.status_code == 200
    assert PaymentEvent.objects.filter(event_type="charge.refunded").exists()
    after = (
        Order.objects.values_list("status", "refunded_cents", "refund_excess_cents").get(),
        list(Enrollment.objects.values_list("pk", "revoked_at")),
        list(GiftCard.objects.values_list("pk", "balance_cents", "is_active")),
        GiftCardTransaction.objects.count(),
        len(mail.outbox),
    )
    assert after == before
