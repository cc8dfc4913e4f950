"""A renewal refunded in Stripe's dashboard: its `charge.refunded` is recorded on the
membership invoice it paid, in either shape Stripe sends. Before API version
2025-03-31.basil the Charge names its `invoice` (and `invoice.paid` its `payment_intent`);
from basil on neither names the other, and the invoice is found through Stripe's
InvoicePayment of the charge's PaymentIntent. Each event counts once however often it is
delivered; a partial refund keeps the membership, the rest ends it. A refund that arrives
before its invoice's `invoice.paid` records the invoice (read from Stripe) first."""

import json
import time
from datetime import timedelta

import pytest

from shop.models import Membership, Order, PaymentEvent
from tests.shop.billing_peer import stripe_membership
from tests.shop.factories import MembershipPlanFactory

pytestmark = pytest.mark.django_db

MONTH = 30 * 24 * 3600
LOOKUP = "/v1/invoice_payments"


@pytest.fixture
def plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


@pytest.fixture
def member(client, user, plan, billing_peer, post):
    return stripe_membership(client=client, user=user, plan=plan, peer=billing_peer, post=post)


def _event(event_type, obj, event_id):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def _renewal(member):
    """The membership's renewal (in_renewal) without the fields API versions put apart."""
    start = int(member.current_period_end.timestamp())
    return {
        "id": "in_renewal",
        "object": "invoice",
        "customer": member.gateway_customer,
        "status": "paid",
        "amount_paid": 2900,
        "amount_due": 2900,
        "billing_reason": "subscription_cycle",
        "lines": {"data": [{"amount": 2900, "period": {"start": start, "end": start + MONTH}}]},
        "status_transitions": {"paid_at": start},
    }


def _invoice_at_stripe(member):
    """The renewal as Stripe answers for it on the pinned (older) API version."""
    return _renewal(member) | {
        "subscription": member.gateway_subscription,
        "payment_intent": "pi_renewal",
    }


def _renewal_paid(member, *, basil):
    """`invoice.paid` of the membership's renewal (in_renewal, paid by pi_renewal): on basil
    the subscription is under `parent` and no payment is named."""
    if basil:
        invoice = _renewal(member) | {
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": member.gateway_subscription},
            }
        }
    else:
        invoice = _invoice_at_stripe(member)
    return _event("invoice.paid", invoice, f"evt_renewal_{'basil' if basil else 'acacia'}")


def _charge_refunded(member, refunded, *, basil, event_id):
    """`charge.refunded` of the renewal's charge: `amount_refunded` is the running total."""
    charge = {
        "id": "ch_renewal",
        "object": "charge",
        "amount": 2900,
        "amount_refunded": refunded,
        "refunded": refunded == 2900,
        "customer": member.gateway_customer,
        "payment_intent": "pi_renewal",
        "metadata": {},
    }
    if not basil:
        charge["invoice"] = "in_renewal"
    return _event("charge.refunded", charge, event_id)


def _state(member):
    member.refresh_from_db()
    renewal = member.invoices.get(gateway_reference="in_renewal")
    return member.status, renewal.refunded_cents, renewal.payment_reference


@pytest.fixture(params=["acacia", "basil"])
def shape(request, member, billing_peer, post):
    """The renewal paid and announced in one API version's shape; on basil Stripe holds the
    InvoicePayment that ties pi_renewal to in_renewal."""
    basil = request.param == "basil"
    assert post(_renewal_paid(member, basil=basil)).content == b"handled"
    if basil:
        billing_peer.add_invoice_payment(invoice="in_renewal", payment_intent="pi_renewal")
    assert _state(member) == (Membership.Status.ACTIVE, 0, "" if basil else "pi_renewal")
    return request.param


def test_a_renewal_refunded_at_stripe_ends_the_membership_once_in_either_shape(
    shape, member, billing_peer, post
):
    basil = shape == "basil"
    refunded = _charge_refunded(member, 2900, basil=basil, event_id="evt_refund")
    assert post(refunded).content == b"handled"
    after = _state(member)
    assert after == (Membership.Status.CANCELED, 2900, "pi_renewal")
    assert post(refunded).content == b"duplicate"  # Stripe delivers it again
    assert _state(member) == after
    assert PaymentEvent.objects.filter(event_id="evt_refund").count() == 1
    # Only the renewal: the checkout order (the first invoice's payment) stays paid.
    assert Order.objects.get().status == Order.Status.PAID
    assert member.invoices.exclude(gateway_reference="in_renewal").get().refunded_cents == 0
    # basil asks Stripe once which invoice pi_renewal paid; the older shape says it.
    lookups = billing_peer.lookups(LOOKUP)
    assert len(lookups) == (1 if basil else 0)
    if basil:
        assert lookups[0]["params"]["payment[type]"] == "payment_intent"
        assert lookups[0]["params"]["payment[payment_intent]"] == "pi_renewal"


