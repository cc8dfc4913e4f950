"""Memberships and payment plans on Stripe Billing, against localstripe over real HTTP.

Each journey drives our code — checkout, the account pages, the StripeGateway aimed at
localstripe — and localstripe answers and posts its real signed webhooks to the live server.
localstripe 1.15 lacks part of Stripe Billing; tests/shop/localstripe_billing.py patches it
toward Stripe's documented behaviour in its own process and adds a test clock that ends a
subscription's period now (a renewal charged from the default card, or a cancellation at the
period's end).

After every step the test waits until every event localstripe created has been handled and
committed (`settle`): the event row commits with its effects (payment_event_process), so then
the database shows all of them. The deadlines only bound a webhook that never comes.
"""

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from courses.models import Enrollment
from shop.models import InstalmentPlan, Membership, MembershipInvoice, Order, PaymentEvent
from shop.selectors.memberships import user_is_member
from tests.shop.conftest import (
    aim_at_localstripe,
    localstripe_request,
    start_localstripe,
    wait_for,
)

# Transactional, so the live server sees the rows; serialized rollback restores Wagtail's root page.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # One localstripe process for the module: its journeys stay on one xdist worker.
    pytest.mark.xdist_group("localstripe_billing"),
]

# localstripe_billing.CLOCK_URL (not imported: that module imports localstripe, which only its
# own process needs).
CLOCK_URL = "/_test/subscriptions/{id}/advance"
FAILED_MAIL = "[Coachhouse] Your Monthly membership payment failed"


@pytest.fixture(scope="module")
def billing_base(tmp_path_factory):
    """One patched localstripe for the module (emptied for each test)."""
    yield from start_localstripe(tmp_path_factory, "tests.shop.localstripe_billing")


@pytest.fixture
def stripe(billing_base, live_server, settings):
    yield aim_at_localstripe(billing_base, live_server, settings)
    live_server.requests_in_flight.wait_until_idle()  # before the flush (tests/conftest.py)


def settle(base: str) -> None:
    """Until every event localstripe created has been handled and committed here."""

    def missing():
        listed = localstripe_request(base, "GET", "/v1/events?limit=1000")
        assert not listed["has_more"]
        events = listed["data"]
        seen = set(PaymentEvent.objects.values_list("event_id", flat=True))
        return sorted(e["type"] for e in events if e["id"] not in seen)

    wait_for(lambda: not missing(), lambda: f"localstripe's events never handled: {missing()}")


def _get(base: str, path: str) -> dict:
    return localstripe_request(base, "GET", path)


def _confirm(base: str, intent: str, payment_method: str = "pm_card_visa") -> dict:
    """What Stripe.js does on our payment page: attach the card, then confirm."""
    path = f"/v1/payment_intents/{intent}"
    localstripe_request(base, "POST", path, {"payment_method": payment_method})
    return localstripe_request(base, "POST", path + "/confirm", {})


def _advance(base: str, subscription: str, **data) -> dict:
    """The test clock: the subscription's current period ends now."""
    return localstripe_request(base, "POST", CLOCK_URL.format(id=subscription), data)


def _at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _invoices(base: str, subscription: str) -> list[dict]:
    """The subscription's invoices at localstripe, oldest first."""
    listed = _get(base, f"/v1/invoices?subscription={subscription}&limit=100")["data"]
    return sorted(listed, key=lambda invoice: invoice["date"])


def _subscribe(base: str, client, user, plan) -> Membership:
    """Checkout of the plan, its first invoice paid on our page with a good card."""
    client.force_login(user)
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    response = client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert response["Location"] == reverse("shop:stripe_payment", args=[order.number])
    assert _confirm(base, order.gateway_reference)["status"] == "succeeded"
    settle(base)
    return Membership.objects.get()


