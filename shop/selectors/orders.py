"""A customer's orders, and what of an order may still be refunded."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q, QuerySet, Sum

from shop.models import GiftCard, GiftCardTransaction, Order


def orders_for(*, user: AbstractBaseUser) -> QuerySet[Order]:
    """A customer's orders, newest first, with their lines."""
    return Order.objects.filter(user=user).prefetch_related("lines")


def order_cards_given(*, order: Order) -> QuerySet[GiftCard]:
    """The cards the order gave: those it bought and the promotion rewards it earned."""
    return GiftCard.objects.filter(Q(order_line__order=order) | Q(order=order))


def order_cards_spent_cents(*, order: Order) -> int:
    """What has been spent from the cards the order gave (held by other orders counts too):
    value the customer keeps whatever happens to this order."""
    kinds = GiftCardTransaction.Kind
    spent = 0
    for card in order_cards_given(order=order).annotate(
        net=Sum(
            "transactions__amount_cents",
            filter=Q(transactions__kind__in=[kinds.REDEEM, kinds.RELEASE, kinds.REFUND_CREDIT]),
        )
    ):
        spent += max(0, -(card.net or 0))
    return spent


@dataclass(frozen=True)
class Refundable:
    """What a full refund of the order would give back now, and what it keeps back.

    `spent_cents` (spent from the cards the order gave) is kept back: first from the money,
    `cash_cents` being what the payment provider may still return, then from what the
    order's gift card payments would be credited back (`card_credit_cents`).
    """

    cash_cents: int
    card_credit_cents: int
    spent_cents: int

    @property
    def total_cents(self) -> int:
        return self.cash_cents + self.card_credit_cents


def order_refundable(*, order: Order) -> Refundable:
    """What a full refund of the (fulfilled) order would give back, by the refund policy."""
    spent = order_cards_spent_cents(order=order)
    cash_left = order.total_cents - order.refunded_cents
    cash = max(0, cash_left - spent)
    credit = max(0, order.gift_card_cents - max(0, spent - cash_left))
    return Refundable(cash_cents=cash, card_credit_cents=credit, spent_cents=spent)
