"""Switching plans (monthly ↔ yearly) from My account → Membership, prorated: on the test
gateway the unused part of the period is credited in integer cents and the difference
charged as a listed invoice; on Stripe the subscription's item moves to the new price with
`always_invoice`, and `customer.subscription.updated` agrees in any order. Refusals change
nothing; a double submit switches once."""

import json
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.exceptions import MembershipError
from shop.models import Membership, MembershipInvoice, add_interval
from shop.payments.local import TestGateway
from shop.services import membership_demo_renew
from shop.services.membership_billing import membership_proration, membership_switch_plan
from tests.shop.billing_peer import stripe_membership
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay
from tests.shop.stripe_events import event

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def _at(moment):
    return mock.patch.object(timezone, "now", return_value=moment)


@pytest.fixture
def member(user, monthly):
    with _at(T0):
        subscribe_and_pay(user, monthly)
    return Membership.objects.get()


def _snapshot(membership):
    membership.refresh_from_db()
    return (
        membership.plan_id,
        membership.status,
        membership.price_cents,
        membership.interval,
        membership.current_period_end,
        membership.credit_cents,
        membership.invoices.count(),
    )


def _switch(client, membership, plan):
    return client.post(
        reverse("shop:membership_switch"),
        {"membership": membership.pk, "plan": plan.pk},
        follow=True,
    )


# The test gateway ------------------------------------------------------------------------


def test_monthly_to_yearly_charges_the_yearly_price_less_the_unused_days_of_the_month(
    member, yearly
):
    now = T0 + timedelta(days=10)  # 21 of January's 31 days unused: 2900 * 21/31 = 1964.5…
    with _at(now):
        invoice = membership_switch_plan(membership=member, plan=yearly, gateway=TestGateway())
    assert (invoice.amount_cents, invoice.status) == (29000 - 1965, MembershipInvoice.Status.PAID)
    assert invoice.description == "Plan change: Monthly → Yearly"
    assert (invoice.period_start, invoice.period_end) == (now, add_interval(now, "year"))
    member.refresh_from_db()
    assert member.plan == yearly and member.interval == "year"
    assert member.renewal_cents == 29000 and member.current_period_end == invoice.period_end
    assert member.credit_cents == 0


def test_yearly_to_monthly_keeps_what_the_unused_year_leaves_over_as_credit_for_renewals(
    user, monthly, yearly
):
    with _at(T0):
        subscribe_and_pay(user, yearly)
    membership = Membership.objects.get()
    now = T0 + timedelta(days=73)  # 292 of 365 days unused: 29000 * 292/365 = 23200
    with _at(now):
        invoice = membership_switch_plan(membership=membership, plan=monthly, gateway=TestGateway())
    membership.refresh_from_db()
    assert invoice.amount_cents == 0 and membership.credit_cents == 23200 - 2900
    assert membership.renewal_cents == 2900
    assert membership.current_period_end == add_interval(now, "month")
    membership_demo_renew(membership=membership, approve=True)
    membership.refresh_from_db()
    assert membership.invoices.order_by("-pk").first().amount_cents == 0
    assert membership.credit_cents == 23200 - 2 * 2900


def test_a_switch_within_the_interval_prorates_both_prices_half_up_in_whole_cents(user, course):
    plan = MembershipPlanFactory(name="Basic", price_cents=2901, courses=[course])
    with _at(T0):
        subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    halfway = T0 + (membership.current_period_end - T0) / 2
    other = MembershipPlanFactory(name="Plus", price_cents=1001, courses=[course])
    proration = membership_proration(membership=membership, plan=other, now=halfway)
    assert (proration.unused_cents, proration.new_cents) == (1451, 501)  # 1450.5 and 500.5
    assert (proration.amount_cents, proration.credit_cents) == (0, 950)
    assert proration.period_end == membership.current_period_end


def test_the_account_page_offers_the_other_plan_and_lists_the_proration_invoice(
    client, user, member, yearly
):
    client.force_login(user)
    page = client.get(reverse("shop:membership_account")).content.decode()
    assert f'data-switch-plan="{yearly.pk}"' in page
    assert f'data-switch-plan="{member.plan_id}"' not in page
    page = _switch(client, member, yearly).content.decode()
    assert "You are now on the “Yearly” plan." in page
    assert "Plan change: Monthly → Yearly" in page
    assert "$290.00" in page  # the next charge


def test_a_double_submit_switches_once(client, user, member, yearly):
    client.force_login(user)
    _switch(client, member, yearly)
    again = _switch(client, member, yearly).content.decode()
    assert "You are already on the “Yearly” plan." in again
    assert member.invoices.filter(description__startswith="Plan change").count() == 1


def test_switching_to_the_plan_held_is_refused_and_changes_nothing(client, user, member):
    before = _snapshot(member)
    client.force_login(user)
    page = _switch(client, member, member.plan).content.decode()
    assert "You are already on the “Monthly” plan." in page
    assert _snapshot(member) == before


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (Membership.Status.PAST_DUE, "update your card"),
        (Membership.Status.CANCELED, "Only an active membership can switch plans."),
        (Membership.Status.TRIALING, "once your free trial has ended"),
    ],
)
def test_a_membership_that_is_not_active_may_not_switch_and_nothing_changes(
    client, user, member, yearly, status, sentence
):
    Membership.objects.filter(pk=member.pk).update(status=status)
    before = _snapshot(member)
    client.force_login(user)
    assert sentence in _switch(client, member, yearly).content.decode()
    assert _snapshot(member) == before


