"""A shop manager refunds a membership's last invoice from the admin, after a confirmation
page: the money goes back through the gateway (one refund per invoice, however often
clicked), access ends now and the subscription is canceled; the later `charge.refunded`
refunds nothing twice. Unpaid or refunded invoices are refused with a sentence."""

import json

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses.selectors import lesson_is_open_to
from shop.models import Membership, MembershipInvoice, Order
from shop.money import format_money
from shop.payments import get_gateway
from shop.payments.local import TestGateway
from shop.services import membership_demo_renew
from shop.services.membership_billing import membership_switch_plan
from tests.shop.billing_peer import stripe_membership
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


@pytest.fixture
def member(user, plan):
    subscribe_and_pay(user, plan)
    return Membership.objects.get()


def _url(membership):
    return reverse("membership:refund", args=[membership.pk])


def _confirm(client, membership, invoice):
    return client.post(_url(membership), {"invoice": invoice.pk}, follow=True)


def _state(membership):
    membership.refresh_from_db()
    return (
        membership.status,
        list(membership.invoices.values_list("pk", "refunded_cents", "refunded_at")),
        list(Order.objects.values_list("status", "refunded_cents")),
    )


def test_the_refund_page_says_what_it_does_and_changes_nothing_until_confirmed(
    client, shop_manager, member
):
    client.force_login(shop_manager)
    inspect = client.get(reverse("membership:inspect", args=[member.pk])).content.decode()
    assert _url(member) in inspect
    before = _state(member)
    page = client.get(_url(member)).content.decode()
    assert "Confirm refund of $29.00" in page and "end the membership now" in page
    assert _state(member) == before


def test_confirming_refunds_the_last_invoice_and_ends_access_now(
    client, shop_manager, member, user, paid_lesson
):
    assert lesson_is_open_to(user=user, lesson=paid_lesson)
    client.force_login(shop_manager)
    invoice = member.invoices.get()
    page = _confirm(client, member, invoice).content.decode()
    assert "$29.00 refunded; the membership has ended." in page
    invoice.refresh_from_db()
    member.refresh_from_db()
    assert invoice.refunded_cents == 2900 and invoice.refunded_at is not None
    assert member.status == Membership.Status.CANCELED
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    # The first invoice was the checkout order's payment: the order is refunded with it.
    assert Order.objects.get().status == Order.Status.REFUNDED
    entry = ModelLogEntry.objects.get(action="shop.membership.refund")
    assert entry.user == shop_manager and entry.data["values"]["refunded_cents"] == 2900


def test_a_second_click_refunds_nothing_more(client, shop_manager, member):
    client.force_login(shop_manager)
    invoice = member.invoices.get()
    _confirm(client, member, invoice)
    after = _state(member)
    page = _confirm(client, member, invoice).content.decode()
    assert "This invoice has already been refunded." in page
    assert _state(member) == after
    assert ModelLogEntry.objects.filter(action="shop.membership.refund").count() == 1


def test_a_renewal_refund_ends_the_membership_but_leaves_the_first_order_paid(
    client, shop_manager, member
):
    membership_demo_renew(membership=member, approve=True)
    renewal = member.invoices.order_by("-period_start").first()
    client.force_login(shop_manager)
    _confirm(client, member, renewal)
    renewal.refresh_from_db()
    member.refresh_from_db()
    assert renewal.refunded_cents == 2900 and member.status == Membership.Status.CANCELED
    assert Order.objects.get().status == Order.Status.PAID
    assert member.invoices.exclude(pk=renewal.pk).get().refunded_cents == 0


def test_a_failed_last_invoice_is_refused_with_a_sentence_and_nothing_changes(
    client, shop_manager, member
):
    membership_demo_renew(membership=member, approve=False)
    failed = member.invoices.get(status=MembershipInvoice.Status.FAILED)
    before = _state(member)
    client.force_login(shop_manager)
    assert "nothing was paid to refund" in client.get(_url(member)).content.decode()
    page = _confirm(client, member, failed).content.decode()
    assert "payment failed: nothing was paid to refund" in page
    assert _state(member) == before


