"""Claimed gift cards offered in the cart: listed with a one-click "Use $X", applied by id
through the same path as a typed code, and refused (changing nothing) when not usable."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shop.exceptions import GiftCardNotFound, GiftCardRewardNotForGiftCards
from shop.models import Cart, GiftCard
from shop.services import cart_add_gift_card, cart_apply_gift_card, gift_card_claim
from tests.shop.factories import GiftCardDenominationFactory, issue_card

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _claimed(user, amount_cents=5000, **fields):
    card = issue_card(amount_cents)
    gift_card_claim(code=card.code, user=user)
    if fields:
        GiftCard.objects.filter(pk=card.pk).update(**fields)
    card.refresh_from_db()
    return card


def _use(client, card_id, **extra):
    return client.post(reverse("shop:gift_card_apply"), {"card_id": card_id, **extra}, follow=True)


@pytest.fixture
def shopper(client, user, course):
    """A signed-in customer with the $149 course in the cart."""
    client.force_login(user)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    return client


def test_the_cart_offers_my_claimed_cards_with_what_each_would_take(shopper, user):
    small = _claimed(user, 5000)
    big = _claimed(user, 20000)

    offers = shopper.get(reverse("shop:cart")).context["gift_card_offers"]
    page = shopper.get(reverse("shop:cart")).content.decode()

    assert [(o.card.pk, o.amount_cents) for o in offers] == [(small.pk, 5000), (big.pk, 14900)]
    assert "Use $50.00" in page
    assert "Use $149.00" in page
    assert small.masked_code in page
    assert small.display_code not in page


@pytest.mark.parametrize(
    "fields",
    [
        {"balance_cents": 0},
        {"is_active": False},
        {"expires_at": timezone.now() - timedelta(days=1)},
        {"pending_until": timezone.now() + timedelta(days=3), "source": "promotion"},
        {"frozen_at": timezone.now()},
    ],
    ids=["empty", "void", "expired", "pending reward", "frozen"],
)
def test_cards_that_cannot_pay_now_are_not_offered(shopper, user, fields):
    _claimed(user, 5000, **fields)
    assert shopper.get(reverse("shop:cart")).context["gift_card_offers"] == []


def test_someone_elses_and_unclaimed_cards_are_not_offered(shopper, other_user):
    _claimed(other_user, 5000)
    issue_card(5000)
    page = shopper.get(reverse("shop:cart"))
    assert page.context["gift_card_offers"] == []
    assert "Your gift cards" not in page.content.decode()


def test_an_anonymous_cart_offers_no_cards(client, course):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    assert client.get(reverse("shop:cart")).context["gift_card_offers"] == []


def test_using_a_claimed_card_takes_it_off_the_total_and_stops_offering_it(shopper, user):
    card = _claimed(user, 5000)

    response = _use(shopper, card.pk)

    assert f"Gift card {card.display_code} applied." in _messages(response)
    totals = response.context["totals"]
    assert (totals.gift_card_cents, totals.total_cents) == (5000, 9900)
    assert response.context["gift_card_offers"] == []


def test_a_card_covering_the_whole_cart_leaves_nothing_more_to_offer(shopper, user):
    first = _claimed(user, 20000)
    _claimed(user, 5000)
    response = _use(shopper, first.pk)
    assert response.context["totals"].total_cents == 0
    assert response.context["gift_card_offers"] == []


def test_an_amount_sent_by_the_browser_is_ignored(shopper, user):
    card = _claimed(user, 5000)
    response = _use(shopper, card.pk, amount_cents=1, amount="0.01")
    assert response.context["totals"].gift_card_cents == 5000


@pytest.mark.parametrize("whose", ["another account's", "unclaimed", "nonexistent"])
def test_a_card_id_that_is_not_mine_is_refused_and_nothing_changes(
    shopper, user, other_user, whose
):
    card_id = {
        "another account's": lambda: _claimed(other_user, 5000).pk,
        "unclaimed": lambda: issue_card(5000).pk,
        "nonexistent": lambda: 987654,
    }[whose]()

    response = _use(shopper, card_id)

    assert "That is not a valid gift card code. Check it and try again." in _messages(response)
    assert not Cart.objects.get(user=user).gift_cards.exists()
    assert response.context["totals"].gift_card_cents == 0


def test_an_anonymous_visitor_cannot_use_an_unclaimed_card_by_id(client, course):
    card = issue_card(5000)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    response = _use(client, card.pk)
    assert "That is not a valid gift card code. Check it and try again." in _messages(response)
    assert not Cart.objects.filter(gift_cards=card).exists()
    assert response.context["totals"].gift_card_cents == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"balance_cents": 0}, "has no balance left"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "has expired"),
        ({"is_active": False}, "has been deactivated"),
        (
            {"pending_until": timezone.now() + timedelta(days=3), "source": "promotion"},
            "it can be used from",
        ),
    ],
    ids=["empty", "expired", "void", "pending"],
)
def test_my_card_that_cannot_pay_is_refused_saying_why(shopper, user, fields, message):
    card = _claimed(user, 5000, **fields)
    response = _use(shopper, card.pk)
    assert any(message in m for m in _messages(response))
    assert not Cart.objects.get(user=user).gift_cards.exists()


def test_a_reward_card_is_neither_offered_nor_applied_to_a_cart_buying_gift_cards(shopper, user):
    reward = _claimed(user, 5000, source=GiftCard.Source.PROMOTION)
    cart = Cart.objects.get(user=user)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory(amount_cents=2500).pk,
        quantity=1,
        recipient_name="Friend",
        recipient_email="friend@example.com",
    )
    assert shopper.get(reverse("shop:cart")).context["gift_card_offers"] == []

    response = _use(shopper, reward.pk)

    assert any("pays for courses only" in m for m in _messages(response))
    assert not cart.gift_cards.exists()


def test_a_missing_code_and_card_is_a_clear_message(shopper, user):
    response = shopper.post(reverse("shop:gift_card_apply"), {"code": ""}, follow=True)
    assert "Enter a gift card code." in _messages(response)


def test_failed_card_ids_count_against_the_gift_card_limit(shopper, user):
    for card_id in range(900000, 900010):
        _use(shopper, card_id)
    card = _claimed(user, 5000)
    response = _use(shopper, card.pk)
    assert _messages(response) == ["Too many gift card codes tried. Please try again in an hour."]
    assert not Cart.objects.get(user=user).gift_cards.exists()


# The service -------------------------------------------------------------------


def test_the_service_applies_a_card_by_id_only_for_its_owner(user, other_user):
    card = _claimed(user, 5000)
    mine, theirs = Cart.objects.create(user=user), Cart.objects.create(user=other_user)
    with pytest.raises(GiftCardNotFound):
        cart_apply_gift_card(cart=theirs, card_id=card.pk, user=other_user)
    assert not theirs.gift_cards.exists()
    assert cart_apply_gift_card(cart=mine, card_id=card.pk, user=user) == card
    assert list(mine.gift_cards.all()) == [card]


def test_a_typed_reward_code_is_refused_for_a_cart_buying_gift_cards(user):
    reward = issue_card(5000)
    GiftCard.objects.filter(pk=reward.pk).update(source=GiftCard.Source.PROMOTION)
    cart = Cart.objects.create(user=user)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory(amount_cents=2500).pk,
        quantity=1,
        recipient_name="Friend",
        recipient_email="friend@example.com",
    )
    with pytest.raises(GiftCardRewardNotForGiftCards):
        cart_apply_gift_card(cart=cart, code=reward.code, user=user)
    assert not cart.gift_cards.exists()
