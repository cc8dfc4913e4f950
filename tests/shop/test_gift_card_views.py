"""Gift card pages: buying, applying a code in the cart, claiming, My account, checkout."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from shop.models import CartGiftCardLine, GiftCard, Order
from shop.services import gift_card_claim
from tests.shop.factories import GiftCardDenominationFactory, issue_card

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def fifty():
    return GiftCardDenominationFactory(amount_cents=5000)


def _buy(client, fifty, **overrides):
    data = {
        "denomination": fifty.pk,
        "quantity": 1,
        "recipient_name": "Sam",
        "recipient_email": "sam@example.com",
        "message": "Enjoy!",
        "deliver_on": "",
        **overrides,
    }
    return client.post(reverse("shop:gift_card_shop"), data, follow=True)


# Buying ----------------------------------------------------------------------


def test_the_gift_card_page_offers_the_values_on_sale(client, fifty):
    GiftCardDenominationFactory(amount_cents=25000, is_active=False)
    page = client.get(reverse("shop:gift_card_shop")).content.decode()
    assert "$50.00 gift card" in page
    assert "$250.00" not in page


def test_buying_a_gift_card_puts_it_in_the_cart_with_its_quantity(client, fifty):
    response = _buy(client, fifty, quantity=3)
    line = CartGiftCardLine.objects.get()
    assert (line.quantity, line.recipient_email) == (3, "sam@example.com")
    assert "$150.00" in response.content.decode()
    summary = client.get(reverse("shop:cart_summary")).json()
    assert (summary["count"], summary["subtotal_cents"]) == (3, 15000)


def test_an_invalid_recipient_email_is_a_form_error_and_nothing_is_added(client, fifty):
    response = _buy(client, fifty, recipient_email="not-an-email")
    assert "Enter a valid email address." in response.content.decode()
    assert not CartGiftCardLine.objects.exists()


def test_a_tampered_denomination_is_refused(client, fifty):
    response = _buy(client, fifty, denomination=999999)
    assert response.status_code == 200
    assert not CartGiftCardLine.objects.exists()


def test_a_gift_card_line_can_be_removed_from_the_cart(client, fifty):
    _buy(client, fifty)
    line = CartGiftCardLine.objects.get()
    client.post(reverse("shop:gift_card_line_remove"), {"item": line.pk})
    assert not CartGiftCardLine.objects.exists()


# Applying a code -----------------------------------------------------------


def _apply(client, code):
    return client.post(reverse("shop:gift_card_apply"), {"code": code}, follow=True)


def test_applying_a_code_shows_the_amount_taken_off_the_total(client, course, gift_card):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = _apply(client, gift_card.code.lower())
    page = response.content.decode()
    assert f"Gift card {gift_card.display_code} applied." in _messages(response)
    assert "−$100.00" in page
    assert "$49.00" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_active": False}, "has been deactivated"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "has expired"),
        ({"balance_cents": 0}, "has no balance left"),
    ],
)
def test_an_unusable_code_says_why_and_is_not_applied(client, course, gift_card, change, message):
    GiftCard.objects.filter(pk=gift_card.pk).update(**change)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = _apply(client, gift_card.code)
    assert any(message in m for m in _messages(response))
    assert "−$" not in response.content.decode()


def test_an_unknown_or_malformed_code_says_it_is_not_valid(client, course):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = _apply(client, "<script>")
    assert "That is not a valid gift card code. Check it and try again." in _messages(response)


def test_a_card_claimed_by_another_account_is_refused(client, user, other_user, course, gift_card):
    gift_card_claim(code=gift_card.code, user=other_user)
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = _apply(client, gift_card.code)
    assert any("claimed by another account" in m for m in _messages(response))


def test_more_than_ten_failed_codes_an_hour_are_rate_limited(client, course, gift_card):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    for _ in range(10):
        _apply(client, "WRONG")
    response = _apply(client, gift_card.code)
    assert _messages(response) == ["Too many gift card codes tried. Please try again in an hour."]
    assert "−$100.00" not in response.content.decode()


# Checkout --------------------------------------------------------------------


def test_an_order_fully_covered_by_a_gift_card_completes_without_a_gateway(
    client, user, course, django_capture_on_commit_callbacks
):
    gift_card = issue_card(20000)
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    _apply(client, gift_card.code)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert (order.status, order.gateway, order.total_cents) == ("paid", "none", 0)
    assert response["Location"] == reverse("courses:library")
    assert Enrollment.objects.filter(user=user, course=course).exists()
    gift_card.refresh_from_db()
    assert gift_card.balance_cents == 20000 - 14900


def test_a_partly_covered_order_sends_the_rest_to_the_gateway(client, user, course):
    card = issue_card(5000)
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    _apply(client, card.code)
    response = client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    assert (order.gift_card_cents, order.total_cents) == (5000, 9900)
    assert response["Location"] == reverse("shop:test_payment", args=[order.number])


# Claiming and My account ---------------------------------------------------


def test_claiming_needs_a_login(client, gift_card):
    response = client.get(reverse("shop:gift_card_claim") + f"?code={gift_card.code}")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_emailed_link_prefills_the_code(client, user, gift_card):
    client.force_login(user)
    page = client.get(reverse("shop:gift_card_claim") + f"?code={gift_card.code}")
    assert f'value="{gift_card.code}"' in page.content.decode()


def test_claiming_moves_the_card_into_my_gift_cards(client, user, gift_card):
    client.force_login(user)
    response = client.post(
        reverse("shop:gift_card_claim"), {"code": gift_card.display_code}, follow=True
    )
    page = response.content.decode()
    assert gift_card.display_code in page
    assert "Balance $100.00" in page
    assert "Issued" in page


def test_claiming_a_card_someone_else_claimed_says_so_and_changes_nothing(
    client, user, other_user, gift_card
):
    gift_card_claim(code=gift_card.code, user=other_user)
    client.force_login(user)
    response = client.post(reverse("shop:gift_card_claim"), {"code": gift_card.code}, follow=True)
    assert any("claimed by another account" in m for m in _messages(response))
    gift_card.refresh_from_db()
    assert gift_card.owner == other_user


def test_my_account_links_to_gift_cards(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:overview")).content.decode()
    assert reverse("shop:gift_card_list") in page


def test_my_gift_cards_lists_only_my_cards(client, user, other_user, gift_card):
    gift_card_claim(code=gift_card.code, user=other_user)
    client.force_login(user)
    page = client.get(reverse("shop:gift_card_list")).content.decode()
    assert gift_card.display_code not in page
    assert "No gift cards in your account yet." in page


def test_paying_for_gift_cards_only_lands_on_the_receipt_with_the_codes_masked(
    client, user, fifty, django_capture_on_commit_callbacks
):
    client.force_login(user)
    _buy(client, fifty)
    client.post(reverse("shop:checkout"))
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("shop:test_payment", args=[order.number]), {"action": "pay"}, follow=True
        )
    card = GiftCard.objects.get(order_line__order=order)
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    page = response.content.decode()
    assert card.masked_code in page
    assert card.display_code not in page
    assert card.code not in page
    assert "sam@example.com" in page


def test_one_visitors_bad_codes_do_not_block_another_customer_behind_the_same_address(
    client, course, gift_card
):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    for _ in range(11):
        _apply(client, "WRONG")
    assert any("Too many gift card codes" in m for m in _messages(_apply(client, "WRONG")))

    other = Client()
    other.post(reverse("shop:cart_add"), {"course": course.pk})
    response = _apply(other, gift_card.code)
    assert f"Gift card {gift_card.display_code} applied." in _messages(response)