def test_a_confirmation_for_an_invoice_no_longer_the_last_is_shown_again(
    client, shop_manager, member
):
    first = member.invoices.get()
    membership_demo_renew(membership=member, approve=True)
    before = _state(member)
    client.force_login(shop_manager)
    page = _confirm(client, member, first).content.decode()
    assert "changed since you reviewed" in page
    assert _state(member) == before


def test_an_editor_may_not_refund_a_membership(client, editor, member):
    before = _state(member)
    client.force_login(editor)
    response = client.post(_url(member), {"invoice": member.invoices.get().pk})
    assert response.status_code in (302, 403)
    assert _state(member) == before


# Stripe ----------------------------------------------------------------------------------


@pytest.fixture
def stripe_member(client, user, plan, billing_peer, post):
    return stripe_membership(client=client, user=user, plan=plan, peer=billing_peer, post=post)


def _charge_refunded(intent_id, amount, *, event_id):
    charge = {
        "id": f"ch_{intent_id}",
        "object": "charge",
        "amount": amount,
        "amount_refunded": amount,
        "payment_intent": intent_id,
        "refunded": True,
        "metadata": {},
    }
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": "charge.refunded",
            "created": 1_800_000_000,
            "data": {"object": charge},
        }
    ).encode()


def test_on_stripe_the_invoice_payment_is_refunded_once_and_the_subscription_canceled(
    client, shop_manager, stripe_member, billing_peer, post
):
    invoice = stripe_member.invoices.get()
    client.force_login(shop_manager)
    _confirm(client, stripe_member, invoice)
    _confirm(client, stripe_member, invoice)  # a second click
    refunds = billing_peer.refunds()
    assert len(refunds) == 1
    assert refunds[0]["params"]["payment_intent"] == invoice.payment_reference
    assert refunds[0]["params"]["amount"] == "2900"
    assert refunds[0]["key"] == f"membership-invoice-{invoice.pk}-refund"
    subscription = billing_peer.objects[stripe_member.gateway_subscription]
    assert subscription["status"] == "canceled"
    after = _state(stripe_member)
    assert after[0] == Membership.Status.CANCELED
    response = post(_charge_refunded(invoice.payment_reference, 2900, event_id="evt_refund"))
    assert response.status_code == 200
    assert _state(stripe_member) == after
    assert len(billing_peer.refunds()) == 1


def test_a_stripe_renewal_refunded_at_stripe_is_recorded_from_charge_refunded_once(
    stripe_member, billing_peer, post
):
    renewal = {
        "id": "in_renewal",
        "object": "invoice",
        "customer": stripe_member.gateway_customer,
        "subscription": stripe_member.gateway_subscription,
        "status": "paid",
        "amount_paid": 2900,
        "amount_due": 2900,
        "lines": {
            "data": [
                {
                    "period": {
                        "start": int(stripe_member.current_period_end.timestamp()),
                        "end": int(stripe_member.current_period_end.timestamp()) + 30 * 86400,
                    }
                }
            ]
        },
        "status_transitions": {"paid_at": 1_800_000_000},
        "payment_intent": "pi_renewal",
    }
    post(
        json.dumps(
            {
                "id": "evt_r",
                "object": "event",
                "type": "invoice.paid",
                "created": 1,
                "data": {"object": renewal},
            }
        ).encode()
    )
    row = stripe_member.invoices.get(gateway_reference="in_renewal")
    assert row.payment_reference == "pi_renewal"
    assert post(_charge_refunded("pi_renewal", 2900, event_id="evt_rr")).content == b"handled"
    row.refresh_from_db()
    stripe_member.refresh_from_db()
    assert row.refunded_cents == 2900 and stripe_member.status == Membership.Status.CANCELED
    assert Order.objects.get().status == Order.Status.PAID
    after = _state(stripe_member)
    post(_charge_refunded("pi_renewal", 2900, event_id="evt_rr2"))
    assert _state(stripe_member) == after


