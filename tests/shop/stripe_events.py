"""Stripe events built by hand and signed exactly as Stripe signs them."""

import hashlib
import hmac
import json
import time
import uuid


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<ts>,v1=<HMAC-SHA256(secret, "<ts>.<payload>")>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def payment_intent(
    order, *, status="succeeded", amount=None, error=None, latest_charge="ch_test_1"
):
    return {
        "id": order.gateway_reference or "pi_test_1",
        "object": "payment_intent",
        "amount": order.total_cents if amount is None else amount,
        "currency": "usd",
        "status": status,
        "client_secret": "pi_test_1_secret_x",
        "latest_charge": latest_charge,
        "last_payment_error": error,
        "metadata": {"order_number": order.number},
    }


def charge(order, *, amount_refunded):
    return {
        "id": "ch_test_1",
        "object": "charge",
        "amount": order.total_cents,
        "amount_refunded": amount_refunded,
        "payment_intent": order.gateway_reference,
        "refunded": amount_refunded >= order.total_cents,
        "metadata": {},
    }


def event(event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
    return json.dumps(
        {
            "id": event_id or f"evt_{uuid.uuid4().hex}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()
