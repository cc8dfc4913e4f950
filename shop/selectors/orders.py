"""A customer's orders, what of an order may still be refunded, and an order as the admin
shows it."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet, Sum
from wagtail.models import ModelLogEntry

from courses.models import Enrollment
from shop.models import GiftCard, GiftCardTransaction, Order, OrderGiftCard, OrderLine
from shop.money import format_money


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


# The provider events an order's history names, as a shop manager would say them.
PAYMENT_EVENT_LABELS = {
    "payment_intent.succeeded": "Payment succeeded at Stripe",
    "payment_intent.payment_failed": "Payment failed at Stripe",
    "payment_intent.canceled": "Payment canceled at Stripe",
    "charge.refunded": "Refund reported by Stripe",
    "charge.dispute.created": "Payment disputed (chargeback opened)",
    "charge.dispute.closed": "Dispute closed",
}


@dataclass(frozen=True)
class OrderHistoryEntry:
    """One moment of an order's life: when, what, and (for admin actions) who and why."""

    at: datetime
    label: str
    detail: str = ""


@dataclass(frozen=True)
class OrderDetail:
    """Everything the admin's order page shows, read in a fixed number of queries whatever
    the order holds: its lines, the gift cards that paid, what it issued (enrollments, the
    cards it bought, its promotion rewards) and its history, oldest first."""

    order: Order
    lines: list[OrderLine]
    card_payments: list[OrderGiftCard]
    enrollments: list[Enrollment]
    cards_bought: list[GiftCard]
    reward_cards: list[GiftCard]
    history: list[OrderHistoryEntry]


def _order_history(order: Order, events, log_entries) -> list[OrderHistoryEntry]:
    history = [OrderHistoryEntry(order.created_at, "Placed", f"by {order.email}")]
    if order.paid_at:
        history.append(OrderHistoryEntry(order.paid_at, "Paid", f"through {order.gateway}"))
    for event in events:
        label = PAYMENT_EVENT_LABELS.get(event.event_type, event.event_type)
        history.append(OrderHistoryEntry(event.received_at, label, event.event_id))
    for entry in log_entries:
        values = entry.data.get("values") or {}
        who = entry.user.email if entry.user else "the system"
        detail = f"by {who}"
        if values.get("reason"):
            detail += f": “{values['reason']}”"
        label = entry.message
        if entry.action == "shop.order.refund" and str(values.get("refunded_cents")).isdigit():
            money = format_money(int(values["refunded_cents"]), order.currency)
            kind = f" ({values['kind']})" if values.get("kind") else ""
            label = f"Refund of {money} from the admin{kind}"
            if values.get("taken_back"):
                detail += f"; took back {values['taken_back']}"
        history.append(OrderHistoryEntry(entry.timestamp, label, detail))
    if order.status in (Order.Status.FAILED, Order.Status.CANCELED, Order.Status.NEEDS_REFUND):
        history.append(
            OrderHistoryEntry(order.updated_at, order.get_status_display(), order.failure_message)
        )
    if order.refunded_at:
        kind = "Refunded" if order.status == Order.Status.REFUNDED else "Partially refunded"
        history.append(OrderHistoryEntry(order.refunded_at, kind, "last refund recorded"))
    return sorted(history, key=lambda entry: entry.at)


def order_admin_detail(*, order_id: int) -> OrderDetail:
    """The order with everything its admin page shows (see OrderDetail). Raises
    Order.DoesNotExist for an unknown id."""
    order = Order.objects.select_related("user", "coupon").get(pk=order_id)
    log_entries = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Order), object_id=str(order.pk)
        )
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    return OrderDetail(
        order=order,
        lines=list(order.lines.all()),
        card_payments=list(order.gift_card_uses.select_related("card")),
        enrollments=list(order.enrollments.select_related("course", "user")),
        cards_bought=list(
            GiftCard.objects.filter(order_line__order=order).select_related("order_line", "owner")
        ),
        reward_cards=list(order.reward_cards.select_related("promotion", "owner")),
        history=_order_history(order, order.events.all(), log_entries),
    )
