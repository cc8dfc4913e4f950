"""My account → Membership → Update card: on Stripe a SetupIntent (the customer's, for
off-session renewals) confirmed by the Payment Element on our page, then made the customer's
and subscription's default from the return page or `setup_intent.succeeded` (either first,
each once); a past-due membership's failed renewal is then charged again (`Invoice.pay`).
On the test gateway a labelled test card form does the same without money."""

import json
import time

import pytest
from django.urls import reverse

from shop.models import Membership, MembershipInvoice
from shop.services import membership_demo_renew
from tests.shop.billing_peer import stripe_membership
from tests.shop.factories import MembershipPlanFactory, subscribe_and_pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(course):
    return MembershipPlanFactory(name="Monthly", price_cents=2900, courses=[course])


def _state(membership):
    membership.refresh_from_db()
    return (
        membership.status,
        membership.grace_ends_at,
        list(membership.invoices.values_list("pk", "status")),
    )


# The test gateway ------------------------------------------------------------------------


@pytest.fixture
def past_due(user, plan):
    subscribe_and_pay(user, plan)
    membership = Membership.objects.get()
    membership_demo_renew(membership=membership, approve=False)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.PAST_DUE
    return membership


def test_the_account_page_links_a_past_due_member_to_the_card_update(client, user, past_due):
    client.force_login(user)
    page = client.get(reverse("shop:membership_account")).content.decode()
    assert reverse("shop:membership_card", args=[past_due.pk]) in page


def test_the_test_card_form_is_labelled_as_a_test(client, user, past_due):
    client.force_login(user)
    page = client.get(reverse("shop:membership_card", args=[past_due.pk])).content.decode()
    assert "Test card — no card is stored and no money moves" in page
    assert "js.stripe.com" not in page


def test_saving_a_test_card_pays_the_failed_renewal_and_the_membership_is_active_again(
    client, user, past_due
):
    client.force_login(user)
    response = client.post(
        reverse("shop:membership_card", args=[past_due.pk]), {"action": "save"}, follow=True
    )
    assert "your renewal is paid" in response.content.decode()
    past_due.refresh_from_db()
    assert past_due.status == Membership.Status.ACTIVE and past_due.grace_ends_at is None
    assert not past_due.invoices.filter(status=MembershipInvoice.Status.FAILED).exists()
    assert past_due.invoices.filter(status=MembershipInvoice.Status.PAID).count() == 2


def test_a_declined_test_card_changes_nothing(client, user, past_due):
    before = _state(past_due)
    client.force_login(user)
    response = client.post(
        reverse("shop:membership_card", args=[past_due.pk]), {"action": "decline"}, follow=True
    )
    assert "could not be saved" in response.content.decode()
    assert _state(past_due) == before


def test_an_ended_membership_has_no_card_to_update(client, user, past_due):
    Membership.objects.filter(pk=past_due.pk).update(status=Membership.Status.CANCELED)
    before = _state(past_due)
    client.force_login(user)
    for response in [
        client.get(reverse("shop:membership_card", args=[past_due.pk]), follow=True),
        client.post(
            reverse("shop:membership_card", args=[past_due.pk]), {"action": "save"}, follow=True
        ),
    ]:
        assert "there is no card to update" in response.content.decode()
    assert _state(past_due) == before


def test_another_members_card_page_is_not_found(client, other_user, past_due):
    client.force_login(other_user)
    assert client.get(reverse("shop:membership_card", args=[past_due.pk])).status_code == 404
    response = client.post(reverse("shop:membership_card", args=[past_due.pk]), {"action": "save"})
    assert response.status_code == 404
    past_due.refresh_from_db()
    assert past_due.status == Membership.Status.PAST_DUE


# Stripe ----------------------------------------------------------------------------------


@pytest.fixture
def stripe_member(client, user, plan, billing_peer, post):
    return stripe_membership(client=client, user=user, plan=plan, peer=billing_peer, post=post)


def _signed(kind, obj, *, event_id):
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": kind,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


@pytest.fixture
def stripe_past_due(stripe_member, billing_peer, post):
    """The renewal failed at Stripe: an open invoice and `invoice.payment_failed`."""
    start = int(stripe_member.current_period_end.timestamp())
    invoice = {
        "id": "in_renewal",
        "object": "invoice",
        "customer": stripe_member.gateway_customer,
        "subscription": stripe_member.gateway_subscription,
        "status": "open",
        "amount_due": 2900,
        "amount_paid": 0,
        "lines": {"data": [{"period": {"start": start, "end": start + 30 * 86400}}]},
        "payment_intent": "pi_renewal",
    }
    billing_peer.objects["in_renewal"] = invoice
    post(_signed("invoice.payment_failed", invoice, event_id="evt_failed"))
    stripe_member.refresh_from_db()
    assert stripe_member.status == Membership.Status.PAST_DUE
    return stripe_member


def _open_page(client, membership):
    return client.get(reverse("shop:membership_card", args=[membership.pk])).content.decode()


