"""What a refund would do, read before it is done: the refund policy's arithmetic, shared by
`shop.services.order_refund` (which acts on it) and the admin's confirmation page (which
states it). The policy itself is described in `shop.services.refunds`."""

from dataclasses import dataclass

from django.db.models import Sum

from courses.models import Enrollment
from courses.selectors import enrollments_active_for_order
from shop.exceptions import RefundRefused
from shop.models import GiftCard, GiftCardTransaction, Order
from shop.money import format_money
from shop.selectors.orders import Refundable, order_cards_given, order_refundable

# Orders a refund may start from: fulfilled, and not yet refunded in full.
REFUNDABLE = [Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED]


def refund_is_full(*, order: Order, refunded_cents: int, spent_cents: int) -> bool:
    """Whether the provider's cumulative `refunded_cents` is a full refund by the policy: it
    reaches what a full refund may return in money (the total less what has been spent from
    the cards the order gave)."""
    return refunded_cents >= order.total_cents - min(spent_cents, order.total_cents)


def refund_card_withhold_cents(*, order: Order, refunded_cents: int, spent_cents: int) -> int:
    """What a full refund keeps back from the card credits: the spent value of the cards the
    order gave that the money refunded (cumulative `refunded_cents`) no longer covers."""
    return max(0, spent_cents - (order.total_cents - refunded_cents))


@dataclass(frozen=True)
class CardCredit:
    """`amount_cents` goes back onto a card that paid for the order."""

    card_id: int
    amount_cents: int


def order_card_credits(*, order: Order, withhold_cents: int = 0) -> list[CardCredit]:
    """What giving back the order's gift card payments puts onto each card: what the order
    holds of it (its redemptions less what came back), less `withhold_cents` kept back from
    the last cards first. Cards that would get nothing are left out."""
    kinds = GiftCardTransaction.Kind
    held = dict(
        GiftCardTransaction.objects.filter(
            order=order, kind__in=[kinds.REDEEM, kinds.RELEASE, kinds.REFUND_CREDIT]
        )
        .values("card_id")
        .annotate(net=Sum("amount_cents"))
        .values_list("card_id", "net")
    )
    credits = []
    for card_id in reversed(list(order.gift_card_uses.values_list("card_id", flat=True))):
        holding = -(held.get(card_id) or 0)
        kept = min(max(holding, 0), withhold_cents)
        withhold_cents -= kept
        if holding - kept > 0:
            credits.append(CardCredit(card_id=card_id, amount_cents=holding - kept))
    return credits


@dataclass(frozen=True)
class RefundPreview:
    """What refunding the order now would do, by the refund policy.

    `amount_cents` goes back through the payment provider. A full refund (`is_full`) also
    credits `credits` back onto the cards that paid, takes back `enrollments` and voids the
    unspent balance of `cards_voided` (the cards the order bought and its promotion reward);
    a partial one is money only. `refusal` says why it cannot be done (then nothing else
    holds). `unfulfilled`: the order was paid but never fulfilled, so nothing is taken back.
    """

    order: Order
    amount_cents: int
    is_full: bool
    refundable: Refundable
    refusal: RefundRefused | None = None
    unfulfilled: bool = False
    enrollments: tuple[Enrollment, ...] = ()
    cards_voided: tuple[GiftCard, ...] = ()
    credits: tuple[tuple[GiftCard, int], ...] = ()

    @property
    def card_credit_cents(self) -> int:
        return sum(amount for _, amount in self.credits)

    @property
    def given_back_cents(self) -> int:
        """Money and card credits the customer gets back."""
        return self.amount_cents + self.card_credit_cents

    @property
    def voided_cents(self) -> int:
        return sum(card.balance_cents for card in self.cards_voided)

    @property
    def fingerprint(self) -> str:
        """Changes whenever what the refund would do changes: a confirmation page carries it,
        so a refund confirmed for one state of the order is not made on another."""
        order = self.order
        return ":".join(
            str(part)
            for part in (
                order.status,
                order.refunded_cents,
                self.amount_cents,
                self.card_credit_cents,
                int(self.is_full),
                self.voided_cents,
                len(self.enrollments),
            )
        )


