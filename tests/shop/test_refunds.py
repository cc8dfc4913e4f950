"""Promotion rewards earned only by money paid, pending rewards, refunds that take back
everything an order gave, partial refunds, and disputes (issue 12, parts 3 and 4)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from shop.exceptions import (
    GiftCardPending,
    GiftCardRewardNotForGiftCards,
    RefundRefused,
)
from shop.models import GiftCard, Order, PaymentEvent
from shop.payments.base import PaymentState
from shop.payments.local import TestGateway
from shop.selectors import gift_card_check
from shop.services import (
    cart_add_gift_card,
    cart_apply_gift_card,
    cart_get_or_create,
    checkout_start,
    gift_card_claim,
    order_apply_payment,
    order_record_refund,
    order_refund,
)
from tests.factories import UserFactory
from tests.shop import stripe_events
from tests.shop.factories import GiftCardDenominationFactory, PromotionFactory, buy_and_pay

pytestmark = pytest.mark.django_db

GATEWAY = TestGateway()


@pytest.fixture
def promotion(course, second_course):
    """$100 reward for either course, minimum $50 of real money."""
    return PromotionFactory(
        eligible_courses=[course, second_course], reward_cents=10000, minimum_order_cents=5000
    )


_buy = buy_and_pay


def _window_passes(*orders):
    """Move the orders' payments and their rewards' pending dates 30 days into the past."""
    for order in orders:
        Order.objects.filter(pk=order.pk).update(paid_at=order.paid_at - timedelta(days=30))
        GiftCard.objects.filter(order=order, pending_until__isnull=False).update(
            pending_until=timezone.now() - timedelta(seconds=1)
        )


def _reward(order):
    return GiftCard.objects.get(order=order, source=GiftCard.Source.PROMOTION)


def _active_courses(user):
    return set(
        Enrollment.objects.filter(user=user, revoked_at__isnull=True).values_list(
            "course__title", flat=True
        )
    )


# 12.3 Rewards from real money only -------------------------------------------


def test_a_reward_is_issued_pending_until_the_refund_window_has_passed(
    user, course, promotion, settings
):
    settings.SHOP_REFUND_WINDOW_DAYS = 14
    order = _buy(user, courses=[course])
    reward = _reward(order)
    assert reward.pending_until == order.paid_at + timedelta(days=14)
    with pytest.raises(GiftCardPending, match="can be used from"):
        gift_card_check(card=reward)


def test_a_refund_window_of_zero_days_makes_the_reward_spendable_at_once(
    user, course, promotion, settings
):
    settings.SHOP_REFUND_WINDOW_DAYS = 0
    reward = _reward(_buy(user, courses=[course]))
    assert reward.pending_until is None
    gift_card_check(card=reward)


def test_paying_with_the_reward_earns_no_second_reward(user, course, second_course, promotion):
    first = _buy(user, courses=[course])
    _window_passes(first)
    second = _buy(user, courses=[second_course], cards=[_reward(first)])
    assert second.status == Order.Status.PAID and second.total_cents == 0
    assert not GiftCard.objects.filter(order=second).exists()


def test_the_minimum_is_checked_against_money_not_what_the_reward_paid(
    user, course, second_course, promotion, course_index
):
    from tests.courses.factories import CoursePageFactory

    third = CoursePageFactory(parent=course_index, title="Third", price_cents=14900)
    promotion.eligible_courses.add(third)
    first = _buy(user, courses=[course])
    _window_passes(first)
    # $149 less the $100 reward = $49 of money, under the $50 minimum.
    second = _buy(user, courses=[third], cards=[_reward(first)])
    assert second.total_cents == 4900
    assert not GiftCard.objects.filter(order=second).exists()


def test_a_reward_cannot_buy_a_transferable_gift_card(user, course, promotion):
    first = _buy(user, courses=[course])
    _window_passes(first)
    reward = _reward(first)
    cart = cart_get_or_create(user=user, token=None)
    # Applied first: once the cart holds gift cards, the reward is refused at once.
    cart_apply_gift_card(cart=cart, code=reward.code, user=user)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory(amount_cents=10000).pk,
        quantity=1,
        recipient_name="Friend",
        recipient_email="friend@example.com",
    )
    orders_before = Order.objects.count()
    with pytest.raises(GiftCardRewardNotForGiftCards, match="pays for courses only"):
        checkout_start(cart=cart, user=user, gateway=GATEWAY)
    assert Order.objects.count() == orders_before
    reward.refresh_from_db()
    assert reward.balance_cents == 10000


def test_checkout_says_the_reward_cannot_pay_for_gift_cards(client, user, course, promotion):
    first = _buy(user, courses=[course])
    _window_passes(first)
    reward = _reward(first)
    cart = cart_get_or_create(user=user, token=None)
    # Applied first: once the cart holds gift cards, the reward is refused at once.
    cart_apply_gift_card(cart=cart, code=reward.code, user=user)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory(amount_cents=5000).pk,
        quantity=1,
        recipient_name="Friend",
        recipient_email="friend@example.com",
    )
    client.force_login(user)
    page = client.get(reverse("shop:checkout")).content.decode()
    assert "pays for courses only" in page


def test_my_gift_cards_say_when_a_pending_reward_becomes_usable(client, user, course, promotion):
    reward = _reward(_buy(user, courses=[course]))
    client.force_login(user)
    page = client.get(reverse("shop:gift_card_list")).content.decode()
    assert f"Usable from {timezone.localtime(reward.pending_until):%-d %B %Y}" in page
    assert "pays for courses only" in page
    assert "deducted from the refund" in page


def test_the_receipt_says_the_reward_becomes_usable_after_the_refund_window(
    user, course, promotion, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _buy(user, courses=[course])
    receipt = next(m for m in mail.outbox if order.number in m.subject)
    reward = _reward(order)
    assert f"becomes usable on {timezone.localtime(reward.pending_until):%-d %B %Y}" in receipt.body
    assert "after the refund window" in receipt.body


def test_the_promotion_form_warns_when_the_reward_is_worth_a_course_and_still_saves(
    client, shop_manager, second_course
):
    client.force_login(shop_manager)
    response = client.post(
        reverse("promotion:add"),
        {
            "name": "Spring",
            "banner_text": "A $100 gift card with select purchases",
            "starts_at": "2026-03-01 00:00",
            "ends_at": "2026-04-01 00:00",
            "eligible_courses": [second_course.pk],
            "reward_cents": "100.00",
            "minimum_order_cents": "0",
            "is_active": "on",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Pain-Free Posture" in page and "at least what they paid" in page
    assert response.redirect_chain


def test_the_promotion_form_does_not_warn_for_a_reward_below_every_course_price(
    client, shop_manager, course
):
    client.force_login(shop_manager)
    response = client.post(
        reverse("promotion:add"),
        {
            "name": "Spring",
            "banner_text": "A $100 gift card with select purchases",
            "starts_at": "2026-03-01 00:00",
            "ends_at": "2026-04-01 00:00",
            "eligible_courses": [course.pk],
            "reward_cents": "100.00",
            "minimum_order_cents": "0",
            "is_active": "on",
        },
        follow=True,
    )
    assert "at least what they paid" not in response.content.decode()


# 12.4 Full refunds take back everything --------------------------------------


def test_a_full_refund_inside_the_window_voids_the_pending_reward_and_revokes_the_course(
    user, course, promotion
):
    order = _buy(user, courses=[course])
    reward = _reward(order)
    assert order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY) == 14900
    order.refresh_from_db()
    reward.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 14900)
    assert (reward.is_active, reward.balance_cents) == (False, 0)
    assert _active_courses(user) == set()


def test_a_refund_after_the_reward_was_spent_is_reduced_by_what_it_paid(
    user, course, second_course, promotion
):
    first = _buy(user, courses=[course])
    _window_passes(first)
    reward = _reward(first)
    second = _buy(user, courses=[second_course], cards=[reward])
    refunded = order_refund(order=first, amount_cents=None, reason="asked", gateway=GATEWAY)
    first.refresh_from_db()
    # $149 paid, $99 of the reward spent (and kept: the second course stays).
    assert refunded == 14900 - 9900
    assert (first.status, first.refunded_cents) == (Order.Status.REFUNDED, 5000)
    assert _active_courses(user) == {"Pain-Free Posture"}
    reward.refresh_from_db()
    assert (reward.is_active, reward.balance_cents) == (False, 0)
    second.refresh_from_db()
    assert second.status == Order.Status.PAID


def test_a_refunded_gift_card_order_takes_back_the_card_it_bought(user, course):
    order = _buy(user, gift_card_cents=10000)
    card = GiftCard.objects.get(order_line__order=order)
    order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY)
    card.refresh_from_db()
    assert (card.is_active, card.balance_cents) == (False, 0)


def test_a_bought_card_spent_before_its_order_is_refunded_reduces_the_refund(
    user, course, second_course
):
    friend = UserFactory()
    gift_order = _buy(user, gift_card_cents=10000, recipient=friend.email)
    card = GiftCard.objects.get(order_line__order=gift_order)
    gift_card_claim(code=card.code, user=friend)
    _buy(friend, courses=[second_course], cards=[card])  # $99 of the $100 spent
    refunded = order_refund(order=gift_order, amount_cents=None, reason="asked", gateway=GATEWAY)
    gift_order.refresh_from_db()
    assert refunded == 100
    assert (gift_order.status, gift_order.refunded_cents) == (Order.Status.REFUNDED, 100)
    card.refresh_from_db()
    assert (card.is_active, card.balance_cents) == (False, 0)


def test_refunding_a_gift_card_order_whose_card_is_spent_is_refused_and_changes_nothing(
    user, course, second_course
):
    friend = UserFactory()
    gift_order = _buy(user, gift_card_cents=5000, recipient=friend.email)
    card = GiftCard.objects.get(order_line__order=gift_order)
    gift_card_claim(code=card.code, user=friend)
    _buy(friend, courses=[second_course], cards=[card])  # all $50 spent
    with pytest.raises(RefundRefused, match=r"\$50.00 of the gift cards it gave has been spent"):
        order_refund(order=gift_order, amount_cents=None, reason="asked", gateway=GATEWAY)
    gift_order.refresh_from_db()
    assert (gift_order.status, gift_order.refunded_cents) == (Order.Status.PAID, 0)


def test_an_order_paid_wholly_by_gift_cards_is_refunded_onto_the_cards_with_its_course_and_reward(
    user, second_course, promotion
):
    from tests.shop.factories import issue_card

    card = issue_card(10000, owner=user)
    order = _buy(user, courses=[second_course], cards=[card])
    assert (order.total_cents, order.gateway) == (0, "none")
    reward = _reward(order)  # a card someone paid for is real money
    assert order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY) == 9900
    card.refresh_from_db()
    order.refresh_from_db()
    assert card.balance_cents == 10000
    assert order.status == Order.Status.REFUNDED
    assert _active_courses(user) == set()
    reward.refresh_from_db()
    assert (reward.is_active, reward.balance_cents) == (False, 0)


def test_the_refund_notice_of_an_order_paid_by_gift_cards_says_what_went_back_onto_them(
    user, course, second_course, django_capture_on_commit_callbacks
):
    from tests.shop.factories import issue_card

    # Wholly by a card: no money is refunded, so "$0.00" would be all the notice said.
    whole = issue_card(10000, owner=user)
    order = _buy(user, courses=[second_course], cards=[whole])
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY)
    notice = next(m for m in mail.outbox if m.subject.endswith(f"refund for order {order.number}"))
    assert "$0.00" not in notice.body
    assert f"We have refunded order {order.number}." in notice.body
    assert f"$99.00 is back on your gift card {whole.masked_code}." in notice.body
    assert whole.code[:4] not in notice.body
    html = notice.alternatives[0][0]
    assert f"<strong>$99.00</strong> is back on your gift card {whole.masked_code}." in html

    # Partly by a card: the money and the card credit, each said once.
    part = issue_card(5000, owner=user)
    mixed = _buy(user, courses=[course], cards=[part])
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=mixed, amount_cents=None, reason="asked", gateway=GATEWAY)
    notice = next(m for m in mail.outbox if m.subject.endswith(f"refund for order {mixed.number}"))
    assert f"We have refunded $99.00 of order {mixed.number}." in notice.body
    assert notice.body.count("is back on your gift card") == 1
    assert f"$50.00 is back on your gift card {part.masked_code}." in notice.body


def test_the_customers_order_page_shows_what_a_refund_put_back_onto_gift_cards(
    client, user, second_course
):
    from tests.shop.factories import issue_card

    card = issue_card(10000, owner=user)
    order = _buy(user, courses=[second_course], cards=[card])
    order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY)
    client.force_login(user)
    page = client.get(order.get_absolute_url()).content.decode()
    assert f"<dt>Back on gift card {card.masked_code}</dt><dd>$99.00</dd>" in page
    assert card.code[:4] not in page


def test_a_gift_card_paid_order_cannot_be_refunded_in_part(user, second_course):
    from tests.shop.factories import issue_card

    order = _buy(user, courses=[second_course], cards=[issue_card(10000, owner=user)])
    with pytest.raises(RefundRefused, match="only in full"):
        order_refund(order=order, amount_cents=100, reason="goodwill", gateway=GATEWAY)


def test_refunding_an_unpaid_or_refunded_order_is_refused(user, course):
    order = _buy(user, courses=[course])
    order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY)
    with pytest.raises(RefundRefused, match="cannot be refunded: it is refunded"):
        order_refund(order=order, amount_cents=None, reason="again", gateway=GATEWAY)


# Partial refunds -------------------------------------------------------------


def test_a_partial_refund_is_goodwill_money_back_and_keeps_access_and_reward(
    user, course, promotion
):
    order = _buy(user, courses=[course])
    assert order_refund(order=order, amount_cents=2000, reason="late", gateway=GATEWAY) == 2000
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.PARTIALLY_REFUNDED, 2000)
    assert _active_courses(user) == {"The Balance Gym"}
    assert _reward(order).is_active


def test_a_partial_refund_may_not_exceed_what_is_refundable(user, course):
    order = _buy(user, courses=[course])
    order_refund(order=order, amount_cents=10000, reason="late", gateway=GATEWAY)
    with pytest.raises(RefundRefused, match=r"between \$0.01 and \$49.00"):
        order_refund(order=order, amount_cents=5000, reason="again", gateway=GATEWAY)
    order.refresh_from_db()
    assert order.refunded_cents == 10000


def test_partial_refunds_reaching_the_total_are_a_full_refund(user, course, promotion):
    order = _buy(user, courses=[course])
    order_refund(order=order, amount_cents=10000, reason="late", gateway=GATEWAY)
    order_refund(order=order, amount_cents=4900, reason="more", gateway=GATEWAY)
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert _active_courses(user) == set()
    assert not _reward(order).is_active


# Webhooks: dashboard refunds and disputes --------------------------------------


def _stripe_order(user, course, promotion, settings):
    """A paid Stripe order for the course (as the webhook leaves it), with its reward."""
    order = Order.objects.create(
        user=user,
        email=user.email,
        subtotal_cents=14900,
        total_cents=14900,
        currency="USD",
        gateway="stripe",
        gateway_reference="pi_test_1",
    )
    order.lines.create(course=course, title=course.title, unit_price_cents=14900)
    order_apply_payment(
        order=order,
        payment=PaymentState(
            reference="pi_test_1", status="succeeded", amount_cents=14900, charge="ch_test_1"
        ),
    )
    order.refresh_from_db()
    return order


def _dispute(order, *, status):
    return {
        "id": "dp_test_1",
        "object": "dispute",
        "amount": order.total_cents,
        "charge": "ch_test_1",
        "payment_intent": order.gateway_reference,
        "status": status,
        "metadata": {},
    }


def test_a_dashboard_refund_beyond_what_is_refundable_is_recorded_and_flagged(
    post, stripe_settings, user, course, second_course, promotion
):
    order = _stripe_order(user, course, promotion, stripe_settings)
    _window_passes(order)
    _buy(user, courses=[second_course], cards=[_reward(order)])  # $99 of the reward spent
    response = post(
        stripe_events.event("charge.refunded", stripe_events.charge(order, amount_refunded=14900))
    )
    assert response.status_code == 200
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 14900)
    assert order.refund_excess_cents == 9900
    assert not _reward(order).is_active


def test_an_open_dispute_suspends_the_course_and_freezes_the_reward(
    post, stripe_settings, user, course, promotion
):
    order = _stripe_order(user, course, promotion, stripe_settings)
    payload = stripe_events.event(
        "charge.dispute.created", _dispute(order, status="needs_response")
    )
    assert post(payload).status_code == 200
    assert post(payload).status_code == 200  # redelivered: once
    order.refresh_from_db()
    assert order.dispute_status == Order.DisputeStatus.OPEN
    assert not order.grants_access
    assert _active_courses(user) == set()
    assert _reward(order).frozen_at is not None
    assert PaymentEvent.objects.filter(event_type="charge.dispute.created").count() == 1
    with pytest.raises(RefundRefused, match="dispute"):
        order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY)


def test_a_lost_dispute_counts_as_a_full_refund(post, stripe_settings, user, course, promotion):
    order = _stripe_order(user, course, promotion, stripe_settings)
    post(stripe_events.event("charge.dispute.created", _dispute(order, status="needs_response")))
    post(stripe_events.event("charge.dispute.closed", _dispute(order, status="lost")))
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 14900)
    assert order.dispute_status == Order.DisputeStatus.LOST
    assert _active_courses(user) == set()
    assert not _reward(order).is_active


def test_a_won_dispute_restores_the_course_and_the_reward(
    post, stripe_settings, user, course, promotion
):
    order = _stripe_order(user, course, promotion, stripe_settings)
    post(stripe_events.event("charge.dispute.created", _dispute(order, status="needs_response")))
    post(stripe_events.event("charge.dispute.closed", _dispute(order, status="won")))
    order.refresh_from_db()
    assert (order.status, order.dispute_status) == (Order.Status.PAID, Order.DisputeStatus.WON)
    assert _active_courses(user) == {"The Balance Gym"}
    reward = _reward(order)
    assert reward.is_active and reward.frozen_at is None


def test_a_dispute_that_arrives_before_the_payment_event_proves_payment_and_suspends(
    post, stripe_settings, user, course, promotion
):
    # Stripe does not promise the order of events: the chargeback may be the first we hear
    # of the payment. It proves the money arrived, so the order is paid, then suspended.
    order = Order.objects.create(
        user=user,
        email=user.email,
        subtotal_cents=14900,
        total_cents=14900,
        currency="USD",
        gateway="stripe",
        gateway_reference="pi_test_1",
    )
    order.lines.create(course=course, title=course.title, unit_price_cents=14900)
    post(stripe_events.event("charge.dispute.created", _dispute(order, status="needs_response")))
    order.refresh_from_db()
    assert (order.status, order.dispute_status) == (Order.Status.PAID, Order.DisputeStatus.OPEN)
    assert _active_courses(user) == set()
    assert _reward(order).frozen_at is not None

    post(stripe_events.event("payment_intent.succeeded", stripe_events.payment_intent(order)))
    assert _active_courses(user) == set()  # the late success grants nothing while disputed

    post(stripe_events.event("charge.dispute.closed", _dispute(order, status="won")))
    assert _active_courses(user) == {"The Balance Gym"}
    assert _reward(order).frozen_at is None


def test_a_dispute_event_with_a_forged_signature_changes_nothing(
    post, stripe_settings, user, course, promotion
):
    order = _stripe_order(user, course, promotion, stripe_settings)
    payload = stripe_events.event(
        "charge.dispute.created", _dispute(order, status="needs_response")
    )
    assert post(payload, secret="whsec_forged").status_code == 400
    order.refresh_from_db()
    assert order.dispute_status == ""
    assert _active_courses(user) == {"The Balance Gym"}


def test_a_repeated_refund_record_changes_nothing_twice(user, course, promotion):
    order = _buy(user, courses=[course])
    order_refund(order=order, amount_cents=None, reason="asked", gateway=GATEWAY)
    assert not order_record_refund(order=order, refunded_cents=14900)
    assert not order_record_refund(order=order, refunded_cents=14900, full=True)
    order.refresh_from_db()
    assert (order.status, order.refunded_cents) == (Order.Status.REFUNDED, 14900)
    assert GiftCard.objects.get(order=order).transactions.count() == 2  # issue, void: once


def test_a_dispute_won_after_a_dashboard_refund_gives_no_access_back(
    post, stripe_settings, user, course, promotion
):
    order = _stripe_order(user, course, promotion, stripe_settings)
    post(stripe_events.event("charge.dispute.created", _dispute(order, status="needs_response")))
    post(stripe_events.event("charge.refunded", stripe_events.charge(order, amount_refunded=14900)))
    post(stripe_events.event("charge.dispute.closed", _dispute(order, status="won")))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert _active_courses(user) == set()
    assert not _reward(order).is_active
