"""One order holds a bounded cart, and totals beyond 2^31-1 cents work on PostgreSQL too."""

import pytest

from shop.models import Cart, CartGiftCardLine, CartLine, Order
from tests.courses.factories import CoursePageFactory
from tests.shop.factories import GiftCardDenominationFactory

pytestmark = pytest.mark.django_db

BIG = 2_000_000_000  # $20,000,000.00: two of them pass PostgreSQL's 32-bit integer


def _add_gift_cards(client, denomination, quantity):
    return client.post(
        "/shop/gift-cards/",
        {
            "denomination": denomination.pk,
            "quantity": quantity,
            "recipient_name": "Sam",
            "recipient_email": "sam@example.com",
        },
        follow=True,
    )


def test_a_course_beyond_the_cap_is_refused_with_a_message(client, settings, course_index):
    settings.SHOP_CART_MAX_COURSES = 2
    courses = [CoursePageFactory(parent=course_index, title=f"Course {n}") for n in range(3)]
    for course in courses[:2]:
        client.post("/shop/cart/add/", {"course": course.pk})
    response = client.post("/shop/cart/add/", {"course": courses[2].pk}, follow=True)
    assert "One order can hold at most 2 courses" in response.content.decode()
    assert CartLine.objects.count() == 2
    assert not CartLine.objects.filter(course=courses[2]).exists()


def test_adding_a_course_already_in_a_full_cart_is_no_refusal(client, settings, course):
    settings.SHOP_CART_MAX_COURSES = 1
    client.post("/shop/cart/add/", {"course": course.pk})
    response = client.post("/shop/cart/add/", {"course": course.pk}, follow=True)
    assert "at most" not in response.content.decode()
    assert CartLine.objects.count() == 1


def test_gift_cards_beyond_the_cap_are_refused_with_a_message(client, settings, db):
    settings.SHOP_CART_MAX_GIFT_CARDS = 12
    denomination = GiftCardDenominationFactory()
    _add_gift_cards(client, denomination, 10)
    response = _add_gift_cards(client, denomination, 3)
    assert "One order can hold at most 12 gift cards" in response.content.decode()
    assert list(CartGiftCardLine.objects.values_list("quantity", flat=True)) == [10]


def test_checkout_refuses_a_cart_above_the_caps_and_places_nothing(client, settings, user, course):
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, course=course)
    CartGiftCardLine.objects.create(
        cart=cart,
        denomination=GiftCardDenominationFactory(),
        quantity=settings.SHOP_CART_MAX_GIFT_CARDS + 1,
        recipient_name="Sam",
        recipient_email="sam@example.com",
    )
    client.force_login(user)
    assert "at most 20 gift cards" in client.get("/shop/cart/").content.decode()
    response = client.post("/shop/checkout/", follow=True)
    assert "One order can hold at most 20 gift cards" in response.content.decode()
    assert not Order.objects.exists()


def test_totals_above_two_to_the_31_cents_are_summed_and_checked_out(client, user, course):
    """The repro: the mini-cart and checkout answered 500 "integer out of range" on PostgreSQL."""
    denomination = GiftCardDenominationFactory(amount_cents=BIG)
    client.force_login(user)
    client.post("/shop/cart/add/", {"course": course.pk})
    _add_gift_cards(client, denomination, 10)
    expected = course.price_cents + 10 * BIG

    summary = client.get("/shop/cart/summary.json")
    assert summary.status_code == 200
    assert summary.json()["subtotal_cents"] == expected
    assert summary.json()["count"] == 11

    client.raise_request_exception = False
    assert client.post("/shop/checkout/").status_code == 302
    order = Order.objects.get()
    assert (order.subtotal_cents, order.total_cents) == (expected, expected)
    assert order.lines.get(is_gift_card=True).unit_price_cents == BIG


def test_a_cart_too_big_for_one_order_gets_a_message_not_a_500(client, user):
    denomination = GiftCardDenominationFactory(amount_cents=BIG)
    client.force_login(user)
    client.raise_request_exception = False
    _add_gift_cards(client, denomination, 10)
    _add_gift_cards(client, denomination, 10)
    response = _add_gift_cards(client, denomination, 10)
    assert response.status_code == 200
    assert "One order can hold at most 20 gift cards" in response.content.decode()
    assert client.get("/shop/cart/summary.json").json()["subtotal_cents"] == 20 * BIG
