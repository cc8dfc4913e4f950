"""Gift cards: finding and checking a card, what applied cards pay of a cart, a customer's
cards, and the liability report."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from courses.selectors import Visitor
from shop.exceptions import (
    GiftCardClaimedByOther,
    GiftCardEmpty,
    GiftCardError,
    GiftCardExpired,
    GiftCardFrozen,
    GiftCardNotFound,
    GiftCardPending,
    GiftCardRewardNotForGiftCards,
    GiftCardVoid,
)
from shop.models import (
    Cart,
    GiftCard,
    GiftCardTransaction,
    Order,
    OrderGiftCard,
    normalise_gift_card_code,
)


def format_date(moment: datetime) -> str:
    """A moment as the customer reads a date: "16 December 2026" (local time)."""
    return date_format(timezone.localtime(moment), "j F Y")


def gift_card_check(*, card: GiftCard, now: datetime | None = None) -> None:
    """Raise the GiftCardError that says why the card cannot pay now (void, expired, a
    reward still inside its order's refund window, frozen by a dispute, empty)."""
    if not card.is_active:
        raise GiftCardVoid(card.display_code)
    if card.is_expired(now):
        raise GiftCardExpired(card.display_code)
    if card.is_pending(now):
        raise GiftCardPending(card.display_code, format_date(card.pending_until))
    if card.frozen_at is not None:
        raise GiftCardFrozen(card.display_code)
    if card.balance_cents <= 0:
        raise GiftCardEmpty(card.display_code)


def gift_card_by_code(*, code: str) -> GiftCard:
    """The card a customer typed (any case, dashes and spaces ignored), or GiftCardNotFound."""
    card = GiftCard.objects.filter(code=normalise_gift_card_code(code)).first()
    if card is None:
        raise GiftCardNotFound()
    return card


# Said on a reward card and at checkout: promotional credit never becomes a transferable card.
REWARD_PAYS_COURSES_ONLY = "A promotion reward pays for courses only, never for gift cards."


@dataclass(frozen=True)
class GiftCardUse:
    """How much of one applied card pays this cart, or why it cannot."""

    card: GiftCard
    amount_cents: int
    error: GiftCardError | None = None


def gift_card_uses_for_cart(
    *, cart: Cart, payable_cents: int, holds_gift_cards: bool = False
) -> list[GiftCardUse]:
    """Applied cards, soonest to expire first, each taking what it can of what is left.

    A promotion reward cannot pay a cart that `holds_gift_cards` (the customer removes it or
    buys the gift cards separately). A card's own pending orders from this cart still hold
    part of its balance; that part counts as available here, since placing the order again
    releases it first.
    """
    held = dict(
        OrderGiftCard.objects.filter(order__cart=cart, order__status=Order.Status.PENDING)
        .values_list("card_id")
        .annotate(total=Sum("amount_cents"))
    )
    uses, remaining = [], payable_cents
    for card in cart.gift_cards.order_by(F("expires_at").asc(nulls_last=True), "pk"):
        card.balance_cents += held.get(card.pk, 0)
        try:
            if card.owner_id is not None and card.owner_id != cart.user_id:
                raise GiftCardClaimedByOther(card.display_code)
            gift_card_check(card=card)
            if card.is_reward and holds_gift_cards:
                raise GiftCardRewardNotForGiftCards(card.display_code)
        except GiftCardError as exc:
            uses.append(GiftCardUse(card=card, amount_cents=0, error=exc))
            continue
        amount = min(card.balance_cents, remaining)
        remaining -= amount
        uses.append(GiftCardUse(card=card, amount_cents=amount))
    return uses


@dataclass(frozen=True)
class GiftCardOffer:
    """One of the customer's claimed cards the cart could use: "Use $X" takes `amount_cents`."""

    card: GiftCard
    amount_cents: int


def gift_card_offers_for_cart(
    *, cart: Cart | None, user: Visitor, payable_cents: int, holds_gift_cards: bool
) -> list[GiftCardOffer]:
    """The signed-in customer's claimed cards that can pay part of what is still `payable_cents`
    of the cart now and are not applied to it yet, soonest to expire first.

    Void, expired, pending, frozen and empty cards are left out, and so are promotion rewards
    when the cart `holds_gift_cards`; the amount is what the card would take, never more than
    its balance or what is left to pay.
    """
    if not user.is_authenticated or payable_cents <= 0:
        return []
    applied = set(cart.gift_cards.values_list("pk", flat=True)) if cart is not None else set()
    cards = (
        GiftCard.objects.filter(owner=user, balance_cents__gt=0)
        .exclude(pk__in=applied)
        .order_by(F("expires_at").asc(nulls_last=True), "pk")
    )
    offers = []
    for card in cards:
        try:
            gift_card_check(card=card)
        except GiftCardError:
            continue
        if card.is_reward and holds_gift_cards:
            continue
        offers.append(GiftCardOffer(card=card, amount_cents=min(card.balance_cents, payable_cents)))
    return offers


def gift_cards_for(*, user: AbstractBaseUser) -> QuerySet[GiftCard]:
    """The cards a customer has claimed, newest first, with their ledgers."""
    return (
        GiftCard.objects.filter(owner=user)
        .select_related("order")
        .prefetch_related("transactions__order")
    )


@dataclass(frozen=True)
class LiabilityMonth:
    month: datetime
    issued_cents: int
    redeemed_cents: int


def gift_card_liability() -> tuple[int, list[LiabilityMonth]]:
    """Total outstanding balance of usable cards, and issued / redeemed (net of releases
    and refund credits) per month, newest first, from the ledger."""
    outstanding = (
        GiftCard.objects.filter(is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .aggregate(total=Sum("balance_cents"))["total"]
        or 0
    )
    kinds = GiftCardTransaction.Kind
    rows = (
        GiftCardTransaction.objects.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            issued=Sum("amount_cents", filter=Q(kind=kinds.ISSUE)),
            redeemed=Sum(
                "amount_cents",
                filter=Q(kind__in=[kinds.REDEEM, kinds.RELEASE, kinds.REFUND_CREDIT]),
            ),
        )
        .order_by("-month")
    )
    return outstanding, [
        LiabilityMonth(
            month=row["month"],
            issued_cents=row["issued"] or 0,
            redeemed_cents=-(row["redeemed"] or 0),
        )
        for row in rows
    ]


def order_gift_card_credits(*, order: Order) -> list[GiftCardTransaction]:
    """What refunds of `order` put back onto the gift cards that paid it, oldest first (an
    order paid by cards alone refunds no money at all: this is what the customer got back)."""
    return list(
        order.gift_card_transactions.filter(
            kind=GiftCardTransaction.Kind.REFUND_CREDIT, amount_cents__gt=0
        )
        .select_related("card")
        .order_by("pk")
    )