def test_subscribing_starts_the_membership_from_stripes_signed_events(
    stripe, client, user, monthly
):
    membership = _subscribe(stripe, client, user, monthly)
    subscription = _get(stripe, f"/v1/subscriptions/{membership.gateway_subscription}")
    assert subscription["status"] == "active"
    assert subscription["metadata"]["order_number"] == membership.order.number
    assert subscription["default_payment_method"]  # saved for the renewals
    assert (membership.status, membership.user) == (Membership.Status.ACTIVE, user)
    assert membership.order.status == Order.Status.PAID
    assert membership.current_period_end == _at(subscription["current_period_end"])
    (invoice,) = _invoices(stripe, membership.gateway_subscription)
    row = membership.invoices.get()
    assert (row.gateway_reference, row.status, row.amount_cents) == (invoice["id"], "paid", 2900)
    assert user_is_member(user=user)


def test_a_renewal_paid_from_the_saved_card_extends_the_membership(stripe, client, user, monthly):
    membership = _subscribe(stripe, client, user, monthly)
    first_end = membership.current_period_end
    _advance(stripe, membership.gateway_subscription)
    settle(stripe)
    subscription = _get(stripe, f"/v1/subscriptions/{membership.gateway_subscription}")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert membership.current_period_end == _at(subscription["current_period_end"]) > first_end
    renewal = _invoices(stripe, membership.gateway_subscription)[-1]
    assert renewal["billing_reason"] == "subscription_cycle"
    row = membership.invoices.get(gateway_reference=renewal["id"])
    assert (row.status, row.amount_cents, row.period_start) == ("paid", 2900, first_end)
    assert membership.invoices.filter(status="paid").count() == 2


def test_a_declined_renewal_makes_the_membership_past_due_and_a_new_card_recovers_it(
    stripe, client, user, monthly
):
    membership = _subscribe(stripe, client, user, monthly)
    _advance(stripe, membership.gateway_subscription, payment_method="pm_card_chargeCustomerFail")
    settle(stripe)
    membership.refresh_from_db()
    renewal = _invoices(stripe, membership.gateway_subscription)[-1]
    assert renewal["status"] == "open"
    assert membership.status == Membership.Status.PAST_DUE
    assert membership.invoices.get(gateway_reference=renewal["id"]).status == "failed"
    assert user_is_member(user=user)  # the grace period
    # The e-mail is sent once the event's transaction has committed.
    wait_for(
        lambda: FAILED_MAIL in [m.subject for m in mail.outbox],
        lambda: f"no payment failed e-mail: {[m.subject for m in mail.outbox]}",
    )

    # The member saves a new card: the failed renewal is charged again with it.
    page = client.get(reverse("shop:membership_card", args=[membership.pk]))
    secret = page.content.decode().split('data-client-secret="', 1)[1].split('"', 1)[0]
    setup = secret.split("_secret_", 1)[0]
    confirmed = localstripe_request(
        stripe, "POST", f"/v1/setup_intents/{setup}/confirm", {"payment_method": "pm_card_visa"}
    )
    assert confirmed["status"] == "succeeded"
    back = client.get(
        reverse("shop:membership_card_return", args=[membership.pk]), {"setup_intent": setup}
    )
    assert urlsplit(back["Location"]).path == reverse("shop:membership_account")
    settle(stripe)
    membership.refresh_from_db()
    subscription = _get(stripe, f"/v1/subscriptions/{membership.gateway_subscription}")
    assert _get(stripe, f"/v1/invoices/{renewal['id']}")["status"] == "paid"
    assert subscription["status"] == "active"
    assert membership.status == Membership.Status.ACTIVE
    assert membership.current_period_end == _at(subscription["current_period_end"])
    assert membership.invoices.get(gateway_reference=renewal["id"]).status == "paid"


def test_cancel_at_period_end_can_be_undone_and_otherwise_ends_the_membership_then(
    stripe, client, user, monthly
):
    membership = _subscribe(stripe, client, user, monthly)
    path = f"/v1/subscriptions/{membership.gateway_subscription}"
    account = reverse("shop:membership_account")
    for action, canceling in (("cancel", True), ("resume", False), ("cancel", True)):
        client.post(account, {"membership": membership.pk, "action": action})
        assert _get(stripe, path)["cancel_at_period_end"] is canceling
        settle(stripe)
        membership.refresh_from_db()
        assert membership.cancel_at_period_end is canceling
        assert membership.status == Membership.Status.ACTIVE
    _advance(stripe, membership.gateway_subscription)
    settle(stripe)
    membership.refresh_from_db()
    assert _get(stripe, path)["status"] == "canceled"
    assert len(_invoices(stripe, membership.gateway_subscription)) == 1  # no renewal
    assert membership.status == Membership.Status.CANCELED
    assert not user_is_member(user=user)