def _confirm_setup(peer, *, payment_method="pm_new"):
    """What Stripe.js's confirmSetup does with a good card."""
    setup = peer.created("/v1/setup_intents")[-1]
    intent = next(o for o in peer.objects.values() if o.get("object") == "setup_intent")
    intent.update(status="succeeded", payment_method=payment_method)
    assert setup
    return intent


def test_the_card_page_confirms_an_off_session_setup_intent_for_the_members_customer(
    client, stripe_member, billing_peer
):
    page = _open_page(client, stripe_member)
    again = _open_page(client, stripe_member)  # a reload opens no second one
    created = billing_peer.created("/v1/setup_intents")
    assert len(created) == 1
    params = created[0]["params"]
    assert params["customer"] == stripe_member.gateway_customer
    assert params["usage"] == "off_session"
    assert params["metadata[subscription]"] == stripe_member.gateway_subscription
    for html in (page, again):
        assert 'data-intent="setup"' in html and 'data-client-secret="seti_secret_x"' in html
        assert "js/stripe-payment" in html


def test_the_return_page_makes_the_card_the_default_and_pays_the_failed_renewal(
    client, stripe_past_due, billing_peer
):
    _open_page(client, stripe_past_due)
    intent = _confirm_setup(billing_peer)
    response = client.get(
        reverse("shop:membership_card_return", args=[stripe_past_due.pk]),
        {"setup_intent": intent["id"]},
        follow=True,
    )
    assert "your renewal is paid" in response.content.decode()
    customer = billing_peer.objects[stripe_past_due.gateway_customer]
    subscription = billing_peer.objects[stripe_past_due.gateway_subscription]
    assert customer["invoice_settings"]["default_payment_method"] == "pm_new"
    assert subscription["default_payment_method"] == "pm_new"
    pays = billing_peer.created("/v1/invoices/in_renewal/pay")
    assert len(pays) == 1 and pays[0]["key"] == f"retry-{intent['id']}"
    stripe_past_due.refresh_from_db()
    assert stripe_past_due.status == Membership.Status.ACTIVE
    assert stripe_past_due.invoices.get(gateway_reference="in_renewal").status == "paid"


def test_setup_intent_succeeded_after_the_return_page_changes_nothing_more(
    client, stripe_past_due, billing_peer, post
):
    _open_page(client, stripe_past_due)
    intent = _confirm_setup(billing_peer)
    client.get(
        reverse("shop:membership_card_return", args=[stripe_past_due.pk]),
        {"setup_intent": intent["id"]},
    )
    after = _state(stripe_past_due)
    assert post(_signed("setup_intent.succeeded", intent, event_id="evt_s")).content == b"handled"
    assert _state(stripe_past_due) == after
    assert len(billing_peer.created("/v1/invoices/in_renewal/pay")) == 1


def test_setup_intent_succeeded_alone_saves_the_card_and_pays_the_failed_renewal(
    client, stripe_past_due, billing_peer, post
):
    _open_page(client, stripe_past_due)
    intent = _confirm_setup(billing_peer, payment_method="pm_hook")
    post(_signed("setup_intent.succeeded", intent, event_id="evt_s"))
    customer = billing_peer.objects[stripe_past_due.gateway_customer]
    assert customer["invoice_settings"]["default_payment_method"] == "pm_hook"
    stripe_past_due.refresh_from_db()
    assert stripe_past_due.status == Membership.Status.ACTIVE


def test_an_unconfirmed_setup_intent_on_the_return_page_changes_nothing(
    client, stripe_past_due, billing_peer
):
    _open_page(client, stripe_past_due)
    intent = next(o for o in billing_peer.objects.values() if o.get("object") == "setup_intent")
    before = _state(stripe_past_due)
    response = client.get(
        reverse("shop:membership_card_return", args=[stripe_past_due.pk]),
        {"setup_intent": intent["id"]},
        follow=True,
    )
    assert "still being confirmed" in response.content.decode()
    assert _state(stripe_past_due) == before
    assert "invoice_settings" not in billing_peer.objects[stripe_past_due.gateway_customer]


def test_another_customers_setup_intent_is_refused_on_the_return_page(
    client, stripe_past_due, billing_peer
):
    stranger = billing_peer._new(
        "seti",
        {
            "object": "setup_intent",
            "customer": "cus_other",
            "status": "succeeded",
            "payment_method": "pm_x",
        },
    )
    before = _state(stripe_past_due)
    response = client.get(
        reverse("shop:membership_card_return", args=[stripe_past_due.pk]),
        {"setup_intent": stranger["id"]},
        follow=True,
    )
    assert "not for this membership" in response.content.decode()
    assert _state(stripe_past_due) == before
    assert not billing_peer.created(f"/v1/customers/{stripe_past_due.gateway_customer}")


def test_a_bad_return_reference_is_a_message_not_an_error(client, stripe_member):
    response = client.get(
        reverse("shop:membership_card_return", args=[stripe_member.pk]),
        {"setup_intent": "x" * 300},
        follow=True,
    )
    assert response.status_code == 200
    assert "not for this membership" in response.content.decode()