def _renewal(member, *, intent="pi_renewal", invoice_id="in_renewal"):
    """A renewal invoice, paid, as Stripe's invoice.paid carries it."""
    start = int(member.current_period_end.timestamp())
    return {
        "id": invoice_id,
        "object": "invoice",
        "customer": member.gateway_customer,
        "subscription": member.gateway_subscription,
        "status": "paid",
        "amount_paid": 2900,
        "amount_due": 2900,
        "lines": {"data": [{"period": {"start": start, "end": start + 30 * 86400}}]},
        "status_transitions": {"paid_at": start},
        "payment_intent": intent,
    }


def _event(event_type, obj, event_id):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": 1_800_000_000,
            "data": {"object": obj},
        }
    ).encode()


def test_when_stripe_cannot_cancel_the_subscription_nothing_is_refunded_and_a_retry_refunds_once(
    client, shop_manager, stripe_member, billing_peer
):
    invoice = stripe_member.invoices.get()
    billing_peer.decline.add(f"/v1/subscriptions/{stripe_member.gateway_subscription}")
    before = _state(stripe_member)
    client.force_login(shop_manager)
    page = _confirm(client, stripe_member, invoice).content.decode()
    assert "The payment provider failed; nothing was refunded" in page
    assert billing_peer.refunds() == []
    assert _state(stripe_member) == before
    billing_peer.decline.clear()
    page = _confirm(client, stripe_member, invoice).content.decode()
    assert "$29.00 refunded; the membership has ended." in page
    assert len(billing_peer.refunds()) == 1
    assert _state(stripe_member)[0] == Membership.Status.CANCELED


def test_a_refund_declined_after_the_cancel_says_access_ended_and_a_retry_returns_the_money(
    client, shop_manager, stripe_member, billing_peer, user, paid_lesson
):
    invoice = stripe_member.invoices.get()
    billing_peer.decline.add("/v1/refunds")
    client.force_login(shop_manager)
    page = _confirm(client, stripe_member, invoice).content.decode()
    assert "nothing was refunded" in page and "refund again to return the money" in page
    invoice.refresh_from_db()
    assert invoice.refunded_at is None and Order.objects.get().status == Order.Status.PAID
    assert _state(stripe_member)[0] == Membership.Status.CANCELED
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    assert not ModelLogEntry.objects.filter(action="shop.membership.refund").exists()
    # The canceled membership's last invoice can still be refunded, once.
    billing_peer.decline.clear()
    billing_peer.requests.clear()  # the declined attempt returned nothing
    _confirm(client, stripe_member, invoice)
    invoice.refresh_from_db()
    assert invoice.refunded_cents == 2900 and Order.objects.get().status == Order.Status.REFUNDED
    assert len(billing_peer.refunds()) == 1
    assert ModelLogEntry.objects.filter(action="shop.membership.refund").count() == 1


def test_charge_refunded_arriving_before_our_record_refunds_once_and_the_manager_is_logged(
    client, shop_manager, stripe_member, billing_peer, post, monkeypatch
):
    post(_event("invoice.paid", _renewal(stripe_member), "evt_renewal"))
    billing_peer.objects["pi_renewal"] = {"id": "pi_renewal", "object": "payment_intent"}
    renewal = stripe_member.invoices.get(gateway_reference="in_renewal")
    refund = billing_peer._refund

    def refund_then_stripe_reports_it(params):
        answer = refund(params)
        post(_charge_refunded("pi_renewal", 2900, event_id="evt_early_refund"))
        return answer

    monkeypatch.setattr(billing_peer, "_refund", refund_then_stripe_reports_it)
    client.force_login(shop_manager)
    page = _confirm(client, stripe_member, renewal).content.decode()
    assert "$29.00 refunded; the membership has ended." in page
    renewal.refresh_from_db()
    assert renewal.refunded_cents == 2900
    assert len(billing_peer.refunds()) == 1
    assert Order.objects.get().status == Order.Status.PAID
    entry = ModelLogEntry.objects.get(action="shop.membership.refund")
    assert entry.user == shop_manager and entry.data["values"]["invoice"] == "in_renewal"


