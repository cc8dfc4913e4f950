"""The gift card promotion: banner, "earns a gift card" notes, one reward per paid order."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shop.models import GiftCard, OrderLine
from tests.shop.factories import PromotionFactory
from tests.shop.stripe_events import charge, event, payment_intent

pytestmark = pytest.mark.django_db

BANNER = "Give the Gift of Coachhouse — $100 Gift Card with Select Purchases"


@pytest.fixture
def promotion(course):
    return PromotionFactory(eligible_courses=[course])


def _rewards(order):
    return GiftCard.objects.filter(order=order, source=GiftCard.Source.PROMOTION)


# Showing it ----------------------------------------------------------------


def test_the_banner_shows_site_wide_while_the_promotion_runs(client, promotion, home_page):
    assert BANNER in client.get(home_page.url).content.decode()
    assert BANNER in client.get(reverse("shop:cart")).content.decode()


def test_the_banner_is_gone_once_the_promotion_ends(client, promotion, home_page):
    promotion.ends_at = timezone.now() - timedelta(minutes=1)
    promotion.save()
    assert BANNER not in client.get(home_page.url).content.decode()


def test_editing_a_promotion_refreshes_cached_pages_at_once(client, promotion, home_page):
    assert BANNER in client.get(home_page.url).content.decode()  # now cached
    promotion.banner_text = "Spring gift: $50 card with select courses"
    promotion.save()
    body = client.get(home_page.url).content.decode()
    assert "Spring gift: $50 card with select courses" in body
    assert BANNER not in body


def test_the_banner_is_the_same_for_every_anonymous_visitor(client, promotion, home_page):
    first = client.get(home_page.url).content
    client.cookies.clear()
    assert client.get(home_page.url).content == first


def test_an_eligible_course_page_says_it_earns_a_gift_card(client, promotion, course):
    assert "This purchase earns a $100 gift card" in client.get(course.url).content.decode()


def test_another_course_page_does_not(client, promotion, second_course):
    assert "earns a" not in client.get(second_course.url).content.decode()


def test_the_cart_says_it_earns_a_gift_card_when_it_holds_an_eligible_course(
    client, promotion, course
):
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    assert (
        "This purchase earns a $100 gift card" in client.get(reverse("shop:cart")).content.decode()
    )


def test_a_cart_below_the_minimum_order_does_not(client, course):
    PromotionFactory(eligible_courses=[course], minimum_order_cents=20000)
    client.post(reverse("shop:cart_add"), {"course": course.pk})
    assert "earns a" not in client.get(reverse("shop:cart")).content.decode()


# The reward ----------------------------------------------------------------


def test_a_paid_qualifying_order_gives_the_buyer_one_reward_card_in_their_account(
    post, order, promotion, user
):
    post(event("payment_intent.succeeded", payment_intent(order)))
    reward = _rewards(order).get()
    assert (reward.owner, reward.balance_cents) == (user, 10000)
    assert reward.display_code in mail.outbox[0].body


def test_an_order_without_an_eligible_course_gets_no_reward(post, order, second_course):
    PromotionFactory(eligible_courses=[second_course])
    post(event("payment_intent.succeeded", payment_intent(order)))
    assert not _rewards(order).exists()


def test_an_order_placed_before_the_promotion_started_gets_no_reward(post, order, course):
    PromotionFactory(eligible_courses=[course], starts_at=timezone.now() + timedelta(hours=1))
    post(event("payment_intent.succeeded", payment_intent(order)))
    assert not _rewards(order).exists()


def test_duplicate_and_repeated_success_events_issue_one_reward(post, order, promotion):
    succeeded = event("payment_intent.succeeded", payment_intent(order))
    post(succeeded)
    post(succeeded)
    post(event("payment_intent.succeeded", payment_intent(order)))
    assert _rewards(order).count() == 1


def test_a_refund_arriving_before_the_success_issues_one_reward_and_voids_it(
    post, order, promotion
):
    post(event("charge.refunded", charge(order, amount_refunded=14900)))
    post(event("payment_intent.succeeded", payment_intent(order)))
    reward = _rewards(order).get()
    assert (reward.balance_cents, reward.is_active) == (0, False)


def test_a_full_refund_voids_the_reward(post, order, promotion):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(event("charge.refunded", charge(order, amount_refunded=14900)))
    reward = _rewards(order).get()
    assert (reward.balance_cents, reward.is_active) == (0, False)
    assert reward.transactions.last().kind == "void"


def test_a_partial_refund_keeps_the_reward(post, order, promotion):
    post(event("payment_intent.succeeded", payment_intent(order)))
    post(event("charge.refunded", charge(order, amount_refunded=5000)))
    assert _rewards(order).get().balance_cents == 10000


def test_an_order_with_two_eligible_courses_still_earns_one_reward(
    post, order, promotion, second_course
):
    promotion.eligible_courses.add(second_course)
    OrderLine.objects.create(
        order=order, course=second_course, title=second_course.title, unit_price_cents=0
    )
    post(event("payment_intent.succeeded", payment_intent(order)))
    assert _rewards(order).count() == 1
