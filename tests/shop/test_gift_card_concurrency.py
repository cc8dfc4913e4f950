"""Concurrent redemption of one card: the balance never goes below zero."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.db.models import Sum

from shop.exceptions import GiftCardBalanceTooLow
from shop.models import GiftCard, Order
from shop.services import gift_card_claim_delivery, gift_card_redeem
from tests.shop.factories import issue_card

# Real threads with their own connections: on PostgreSQL, and on SQLite's file-backed test
# database (tests/conftest.py), where they meet its one-writer lock as production does.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_twenty_concurrent_ten_dollar_redemptions_of_a_hundred_dollar_card_take_at_most_its_balance(
    user,
):
    card = issue_card(10000)
    orders = [
        Order.objects.create(
            user=user,
            email=user.email,
            subtotal_cents=1000,
            gift_card_cents=1000,
            total_cents=0,
            currency="USD",
            gateway="none",
        )
        for _ in range(20)
    ]

    def redeem(order):
        try:
            gift_card_redeem(card=GiftCard.objects.get(pk=card.pk), amount_cents=1000, order=order)
            return True
        except GiftCardBalanceTooLow:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(redeem, orders))

    card.refresh_from_db()
    ledger = card.transactions.aggregate(total=Sum("amount_cents"))["total"]
    assert results.count(True) == 10
    assert card.balance_cents == 0 == ledger
    assert card.transactions.filter(kind="redeem").count() == 10


def test_concurrent_senders_claim_a_gift_card_email_once():
    card = issue_card(5000, recipient_email="sam@example.com")

    def claim(_):
        try:
            return gift_card_claim_delivery(card_id=card.pk)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        claims = list(pool.map(claim, range(8)))
    assert claims.count(True) == 1
