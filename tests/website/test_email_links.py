"""Every e-mail links to settings.SITE_URL, never to the host a request came in on.

tests/conftest.py sets SITE_URL to http://coachhouse.test:8123 (not the test client's
`testserver`, not the demo's default port), so a link built any other way fails here.
"""

import re

import pytest
from django.core import mail

from shop.models import Cart
from shop.services import cart_add_gift_card, order_fulfil, order_place
from tests.conftest import SITE_URL
from tests.factories import UserFactory
from tests.shop.factories import GiftCardDenominationFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"'<>)]+")


def _links(message) -> list[str]:
    bodies = [message.body, *(content for content, _ in getattr(message, "alternatives", []))]
    return [link for body in bodies for link in LINK.findall(body)]


def _own_links(message) -> list[str]:
    return [link for link in _links(message) if "coachhouse" in link or "testserver" in link]


def _assert_all_on_site_url(message):
    links = _own_links(message)
    assert links, message.body
    for link in links:
        assert link == SITE_URL or link.startswith(SITE_URL + "/"), link


def test_the_receipt_and_the_gift_card_claim_link_point_at_site_url(
    django_capture_on_commit_callbacks,
):
    buyer = UserFactory()
    cart = Cart.objects.create(user=buyer)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory(amount_cents=5000).pk,
        quantity=1,
        recipient_name="Sam",
        recipient_email="sam@example.com",
        message="",
    )
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order=order_place(cart=cart, user=buyer))
    receipt = next(m for m in mail.outbox if m.to == [buyer.email])
    gift = next(m for m in mail.outbox if m.to == ["sam@example.com"])
    _assert_all_on_site_url(receipt)
    _assert_all_on_site_url(gift)
    assert any("/shop/gift-cards/claim/?code=" in link for link in _links(gift))


def test_the_sign_up_verification_email_is_branded_with_html_and_links_on_site_url(
    client, home_page
):
    client.post(
        "/account/signup/",
        {
            "email": "new@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    [message] = [m for m in mail.outbox if m.to == ["new@example.com"]]
    assert message.subject.startswith("[Coachhouse] ")
    assert "Hello from Coachhouse!" in message.body
    assert "testserver" not in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Coachhouse" in html and "<a href=" in html
    _assert_all_on_site_url(message)
    assert any("/account/confirm-email/" in link for link in _links(message))


def test_the_password_reset_email_links_on_site_url(client, home_page):
    user = UserFactory()
    client.post("/account/password/reset/", {"email": user.email})
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    _assert_all_on_site_url(message)
    assert any("/account/password/reset/key/" in link for link in _links(message))


def test_the_newsletter_confirmation_links_on_site_url(client, home_page):
    client.post("/newsletter/", {"email": "reader@example.com", "first_name": "Ada"})
    [message] = [m for m in mail.outbox if m.to == ["reader@example.com"]]
    _assert_all_on_site_url(message)
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{SITE_URL}/")