def test_a_partial_refund_keeps_the_membership_and_the_rest_ends_it_each_counted_once(
    shape, member, billing_peer, post
):
    basil = shape == "basil"
    partial = _charge_refunded(member, 1000, basil=basil, event_id="evt_partial")
    assert post(partial).content == b"handled"
    assert _state(member) == (Membership.Status.ACTIVE, 1000, "pi_renewal")
    assert member.gives_access()
    assert post(partial).content == b"duplicate"
    assert _state(member) == (Membership.Status.ACTIVE, 1000, "pi_renewal")
    rest = _charge_refunded(member, 2900, basil=basil, event_id="evt_rest")
    assert post(rest).content == b"handled"
    assert post(rest).content == b"duplicate"
    assert _state(member) == (Membership.Status.CANCELED, 2900, "pi_renewal")
    assert not member.gives_access()
    # The payment found by the first refund is kept: the rest needed no second lookup.
    assert len(billing_peer.lookups(LOOKUP)) == (1 if basil else 0)


def test_a_late_partial_refund_after_the_full_one_takes_nothing_back(shape, member, post):
    basil = shape == "basil"
    post(_charge_refunded(member, 2900, basil=basil, event_id="evt_full"))
    after = _state(member)
    # An older event (the partial one) delivered late: the invoice stays fully refunded.
    assert post(_charge_refunded(member, 1000, basil=basil, event_id="evt_late")).content == (
        b"handled"
    )
    assert _state(member) == after == (Membership.Status.CANCELED, 2900, "pi_renewal")


def test_when_stripe_cannot_say_which_invoice_the_event_waits_for_its_retry(
    member, billing_peer, post
):
    post(_renewal_paid(member, basil=True))
    billing_peer.add_invoice_payment(invoice="in_renewal", payment_intent="pi_renewal")
    billing_peer.decline.add(LOOKUP)
    refunded = _charge_refunded(member, 2900, basil=True, event_id="evt_refund")
    response = post(refunded)
    assert response.status_code == 503  # Stripe retries what was not acknowledged
    assert not PaymentEvent.objects.filter(event_id="evt_refund").exists()
    assert _state(member) == (Membership.Status.ACTIVE, 0, "")
    billing_peer.decline.clear()
    assert post(refunded).content == b"handled"
    assert _state(member) == (Membership.Status.CANCELED, 2900, "pi_renewal")


def test_a_refunded_charge_of_a_customer_with_no_membership_asks_stripe_nothing(
    member, billing_peer, post
):
    post(_renewal_paid(member, basil=True))
    stranger = json.loads(_charge_refunded(member, 2900, basil=True, event_id="evt_stranger"))
    stranger["data"]["object"].update(customer="cus_stranger", payment_intent="pi_stranger")
    assert post(json.dumps(stranger).encode()).content == b"unknown order"
    assert billing_peer.lookups(LOOKUP) == []
    assert _state(member) == (Membership.Status.ACTIVE, 0, "")


def test_an_invoice_payment_for_another_invoice_refunds_nothing_of_ours(member, billing_peer, post):
    post(_renewal_paid(member, basil=True))
    billing_peer.add_invoice_payment(invoice="in_someone_else", payment_intent="pi_renewal")
    billing_peer.objects["in_someone_else"] = {
        **_invoice_at_stripe(member),
        "id": "in_someone_else",
        "subscription": "sub_someone_else",
    }
    refunded = _charge_refunded(member, 2900, basil=True, event_id="evt_refund")
    assert post(refunded).content == b"unknown order"
    assert _state(member) == (Membership.Status.ACTIVE, 0, "")


@pytest.mark.parametrize("basil", [False, True], ids=["acacia", "basil"])
@pytest.mark.parametrize(
    ("refunded", "after"),
    [(2900, Membership.Status.CANCELED), (1000, Membership.Status.ACTIVE)],
    ids=["full", "partial"],
)
@pytest.mark.parametrize("refund_first", [False, True], ids=["paid-first", "refund-first"])
def test_a_refund_is_recorded_whether_it_comes_before_or_after_its_invoice_paid(
    member, billing_peer, post, basil, refunded, after, refund_first
):
    """Stripe may deliver `charge.refunded` before the renewal's `invoice.paid`: the refund
    proves the invoice was paid, so the invoice is read from Stripe and recorded first; the
    late `invoice.paid` then changes nothing. Either order ends in the same state."""
    billing_peer.objects["in_renewal"] = _invoice_at_stripe(member)
    period_end = member.current_period_end + timedelta(seconds=MONTH)
    if basil:
        billing_peer.add_invoice_payment(invoice="in_renewal", payment_intent="pi_renewal")
    events = [
        _renewal_paid(member, basil=basil),
        _charge_refunded(member, refunded, basil=basil, event_id="evt_refund"),
    ]
    for body in reversed(events) if refund_first else events:
        assert post(body).content == b"handled"
    assert _state(member) == (after, refunded, "pi_renewal")
    assert member.gives_access() == (after == Membership.Status.ACTIVE)
    renewal = member.invoices.get(gateway_reference="in_renewal")
    assert (renewal.status, renewal.amount_cents, renewal.period_end) == ("paid", 2900, period_end)
    for body in events:  # each delivered again: nothing changes
        assert post(body).content == b"duplicate"
    assert _state(member) == (after, refunded, "pi_renewal")
    assert Order.objects.get().status == Order.Status.PAID
