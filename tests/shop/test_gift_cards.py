"""Gift card services: the ledger, holds at checkout, release, refunds, issue on fulfilment."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from django_tasks import default_task_backend

from shop.exceptions import (
    GiftCardBalanceTooLow,
    GiftCardClaimedByOther,
    GiftCardEmpty,
    GiftCardExpired,
    GiftCardNotFound,
    GiftCardVoid,
)
from shop.models import (
    Cart,
    CartLine,
    GiftCard,
    GiftCardTransaction,
    Order,
    OrderLine,
)
from shop.selectors import cart_totals, gift_card_liability
from shop.services import (
    cart_add_gift_card,
    cart_apply_gift_card,
    gift_card_claim,
    gift_card_redeem,
    gift_card_void,
    gift_cards_deliver_due,
    gift_cards_expire_due,
    order_fail,
    order_fulfil,
    order_place,
    order_record_refund,
    orders_release_abandoned,
)
from tests.shop.factories import GiftCardDenominationFactory, issue_card

pytestmark = pytest.mark.django_db

Kind = GiftCardTransaction.Kind


def _balance(card):
    card.refresh_from_db()
    return card.balance_cents


def _ledger_sum(card):
    return card.transactions.aggregate(total=Sum("amount_cents"))["total"]


def _order(user, *, price_cents=14900, course=None):
    """A bare pending order for the user (no cart) to redeem against."""
    order = Order.objects.create(
        user=user,
        email=user.email,
        subtotal_cents=price_cents,
        total_cents=price_cents,
        currency="USD",
        gateway="test",
    )
    OrderLine.objects.create(
        order=order, course=course, title="A course", unit_price_cents=price_cents
    )
    return order


def _cart(user, course, *cards):
    cart = Cart.objects.create(user=user)
    CartLine.objects.create(cart=cart, course=course)
    cart.gift_cards.add(*cards)
    return cart


# Ledger and redemption ------------------------------------------------------


def test_issuing_a_card_writes_one_issue_entry_equal_to_its_balance(gift_card):
    assert list(gift_card.transactions.values_list("kind", "amount_cents")) == [(Kind.ISSUE, 10000)]
    assert gift_card.balance_cents == 10000


def test_partial_redemptions_across_two_orders_leave_the_rest(gift_card, user):
    gift_card_redeem(card=gift_card, amount_cents=3000, order=_order(user))
    gift_card_redeem(card=gift_card, amount_cents=4500, order=_order(user))
    assert _balance(gift_card) == 2500
    assert _ledger_sum(gift_card) == 2500


def test_redeeming_more_than_the_balance_is_refused_and_changes_nothing(gift_card, user):
    with pytest.raises(GiftCardBalanceTooLow):
        gift_card_redeem(card=gift_card, amount_cents=10001, order=_order(user))
    assert _balance(gift_card) == 10000
    assert gift_card.transactions.count() == 1


def test_the_balance_never_goes_negative_however_many_redemptions_are_tried(gift_card, user):
    order = _order(user)
    taken = 0
    for _ in range(15):
        try:
            gift_card_redeem(card=gift_card, amount_cents=1000, order=order)
            taken += 1000
        except GiftCardBalanceTooLow:
            pass
    assert taken == 10000
    assert _balance(gift_card) == 0 == _ledger_sum(gift_card)


def test_an_expired_card_cannot_be_redeemed(user):
    card = issue_card(5000, expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(GiftCardBalanceTooLow):
        gift_card_redeem(card=card, amount_cents=100, order=_order(user))
    assert _balance(card) == 5000


def test_voiding_deactivates_the_card_and_writes_off_its_balance(gift_card):
    assert gift_card_void(card=gift_card) == 10000
    assert (gift_card.balance_cents, gift_card.is_active) == (0, False)
    assert _ledger_sum(gift_card) == 0
    assert gift_card.transactions.last().kind == Kind.VOID


def test_the_expiry_sweep_writes_off_expired_balances_only(gift_card):
    expired = issue_card(5000, expires_at=timezone.now() - timedelta(days=1))
    assert gift_cards_expire_due() == 1
    assert _balance(expired) == 0
    assert expired.transactions.last().kind == Kind.EXPIRE
    assert _balance(gift_card) == 10000


def test_the_liability_report_sums_outstanding_balances_and_monthly_movements(gift_card, user):
    gift_card_redeem(card=gift_card, amount_cents=2500, order=_order(user))
    issue_card(5000)
    outstanding, months = gift_card_liability()
    assert outstanding == 12500
    assert (months[0].issued_cents, months[0].redeemed_cents) == (15000, 2500)


# Checkout: holds, release, retake ------------------------------------------


def test_the_card_pays_up_to_the_total_after_the_coupon_and_the_rest_is_left(user, course):
    card = issue_card(5000)
    totals = cart_totals(cart=_cart(user, course, card), user=user)
    assert (totals.subtotal_cents, totals.gift_card_cents, totals.total_cents) == (
        14900,
        5000,
        9900,
    )


def test_several_cards_pay_one_order_and_never_more_than_it_costs(user, course):
    first, second = issue_card(10000), issue_card(10000)
    order = order_place(cart=_cart(user, course, first, second), user=user)
    assert (order.gift_card_cents, order.total_cents) == (14900, 0)
    assert _balance(first) + _balance(second) == 5100


def test_placing_the_order_holds_the_amount_on_the_card(user, course, gift_card):
    order = order_place(cart=_cart(user, course, gift_card), user=user)
    assert _balance(gift_card) == 0
    assert gift_card.transactions.filter(order=order, kind=Kind.REDEEM).get().amount_cents == -10000


def test_placing_the_same_cart_again_keeps_one_order_and_one_hold(user, course, gift_card):
    cart = _cart(user, course, gift_card)
    first = order_place(cart=cart, user=user)
    again = order_place(cart=cart, user=user)
    assert first == again
    assert _balance(gift_card) == 0
    assert gift_card.transactions.filter(kind=Kind.REDEEM).count() == 1


def test_a_failed_payment_releases_the_hold(user, course, gift_card):
    order = order_place(cart=_cart(user, course, gift_card), user=user)
    order_fail(order=order, message="declined")
    assert _balance(gift_card) == 10000
    assert gift_card.transactions.last().kind == Kind.RELEASE


def test_an_abandoned_order_is_released_after_the_hold_time(user, course, gift_card):
    order = order_place(cart=_cart(user, course, gift_card), user=user)
    assert orders_release_abandoned() == 0
    assert orders_release_abandoned(now=timezone.now() + timedelta(hours=2)) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELED
    assert _balance(gift_card) == 10000


def test_a_success_after_the_hold_was_released_takes_the_amount_again(user, course, gift_card):
    order = order_place(cart=_cart(user, course, gift_card), user=user)
    order_fail(order=order)
    assert order_fulfil(order=order)
    assert _balance(gift_card) == 0
    assert _ledger_sum(gift_card) == 0


def test_a_full_refund_credits_the_gift_card_back(user, course):
    card = issue_card(5000)
    order = order_place(cart=_cart(user, course, card), user=user)
    order_fulfil(order=order)
    order_record_refund(order=order, refunded_cents=order.total_cents)
    assert _balance(card) == 5000
    assert card.transactions.last().kind == Kind.REFUND_CREDIT


def test_a_partial_refund_leaves_the_gift_card_spent(user, course):
    card = issue_card(5000)
    order = order_place(cart=_cart(user, course, card), user=user)
    order_fulfil(order=order)
    order_record_refund(order=order, refunded_cents=1000)
    assert _balance(card) == 0


# Buying gift cards -----------------------------------------------------------


@pytest.fixture
def gift_order(user, django_capture_on_commit_callbacks):
    """A placed order for two $50 cards sent to a friend now."""
    cart = Cart.objects.create(user=user)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory(amount_cents=5000).pk,
        quantity=2,
        recipient_name="Sam",
        recipient_email="sam@example.com",
        message="Happy birthday!",
    )
    return order_place(cart=cart, user=user)


def test_paying_for_gift_cards_issues_one_card_per_item_and_emails_the_recipient(
    gift_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order=gift_order)
    cards = GiftCard.objects.filter(order_line__order=gift_order)
    assert [c.initial_cents for c in cards] == [5000, 5000]
    to_sam = [m for m in mail.outbox if m.to == ["sam@example.com"]]
    assert len(to_sam) == 2
    assert cards[0].display_code in to_sam[0].body + to_sam[1].body


def test_the_buyer_receipt_lists_the_cards_with_their_codes_masked(
    gift_order, django_capture_on_commit_callbacks, user
):
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order=gift_order)
    receipt = next(m for m in mail.outbox if m.to == [user.email])
    html = receipt.alternatives[0][0]
    for card in GiftCard.objects.filter(order_line__order=gift_order):
        # The buyer could spend a code they can read; only the recipient is sent it whole.
        assert card.masked_code in receipt.body
        assert card.masked_code in html
        assert card.display_code not in receipt.body + html
        assert card.code not in receipt.body + html


def test_fulfilling_again_issues_no_more_cards(gift_order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order=gift_order)
        assert order_fulfil(order=gift_order) is False
    assert GiftCard.objects.filter(order_line__order=gift_order).count() == 2


def test_a_refund_of_the_purchase_voids_the_unspent_balance_of_the_bought_cards(gift_order):
    order_fulfil(order=gift_order)
    order_record_refund(order=gift_order, refunded_cents=gift_order.total_cents)
    cards = GiftCard.objects.filter(order_line__order=gift_order)
    assert {(c.balance_cents, c.is_active) for c in cards} == {(0, False)}


def test_a_card_with_a_future_delivery_date_waits_for_the_sweep(
    user, django_capture_on_commit_callbacks
):
    cart = Cart.objects.create(user=user)
    tomorrow = timezone.localdate() + timedelta(days=1)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory().pk,
        quantity=1,
        recipient_name="Sam",
        recipient_email="sam@example.com",
        deliver_on=tomorrow,
    )
    order = order_place(cart=cart, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order=order)
    assert not [m for m in mail.outbox if m.to == ["sam@example.com"]]
    assert gift_cards_deliver_due() == 0
    assert gift_cards_deliver_due(today=tomorrow) == 1
    assert gift_cards_deliver_due(today=tomorrow) == 0
    assert len([m for m in mail.outbox if m.to == ["sam@example.com"]]) == 1


def test_a_delivery_date_in_the_past_means_send_now(user):
    cart = Cart.objects.create(user=user)
    line = cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory().pk,
        quantity=1,
        recipient_name="Sam",
        recipient_email="sam@example.com",
        deliver_on=timezone.localdate() - timedelta(days=3),
    )
    assert line.deliver_on is None


# Claiming and applying -------------------------------------------------------


def test_claiming_puts_the_card_in_the_account(gift_card, user):
    card = gift_card_claim(code=gift_card.display_code.lower(), user=user)
    assert card.owner == user


def test_a_card_claimed_by_someone_else_cannot_be_claimed_or_applied(gift_card, user, other_user):
    gift_card_claim(code=gift_card.code, user=other_user)
    with pytest.raises(GiftCardClaimedByOther):
        gift_card_claim(code=gift_card.code, user=user)
    cart = Cart.objects.create(user=user)
    with pytest.raises(GiftCardClaimedByOther):
        cart_apply_gift_card(cart=cart, code=gift_card.code, user=user)
    assert not cart.gift_cards.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"is_active": False}, GiftCardVoid),
        ({"expires_at": timezone.now() - timedelta(days=1)}, GiftCardExpired),
        ({"balance_cents": 0}, GiftCardEmpty),
    ],
)
def test_an_unusable_card_is_refused_saying_why(gift_card, user, change, error):
    GiftCard.objects.filter(pk=gift_card.pk).update(**change)
    cart = Cart.objects.create(user=user)
    with pytest.raises(error):
        cart_apply_gift_card(cart=cart, code=gift_card.code, user=user)
    assert not cart.gift_cards.exists()


def test_an_unknown_code_is_refused_without_saying_more(user):
    with pytest.raises(GiftCardNotFound):
        cart_apply_gift_card(cart=Cart.objects.create(user=user), code="NOPE-NOPE", user=user)


# Scheduling on a backend that can defer (the database backend in production) -----


@pytest.fixture
def deferring_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


def test_a_dated_card_is_scheduled_for_nine_on_its_delivery_date(
    user, deferring_tasks, django_capture_on_commit_callbacks
):
    cart = Cart.objects.create(user=user)
    day = timezone.localdate() + timedelta(days=5)
    cart_add_gift_card(
        cart=cart,
        denomination_id=GiftCardDenominationFactory().pk,
        quantity=1,
        recipient_name="Sam",
        recipient_email="sam@example.com",
        deliver_on=day,
    )
    order = order_place(cart=cart, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil(order=order)
    delivery = next(r for r in deferring_tasks.results if r.task.name == "deliver_gift_card")
    run_after = timezone.localtime(delivery.task.run_after)
    assert (run_after.date(), run_after.hour) == (day, 9)


def test_placing_an_order_with_a_gift_card_schedules_its_release(
    user, course, deferring_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = order_place(cart=_cart(user, course, issue_card(5000)), user=user)
    release = next(r for r in deferring_tasks.results if r.task.name == "release_abandoned_order")
    assert release.args == [] and release.kwargs == {"order_id": order.pk}
    assert release.task.run_after > timezone.now() + timedelta(minutes=59)


def test_a_card_claimed_by_someone_else_after_it_was_applied_no_longer_pays(
    user, other_user, course, gift_card
):
    cart = _cart(user, course, gift_card)
    gift_card_claim(code=gift_card.code, user=other_user)
    with pytest.raises(GiftCardClaimedByOther):
        order_place(cart=cart, user=user)
    assert _balance(gift_card) == 10000
    assert not Order.objects.exists()


def test_the_sweep_command_releases_delivers_and_expires_what_is_due(user, course, gift_card):
    order = order_place(cart=_cart(user, course, gift_card), user=user)
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(hours=2))
    issue_card(500, expires_at=timezone.now() - timedelta(days=1))
    out = StringIO()
    call_command("shop_sweep", stdout=out)
    assert out.getvalue().strip() == (
        "Released 1 abandoned order(s); queued 0 gift card email(s); expired 1 card(s); "
        "sent 0 membership ending notice(s)."
    )
    assert _balance(gift_card) == 10000