def test_switching_monthly_to_yearly_and_back_prorates_at_stripe_and_moves_the_period(
    stripe, client, user, monthly, yearly
):
    membership = _subscribe(stripe, client, user, monthly)
    switch = reverse("shop:membership_switch")
    path = f"/v1/subscriptions/{membership.gateway_subscription}"

    client.post(switch, {"membership": membership.pk, "plan": yearly.pk})
    settle(stripe)
    subscription = _get(stripe, path)
    invoice = _invoices(stripe, membership.gateway_subscription)[-1]
    membership.refresh_from_db()
    assert invoice["billing_reason"] == "subscription_update"
    # The yearly price less the unused (almost whole) month, charged now from the saved card.
    assert 29000 - 2900 <= invoice["amount_paid"] < 29000
    assert subscription["items"]["data"][0]["price"]["recurring"]["interval"] == "year"
    assert (membership.plan, membership.interval, membership.price_cents) == (
        yearly,
        "year",
        29000,
    )
    assert membership.current_period_end == _at(subscription["current_period_end"])
    row = membership.invoices.get(gateway_reference=invoice["id"])
    assert (row.status, row.amount_cents) == ("paid", invoice["amount_paid"])

    client.post(switch, {"membership": membership.pk, "plan": monthly.pk})
    settle(stripe)
    subscription = _get(stripe, path)
    invoice = _invoices(stripe, membership.gateway_subscription)[-1]
    membership.refresh_from_db()
    assert invoice["amount_paid"] == 0  # the unused year more than pays the month
    assert (membership.plan, membership.interval, membership.price_cents) == (
        monthly,
        "month",
        2900,
    )
    assert membership.current_period_end == _at(subscription["current_period_end"])
    assert membership.status == Membership.Status.ACTIVE
    assert MembershipInvoice.objects.filter(membership=membership).count() == 3


def test_a_payment_plan_is_charged_n_times_then_stops_at_stripe(stripe, client, user, course):
    course.instalment_count, course.instalment_cents = 3, 5500
    course.save_revision().publish()
    client.force_login(user)
    client.post(reverse("shop:cart_instalments"), {"course": course.pk, "pay": "instalments"})
    client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert _confirm(stripe, order.gateway_reference)["status"] == "succeeded"
    settle(stripe)
    plan = InstalmentPlan.objects.get()
    assert (plan.status, plan.paid_count) == (InstalmentPlan.Status.ACTIVE, 1)
    assert Enrollment.objects.get(user=user, course=course).is_active
    path = f"/v1/subscriptions/{plan.gateway_subscription}"

    _advance(stripe, plan.gateway_subscription)
    settle(stripe)
    plan.refresh_from_db()
    assert (plan.status, plan.paid_count) == (InstalmentPlan.Status.ACTIVE, 2)
    assert not _get(stripe, path)["cancel_at_period_end"]

    _advance(stripe, plan.gateway_subscription)
    # The third payment completes the plan, and we tell Stripe to stop at the period's end.
    wait_for(lambda: _get(stripe, path)["cancel_at_period_end"], "the plan was never stopped")
    settle(stripe)
    plan.refresh_from_db()
    assert (plan.status, plan.paid_count) == (InstalmentPlan.Status.COMPLETED, 3)
    assert plan.payments.filter(status="paid").count() == 3

    _advance(stripe, plan.gateway_subscription)  # the last period ends: no fourth charge
    settle(stripe)
    assert _get(stripe, path)["status"] == "canceled"
    assert "error" in _advance(stripe, plan.gateway_subscription)
    assert [i["amount_paid"] for i in _invoices(stripe, plan.gateway_subscription)] == [5500] * 3
    plan.refresh_from_db()
    assert (plan.status, plan.paid_count) == (InstalmentPlan.Status.COMPLETED, 3)
    assert Enrollment.objects.get(user=user, course=course).is_active