def _refused(order: Order, refundable: Refundable, sentence: str) -> RefundPreview:
    return RefundPreview(
        order=order,
        amount_cents=0,
        is_full=False,
        refundable=refundable,
        refusal=RefundRefused(sentence),
    )


def _money(cents: int, order: Order) -> str:
    return format_money(cents, order.currency)


def order_refund_preview(
    *, order: Order, amount_cents: int | None, gateway_name: str | None = None
) -> RefundPreview:
    """What `order_refund(order=…, amount_cents=…)` would do now (amount None = in full),
    without changing anything; with `refusal` set (the sentence the shop manager reads) when
    it would be refused. `gateway_name` is the gateway in use: an order paid through another
    cannot get money back through it."""
    refundable = order_refundable(order=order)
    if order.status == Order.Status.NEEDS_REFUND and amount_cents is None:
        # Paid but never fulfilled: all the money goes back and nothing is taken back.
        return RefundPreview(
            order=order,
            amount_cents=order.total_cents - order.refunded_cents,
            is_full=True,
            refundable=refundable,
            unfulfilled=True,
        )
    if order.status not in REFUNDABLE:
        return _refused(
            order,
            refundable,
            f"Order {order.number} cannot be refunded: it is {order.get_status_display().lower()}.",
        )
    if order.dispute_status == Order.DisputeStatus.OPEN:
        return _refused(
            order,
            refundable,
            f"Order {order.number} is under a payment dispute: the card issuer decides now.",
        )
    paid = order.total_cents - order.refunded_cents + order.gift_card_cents
    if amount_cents is None:
        if refundable.total_cents == 0 and paid > 0:
            return _refused(
                order,
                refundable,
                f"Order {order.number} cannot be refunded: "
                f"{_money(refundable.spent_cents, order)} of the gift cards it gave has been "
                "spent, which is all a refund could give back.",
            )
        amount = refundable.cash_cents
    else:
        if order.total_cents == 0:
            return _refused(
                order,
                refundable,
                f"Order {order.number} was paid with gift cards only: it can be refunded only "
                "in full, back onto the cards.",
            )
        if not 0 < amount_cents <= refundable.cash_cents:
            reduced = (
                f" ({_money(refundable.spent_cents, order)} of the gift cards it gave has "
                "been spent)"
                if refundable.spent_cents
                else ""
            )
            return _refused(
                order,
                refundable,
                f"A refund of order {order.number} must be between "
                f"{_money(1, order)} and {_money(refundable.cash_cents, order)}{reduced}.",
            )
        amount = amount_cents
    if (
        amount
        and gateway_name is not None
        and (order.gateway != gateway_name or not order.gateway_reference)
    ):
        return _refused(
            order,
            refundable,
            f"Order {order.number} was paid through “{order.gateway}”, not the "
            f"“{gateway_name}” gateway in use: refund it there.",
        )
    refunded = order.refunded_cents + amount
    full = amount_cents is None or refund_is_full(
        order=order, refunded_cents=refunded, spent_cents=refundable.spent_cents
    )
    if not full:
        return RefundPreview(order=order, amount_cents=amount, is_full=False, refundable=refundable)
    withhold = refund_card_withhold_cents(
        order=order, refunded_cents=refunded, spent_cents=refundable.spent_cents
    )
    credits = order_card_credits(order=order, withhold_cents=withhold)
    cards = GiftCard.objects.in_bulk([credit.card_id for credit in credits])
    return RefundPreview(
        order=order,
        amount_cents=amount,
        is_full=True,
        refundable=refundable,
        enrollments=tuple(enrollments_active_for_order(order=order).select_related("course")),
        cards_voided=tuple(order_cards_given(order=order).filter(balance_cents__gt=0)),
        credits=tuple((cards[credit.card_id], credit.amount_cents) for credit in credits),
    )