def test_after_a_partial_refund_at_stripe_the_admin_refunds_what_is_left(
    client, shop_manager, stripe_member, billing_peer, post
):
    post(_event("invoice.paid", _renewal(stripe_member), "evt_renewal"))
    billing_peer.objects["pi_renewal"] = {"id": "pi_renewal", "object": "payment_intent"}
    partial = json.loads(_charge_refunded("pi_renewal", 2900, event_id="evt_partial"))
    partial["data"]["object"].update(amount_refunded=1000, refunded=False)
    post(json.dumps(partial).encode())
    renewal = stripe_member.invoices.get(gateway_reference="in_renewal")
    assert renewal.refunded_cents == 1000
    stripe_member.refresh_from_db()
    assert stripe_member.status == Membership.Status.ACTIVE  # a partial refund keeps access
    client.force_login(shop_manager)
    assert "Confirm refund of $19.00" in client.get(_url(stripe_member)).content.decode()
    page = _confirm(client, stripe_member, renewal).content.decode()
    assert "$19.00 refunded; the membership has ended." in page
    (made,) = billing_peer.refunds()
    assert made["params"]["amount"] == "1900"
    assert made["key"] == f"membership-invoice-{renewal.pk}-refund-rest-1900"
    renewal.refresh_from_db()
    assert renewal.refunded_cents == 2900
    assert "already been refunded" in _confirm(client, stripe_member, renewal).content.decode()
    assert len(billing_peer.refunds()) == 1


def test_a_first_invoice_whose_event_named_no_payment_still_refunds_the_checkout_order(
    client, user, plan, billing_peer, post, shop_manager
):
    # Webhook endpoints on newer Stripe API versions send invoices without `payment_intent`.
    client.force_login(user)
    client.post(reverse("shop:cart_add_plan"), {"plan": plan.pk})
    client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    paid = dict(billing_peer.pay(order.gateway_reference))
    del paid["payment_intent"]
    post(_event("invoice.paid", paid, "evt_first"))
    member = Membership.objects.get()
    invoice = member.invoices.get()
    assert invoice.payment_reference == ""
    client.force_login(shop_manager)
    _confirm(client, member, invoice)
    (made,) = billing_peer.refunds()
    assert made["params"]["payment_intent"] == order.gateway_reference
    invoice.refresh_from_db()
    assert invoice.payment_reference == order.gateway_reference
    assert Order.objects.get().status == Order.Status.REFUNDED


def test_a_last_invoice_of_a_free_trial_charged_nothing_and_is_refused(client, shop_manager, user):
    trial = MembershipPlanFactory(name="Trial", price_cents=2900, trial_days=7)
    subscribe_and_pay(user, trial)
    member = Membership.objects.get()
    assert member.status == Membership.Status.TRIALING
    before = _state(member)
    client.force_login(shop_manager)
    inspect = client.get(reverse("membership:inspect", args=[member.pk])).content.decode()
    assert _url(member) not in inspect
    page = _confirm(client, member, member.invoices.get()).content.decode()
    assert "This invoice charged nothing: there is nothing to refund." in page
    assert _state(member) == before


def _switch_to_yearly_and_back(member, gateway):
    """Monthly → yearly (charged: the year less the month's unused part) → monthly again (the
    year's unused part pays the month: a 0-cent invoice). Returns the yearly switch's invoice."""
    yearly = MembershipPlanFactory(name="Yearly", price_cents=29000, interval="year")
    to_yearly = membership_switch_plan(membership=member, plan=yearly, gateway=gateway)
    monthly = MembershipPlanFactory(name="Monthly again", price_cents=2900)
    back = membership_switch_plan(membership=member, plan=monthly, gateway=gateway)
    assert back.amount_cents == 0 and back.status == MembershipInvoice.Status.PAID
    assert 0 < to_yearly.amount_cents < 29000  # the month's unused part was credited
    return to_yearly


