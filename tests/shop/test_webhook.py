"""The Stripe webhook: signed events only, each once, in any order; fulfilment exactly once."""

import logging
import time

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Enrollment
from shop.models import Order, PaymentEvent
from tests.shop.conftest import WEBHOOK_URL as URL
from tests.shop.stripe_events import charge, event, payment_intent, sign

pytestmark = pytest.mark.django_db


def _status(order):
    order.refresh_from_db()
    return order.status


def test_the_webhook_lives_at_the_documented_url():
    assert reverse("shop:stripe_webhook") == URL


def test_a_signed_payment_succeeded_event_fulfils_the_order(post, order, user, course):
    response = post(event("payment_intent.succeeded", payment_intent(order)))
    assert response.status_code == 200
    assert _status(order) == "paid"
    assert order.gateway_charge == "ch_test_1"
    assert Enrollment.objects.get(user=user, course=course).is_active
    assert len(mail.outbox) == 1


def test_a_forged_signature_is_refused_and_changes_nothing(post, order):
    response = post(event("payment_intent.succeeded", payment_intent(order)), secret="whsec_wrong")
    assert response.status_code == 400
    assert _status(order) == "pending"
    assert not PaymentEvent.objects.exists()
    assert not Enrollment.objects.exists()


def test_a_stale_signature_is_refused_as_a_replay(post, order):
    response = post(
        event("payment_intent.succeeded", payment_intent(order)), timestamp=int(time.time()) - 3600
    )
    assert response.status_code == 400
    assert _status(order) == "pending"


@pytest.mark.parametrize("signature", ["", "garbage", "t=123"])
def test_a_missing_or_malformed_signature_is_refused(post, order, signature):
    assert (
        post(
            event("payment_intent.succeeded", payment_intent(order)), signature=signature
        ).status_code
        == 400
    )
    assert _status(order) == "pending"


def test_a_signed_body_that_is_not_an_event_is_refused(post, order):
    assert post(b'{"not": "an event"}').status_code == 400
    assert not PaymentEvent.objects.exists()


def test_a_duplicate_event_is_acknowledged_and_ignored(post, order):
    payload = event("payment_intent.succeeded", payment_intent(order), event_id="evt_once")
    post(payload)
    response = post(payload)
    assert response.status_code == 200
    assert response.content == b"duplicate"
    assert PaymentEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_two_success_events_with_different_ids_fulfil_once(post, order):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(event("payment_intent.succeeded", payment_intent(order)))
    assert PaymentEvent.objects.count() == 2
    assert Enrollment.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_payment_failed_event_fails_the_order_and_grants_nothing(post, order):
    error = {"message": "Your card was declined.", "code": "card_declined"}
    post(
        event(
            "payment_intent.payment_failed",
            payment_intent(order, status="requires_payment_method", error=error),
        )
    )
    assert _status(order) == "failed"
    assert order.failure_message == "Your card was declined."
    assert not Enrollment.objects.exists()


def test_a_late_failure_event_after_success_leaves_the_order_paid(post, order):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(
        event(
            "payment_intent.payment_failed",
            payment_intent(order, status="requires_payment_method", error={"message": "x"}),
        )
    )
    assert _status(order) == "paid"
    assert Enrollment.objects.get().is_active


def test_success_after_a_failed_attempt_pays_the_order(post, order):
    post(
        event(
            "payment_intent.payment_failed",
            payment_intent(order, status="requires_payment_method", error={"message": "x"}),
        )
    )
    post(event("payment_intent.succeeded", payment_intent(order)))
    assert _status(order) == "paid"


def test_a_full_refund_revokes_access_and_emails_the_customer(post, order):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(event("charge.refunded", charge(order, amount_refunded=14900)))
    assert _status(order) == "refunded"
    assert order.refunded_cents == 14900
    assert not Enrollment.objects.get().is_active
    assert "refund" in mail.outbox[-1].subject.lower()


def test_a_partial_refund_keeps_access(post, order):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(event("charge.refunded", charge(order, amount_refunded=5000)))
    assert _status(order) == "partially_refunded"
    assert order.refunded_cents == 5000
    assert Enrollment.objects.get().is_active


def test_a_second_partial_refund_that_completes_the_total_revokes_access(post, order):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(event("charge.refunded", charge(order, amount_refunded=5000)))
    post(event("charge.refunded", charge(order, amount_refunded=14900)))
    assert _status(order) == "refunded"
    assert not Enrollment.objects.get().is_active


def test_an_older_refund_event_arriving_late_changes_nothing(post, order):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(event("charge.refunded", charge(order, amount_refunded=14900)))
    post(event("charge.refunded", charge(order, amount_refunded=5000)))
    assert (_status(order), order.refunded_cents) == ("refunded", 14900)


def test_a_refund_arriving_before_the_success_event_still_ends_refunded_with_one_fulfilment(
    post, order
):
    post(event("charge.refunded", charge(order, amount_refunded=14900)))
    post(event("payment_intent.succeeded", payment_intent(order)))
    assert _status(order) == "refunded"
    assert not Enrollment.objects.get().is_active
    assert [m.subject.split()[2] for m in mail.outbox] == ["receipt", "refund"]


def test_an_event_for_an_unknown_order_is_logged_acknowledged_and_changes_nothing(
    post, order, caplog
):
    order.number, order.gateway_reference = "CH-UNKNOWN", "pi_unknown"
    with caplog.at_level(logging.WARNING, logger="coachhouse.shop"):
        response = post(event("payment_intent.succeeded", payment_intent(order)))
    assert response.status_code == 200
    assert response.content == b"unknown order"
    assert "names no known order" in caplog.text
    assert Order.objects.get().status == "pending"


def test_a_success_for_a_different_amount_is_not_fulfilled(post, order):
    post(event("payment_intent.succeeded", payment_intent(order, amount=100)))
    assert _status(order) == "pending"
    assert not Enrollment.objects.exists()


def test_other_event_types_are_recorded_and_ignored(post, order):
    response = post(
        event("payment_intent.created", payment_intent(order, status="requires_payment_method"))
    )
    assert response.content == b"ignored"
    assert _status(order) == "pending"


def test_the_webhook_refuses_everything_when_stripe_is_not_configured(client, settings, order):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event("payment_intent.succeeded", payment_intent(order))
    response = client.post(
        URL, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(payload, "")
    )
    assert response.status_code == 400
    assert _status(order) == "pending"


def test_the_webhook_answers_get_with_method_not_allowed(client, db):
    assert client.get(URL).status_code == 405
