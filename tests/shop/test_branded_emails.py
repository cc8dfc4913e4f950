"""Receipts, gift cards and account e-mails: one branded layout (HTML with the subject as its
<title>, and a text part signed off the same way)."""

import pytest
from django.core import mail
from django.utils.html import escape

from shop.models import Cart, GiftCard
from shop.services import cart_add_gift_card, order_fulfil, order_place
from tests.shop.factories import GiftCardDenominationFactory

pytestmark = pytest.mark.django_db

LAYOUT_MARK = "max-width:560px;margin:0 auto;background:#ffffff"


def _assert_branded(message, site_url):
    assert message.body.strip(), "a text part"
    html = dict((kind, body) for body, kind in message.alternatives)["text/html"]
    assert f"<title>{escape(message.subject)}</title>" in html
    assert LAYOUT_MARK in html
    assert f'<a href="{site_url}"' in html
    assert f"— Coachhouse\n{site_url}" in message.body
    assert html.count("— Coachhouse") == 1, "signed off once"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "https://coach.example.com"
    return settings.SITE_URL


def test_the_receipt_and_the_gift_card_share_the_branded_layout(
    user, site_url, django_capture_on_commit_callbacks
):
    cart = Cart.objects.create(user=user)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory(amount_cents=5000).pk,
        quantity=1,
        recipient_name="Sam",
        recipient_email="sam@example.com",
    )
    order = order_place(cart=cart, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order=order)

    receipt = next(m for m in mail.outbox if m.to == [user.email])
    gift = next(m for m in mail.outbox if m.to == ["sam@example.com"])
    assert order.number in receipt.subject
    assert GiftCard.objects.get().display_code in gift.body
    for message in (receipt, gift):
        _assert_branded(message, site_url)


def test_account_emails_share_the_branded_layout(client, site_url):
    client.post(
        "/account/signup/",
        {
            "email": "new@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    client.logout()
    client.post("/account/password/reset/", {"email": "new@example.com"})

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        _assert_branded(message, site_url)
        assert "Hello from Coachhouse!" in message.body
        assert "You receive this because of your Coachhouse account" in message.body