def test_after_switching_down_the_refund_is_of_the_last_invoice_that_charged_money(
    client, shop_manager, member, user, paid_lesson
):
    to_yearly = _switch_to_yearly_and_back(member, TestGateway())
    member.refresh_from_db()
    assert member.credit_cents > 0  # what the year left over, for later renewals
    client.force_login(shop_manager)
    amount = format_money(to_yearly.amount_cents, "USD")
    page = client.get(_url(member)).content.decode()
    assert f"Confirm refund of {amount}" in page
    assert to_yearly.gateway_reference in page and "Plan change: Monthly → Yearly" in page
    assert "charged nothing, so there is nothing to give back there" in page
    assert "credit the plan change left" in page
    page = _confirm(client, member, to_yearly).content.decode()
    assert f"{amount} refunded; the membership has ended." in page
    to_yearly.refresh_from_db()
    member.refresh_from_db()
    assert to_yearly.refunded_cents == to_yearly.amount_cents
    assert member.status == Membership.Status.CANCELED and member.credit_cents == 0
    assert not lesson_is_open_to(user=user, lesson=paid_lesson)
    # Only that invoice: the checkout order's payment and the 0-cent one are untouched.
    assert Order.objects.get().status == Order.Status.PAID
    assert member.invoices.exclude(pk=to_yearly.pk).filter(refunded_cents__gt=0).count() == 0
    entry = ModelLogEntry.objects.get(action="shop.membership.refund")
    assert entry.data["values"] == {
        "refunded_cents": to_yearly.amount_cents,
        "invoice": to_yearly.gateway_reference,
    }
    assert "already been refunded" in _confirm(client, member, to_yearly).content.decode()


def test_a_confirmation_naming_the_0_cent_invoice_refunds_nothing(client, shop_manager, member):
    _switch_to_yearly_and_back(member, TestGateway())
    zero = member.invoices.order_by("-period_start", "-pk").first()
    before = _state(member)
    client.force_login(shop_manager)
    page = _confirm(client, member, zero).content.decode()
    assert "changed since you reviewed" in page
    assert _state(member) == before


def test_on_stripe_after_switching_down_the_rest_of_the_charged_switch_is_refunded(
    client, shop_manager, stripe_member, billing_peer, post
):
    to_yearly = _switch_to_yearly_and_back(stripe_member, get_gateway())
    assert to_yearly.payment_reference.startswith("pi_")
    # Stripe's dashboard refunded $10.00 of it first (`charge.refunded`, cumulative).
    post(_charge_refunded(to_yearly.payment_reference, 1000, event_id="evt_partial_switch"))
    to_yearly.refresh_from_db()
    assert to_yearly.refunded_cents == 1000
    rest = to_yearly.amount_cents - 1000
    client.force_login(shop_manager)
    page = client.get(_url(stripe_member)).content.decode()
    assert f"Confirm refund of {format_money(rest, 'USD')}" in page
    assert f"{format_money(1000, 'USD')} was refunded already" in page
    _confirm(client, stripe_member, to_yearly)
    _confirm(client, stripe_member, to_yearly)  # a second click
    (made,) = billing_peer.refunds()
    assert made["params"] == {"payment_intent": to_yearly.payment_reference, "amount": str(rest)}
    assert made["key"] == f"membership-invoice-{to_yearly.pk}-refund-rest-{rest}"
    to_yearly.refresh_from_db()
    stripe_member.refresh_from_db()
    assert to_yearly.refunded_cents == to_yearly.amount_cents
    assert stripe_member.status == Membership.Status.CANCELED
    assert billing_peer.objects[stripe_member.gateway_subscription]["status"] == "canceled"
    assert Order.objects.get().status == Order.Status.PAID