def test_a_membership_set_to_end_may_not_switch(member, yearly):
    Membership.objects.filter(pk=member.pk).update(cancel_at_period_end=True)
    before = _snapshot(member)
    with pytest.raises(MembershipError, match="keep it first"):
        membership_switch_plan(membership=member, plan=yearly, gateway=TestGateway())
    assert _snapshot(member) == before


def test_a_plan_off_sale_is_refused(member, yearly):
    yearly.is_active = False
    yearly.save()
    before = _snapshot(member)
    with pytest.raises(MembershipError, match="not on sale"):
        membership_switch_plan(membership=member, plan=yearly, gateway=TestGateway())
    assert _snapshot(member) == before


def test_another_members_membership_cannot_be_switched(client, other_user, member, yearly):
    before = _snapshot(member)
    client.force_login(other_user)
    assert "not yours to change" in _switch(client, member, yearly).content.decode()
    assert _snapshot(member) == before


def test_a_bad_form_is_a_message_not_an_error(client, user, member):
    client.force_login(user)
    response = client.post(
        reverse("shop:membership_switch"), {"membership": "x", "plan": ""}, follow=True
    )
    assert response.status_code == 200 and "not yours to change" in response.content.decode()


# Stripe, through the in-memory peer and signed events --------------------------------------


@pytest.fixture
def stripe_member(client, user, monthly, billing_peer, post):
    return stripe_membership(client=client, user=user, plan=monthly, peer=billing_peer, post=post)


def test_a_stripe_switch_moves_the_item_to_the_new_price_with_always_invoice(
    client, stripe_member, yearly, billing_peer
):
    page = _switch(client, stripe_member, yearly).content.decode()
    assert "You are now on the “Yearly” plan." in page
    change = next(
        r
        for r in billing_peer.requests
        if r["path"] == f"/v1/subscriptions/{stripe_member.gateway_subscription}"
        and r["method"] == "post"
    )
    params = change["params"]
    subscription = billing_peer.objects[stripe_member.gateway_subscription]
    assert params["items[0][id]"] == subscription["items"]["data"][0]["id"]
    assert params["items[0][price_data][unit_amount]"] == "29000"
    assert params["items[0][price_data][recurring][interval]"] == "year"
    assert params["proration_behavior"] == "always_invoice"
    assert params["payment_behavior"] == "error_if_incomplete"
    assert change["key"].startswith(f"membership-{stripe_member.pk}-switch-")
    yearly.refresh_from_db()
    assert params["items[0][price_data][product]"] == yearly.gateway_product
    stripe_member.refresh_from_db()
    assert stripe_member.plan == yearly and stripe_member.renewal_cents == 29000
    row = stripe_member.invoices.get(description="Plan change: Monthly → Yearly")
    proration = billing_peer.objects[row.gateway_reference]
    assert row.amount_cents == proration["amount_paid"] > 0
    assert row.payment_reference == proration["payment_intent"]
    end = subscription["items"]["data"][0]["current_period_end"]
    assert stripe_member.current_period_end == datetime.fromtimestamp(end, tz=UTC)


def test_a_declined_proration_charge_changes_nothing(client, stripe_member, yearly, billing_peer):
    billing_peer.decline.add(f"/v1/subscriptions/{stripe_member.gateway_subscription}")
    before = _snapshot(stripe_member)
    page = _switch(client, stripe_member, yearly).content.decode()
    assert "nothing changed" in page and "Your card was declined." in page
    assert _snapshot(stripe_member) == before


def _subscription_event(membership, peer, *, created, event_id):
    subscription = peer.objects[membership.gateway_subscription]
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "customer.subscription.updated",
            "created": created,
            "data": {"object": json.loads(json.dumps(subscription))},
        }
    ).encode()


def test_the_switchs_own_events_agree_with_it_in_any_order(
    client, stripe_member, yearly, billing_peer, post
):
    before_switch = _subscription_event(
        stripe_member, billing_peer, created=int(timezone.now().timestamp()) - 60, event_id="e1"
    )
    _switch(client, stripe_member, yearly)
    after = _snapshot(stripe_member)
    updated = _subscription_event(
        stripe_member, billing_peer, created=int(timezone.now().timestamp()), event_id="e2"
    )
    row = stripe_member.invoices.get(description__startswith="Plan change")
    for payload in [
        updated,
        before_switch,  # older than the switch: changes nothing
        event("invoice.paid", billing_peer.objects[row.gateway_reference]),
        updated,
    ]:
        post(payload)
        assert _snapshot(stripe_member) == after
    assert stripe_member.invoices.filter(description__startswith="Plan change").count() == 1


def test_a_plan_switched_at_stripe_itself_is_taken_from_subscription_updated(
    stripe_member, yearly, billing_peer, post
):
    yearly.gateway_product = "prod_yearly"
    yearly.save()
    subscription = billing_peer.objects[stripe_member.gateway_subscription]
    end = int(timezone.now().timestamp()) + 365 * 24 * 3600
    subscription["items"]["data"][0].update(
        current_period_end=end,
        price={"unit_amount": 29000, "product": "prod_yearly", "recurring": {"interval": "year"}},
    )
    post(
        _subscription_event(
            stripe_member,
            billing_peer,
            created=int(timezone.now().timestamp()) + 1,
            event_id="e_dashboard",
        )
    )
    stripe_member.refresh_from_db()
    assert stripe_member.plan == yearly and stripe_member.interval == "year"
    assert stripe_member.renewal_cents == 29000
    assert stripe_member.current_period_end == datetime.fromtimestamp(end, tz=UTC)
