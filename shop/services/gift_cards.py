"""Gift cards: buying them (cart lines), paying with them, their ledger, claiming,
delivery, and the sweeps for delivery dates and expiry.

Every balance change is a conditional UPDATE plus its ledger row in one transaction,
so the balance always equals the ledger's sum and never goes below zero, on SQLite and
PostgreSQL alike. Order-driven changes (hold, release, retake, credit, void) run only in
the transaction that won the order's state transition, so each happens once per order.
"""

import logging
from datetime import date, datetime, time, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone

from courses.selectors import Visitor

# A module import: shop.tasks calls back into this package.
from shop import tasks
from shop.exceptions import (
    GiftCardBalanceTooLow,
    GiftCardClaimedByOther,
    GiftCardDenominationUnavailable,
    GiftCardNotFound,
    GiftCardRewardNotForGiftCards,
)
from shop.models import (
    Cart,
    CartGiftCardLine,
    GiftCard,
    GiftCardDenomination,
    GiftCardTransaction,
    Order,
    OrderLine,
    Promotion,
    new_gift_card_code,
)
from shop.selectors import (
    cart_size_refusal,
    gift_card_by_code,
    gift_card_check,
    order_card_credits,
)

logger = logging.getLogger("coachhouse.shop")

# How long a pending order holds its gift card amounts before it counts as abandoned.
GIFT_CARD_HOLD_MINUTES = 60
# How long a sender may hold a card's email before another attempt takes the send over.
GIFT_CARD_SEND_CLAIM_MINUTES = 15


def cart_add_gift_card(
    *,
    cart: Cart,
    denomination_id: int,
    quantity: int,
    recipient_name: str,
    recipient_email: str,
    message: str = "",
    deliver_on: date | None = None,
) -> CartGiftCardLine:
    """Put gift cards of an on-sale denomination for one recipient into the cart.

    A delivery date in the past means "send it now". Raises GiftCardDenominationUnavailable, or
    CartTooLarge when the cart would hold more gift cards than one order may.
    """
    denomination = GiftCardDenomination.objects.filter(pk=denomination_id, is_active=True).first()
    if denomination is None:
        raise GiftCardDenominationUnavailable()
    held = cart.gift_card_lines.aggregate(n=Sum("quantity"))["n"] or 0
    refusal = cart_size_refusal(courses=0, gift_cards=held + quantity)
    if refusal is not None:
        raise refusal
    if deliver_on is not None and deliver_on <= timezone.localdate():
        deliver_on = None
    return CartGiftCardLine.objects.create(
        cart=cart,
        denomination=denomination,
        quantity=quantity,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        message=message,
        deliver_on=deliver_on,
    )


def cart_remove_gift_card_line(*, cart: Cart, line_id: int) -> None:
    """Take a gift card purchase out of the cart; removing what is not there changes nothing."""
    CartGiftCardLine.objects.filter(cart=cart, pk=line_id).delete()


def cart_apply_gift_card(
    *, cart: Cart, user: Visitor, code: str = "", card_id: int | None = None
) -> GiftCard:
    """Use a gift card to pay for the cart, or raise the GiftCardError saying why not.

    The card is the one with this `code`, or (`card_id`, the cart's one-click "Use") one the
    signed-in customer has claimed: an id names no one else's card. A card claimed into an
    account pays only for that account's cart, and a promotion reward never pays for a cart
    that buys gift cards. A refused card leaves the cart as it was.
    """
    if card_id is not None:
        owner = user.pk if user.is_authenticated else None
        card = GiftCard.objects.filter(pk=card_id, owner_id=owner).first() if owner else None
        if card is None:
            raise GiftCardNotFound()
    else:
        card = gift_card_by_code(code=code)
    if card.owner_id is not None and card.owner_id != getattr(user, "pk", None):
        raise GiftCardClaimedByOther(card.display_code)
    gift_card_check(card=card)
    if card.is_reward and cart.gift_card_lines.exists():
        raise GiftCardRewardNotForGiftCards(card.display_code)
    cart.gift_cards.add(card)
    return card


def cart_remove_gift_card(*, cart: Cart, card_id: int) -> None:
    """Stop using the card on this cart."""
    cart.gift_cards.remove(card_id)


def _record(*, card_id: int, kind: str, amount_cents: int, order: Order | None) -> None:
    balance = GiftCard.objects.filter(pk=card_id).values_list("balance_cents", flat=True).get()
    GiftCardTransaction.objects.create(
        card_id=card_id,
        kind=kind,
        amount_cents=amount_cents,
        balance_after_cents=balance,
        order=order,
    )


def gift_card_redeem(*, card: GiftCard, amount_cents: int, order: Order) -> None:
    """Take `amount_cents` from an active, unexpired, spendable (not pending, not frozen)
    card for the order, or raise GiftCardBalanceTooLow (changing nothing) when the balance
    is no longer there to take."""
    with transaction.atomic():
        # A row lock on PostgreSQL; the conditional UPDATE below is what guarantees it.
        GiftCard.objects.select_for_update().filter(pk=card.pk).first()
        now = timezone.now()
        taken = (
            GiftCard.objects.filter(
                pk=card.pk,
                is_active=True,
                frozen_at__isnull=True,
                balance_cents__gte=amount_cents,
            )
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .filter(Q(pending_until__isnull=True) | Q(pending_until__lte=now))
            .update(balance_cents=F("balance_cents") - amount_cents)
        )
        if not taken:
            raise GiftCardBalanceTooLow(card.display_code)
        _record(
            card_id=card.pk,
            kind=GiftCardTransaction.Kind.REDEEM,
            amount_cents=-amount_cents,
            order=order,
        )


def _credit(*, card_id: int, amount_cents: int, kind: str, order: Order | None) -> None:
    GiftCard.objects.filter(pk=card_id).update(balance_cents=F("balance_cents") + amount_cents)
    _record(card_id=card_id, kind=kind, amount_cents=amount_cents, order=order)


def _held_cents(*, order: Order, card_id: int) -> int:
    """What the order currently holds of the card: its redemptions less what came back."""
    kinds = GiftCardTransaction.Kind
    net = GiftCardTransaction.objects.filter(
        order=order,
        card_id=card_id,
        kind__in=[kinds.REDEEM, kinds.RELEASE, kinds.REFUND_CREDIT],
    ).aggregate(net=Sum("amount_cents"))["net"]
    return -(net or 0)


def gift_cards_release_for_order(*, order: Order, kind: str, withhold_cents: int = 0) -> int:
    """Give back to each card what the order holds of it (released or refund credit), less
    `withhold_cents` kept back from the last cards first; returns the cents given back."""
    given = 0
    for credit in order_card_credits(order=order, withhold_cents=withhold_cents):
        _credit(card_id=credit.card_id, amount_cents=credit.amount_cents, kind=kind, order=order)
        given += credit.amount_cents
    return given


def gift_cards_retake_for_order(*, order: Order) -> None:
    """A payment that succeeds after the order's holds were released takes them again.

    Raises GiftCardBalanceTooLow when a card no longer covers what the order used; run it
    in a transaction (savepoint) so that then nothing stays taken.
    """
    for use in order.gift_card_uses.select_related("card"):
        missing = use.amount_cents - _held_cents(order=order, card_id=use.card_id)
        if missing > 0:
            gift_card_redeem(card=use.card, amount_cents=missing, order=order)


def gift_card_issue(
    *,
    amount_cents: int,
    source: str,
    owner: AbstractBaseUser | None = None,
    recipient_name: str = "",
    recipient_email: str = "",
    message: str = "",
    deliver_on: date | None = None,
    expires_at: datetime | None = None,
    pending_until: datetime | None = None,
    order_line: OrderLine | None = None,
    sequence: int | None = None,
    order: Order | None = None,
    promotion: Promotion | None = None,
) -> GiftCard:
    """Create a card worth `amount_cents` with its "issue" ledger row.

    Cards of an order line (one per `sequence`) and promotion rewards (one per order and
    promotion) are unique in the database, so a repeat returns the existing card.
    """
    with transaction.atomic():
        existing = None
        if order_line is not None:
            existing = GiftCard.objects.filter(order_line=order_line, sequence=sequence).first()
        elif promotion is not None:
            existing = GiftCard.objects.filter(order=order, promotion=promotion).first()
        if existing is not None:
            return existing
        card = GiftCard.objects.create(
            code=new_gift_card_code(),
            initial_cents=amount_cents,
            balance_cents=amount_cents,
            source=source,
            owner=owner,
            claimed_at=timezone.now() if owner else None,
            recipient_name=recipient_name,
            recipient_email=recipient_email,
            message=message,
            deliver_on=deliver_on,
            expires_at=expires_at,
            pending_until=pending_until,
            order_line=order_line,
            sequence=sequence,
            order=order,
            promotion=promotion,
        )
        GiftCardTransaction.objects.create(
            card=card,
            kind=GiftCardTransaction.Kind.ISSUE,
            amount_cents=amount_cents,
            balance_after_cents=amount_cents,
            order=order or (order_line.order if order_line else None),
        )
    return card


def gift_cards_issue_for_line(*, line: OrderLine) -> None:
    """Issue the paid line's cards, one per `sequence`, and schedule their delivery."""
    for sequence in range(line.quantity):
        card = gift_card_issue(
            amount_cents=line.unit_price_cents,
            source=GiftCard.Source.PURCHASE,
            recipient_name=line.recipient_name,
            recipient_email=line.recipient_email,
            message=line.gift_message,
            deliver_on=line.deliver_on,
            order_line=line,
            sequence=sequence,
        )
        gift_card_schedule_delivery(card=card)


def gift_card_void(*, card: GiftCard, order: Order | None = None) -> int:
    """Deactivate the card and void its unspent balance; returns the cents voided."""
    with transaction.atomic():
        GiftCard.objects.select_for_update().filter(pk=card.pk).first()
        balance = GiftCard.objects.filter(pk=card.pk).values_list("balance_cents", flat=True).get()
        GiftCard.objects.filter(pk=card.pk, balance_cents=balance).update(
            balance_cents=0, is_active=False
        )
        if balance:
            _record(
                card_id=card.pk,
                kind=GiftCardTransaction.Kind.VOID,
                amount_cents=-balance,
                order=order,
            )
    card.refresh_from_db()
    return balance


def gift_cards_freeze(*, cards: QuerySet[GiftCard]) -> int:
    """Stop the cards paying (an open dispute on the order that gave them); returns how many."""
    return cards.filter(frozen_at__isnull=True).update(frozen_at=timezone.now())


def gift_cards_unfreeze(*, cards: QuerySet[GiftCard]) -> int:
    """Let frozen cards pay again (the dispute was won); returns how many."""
    return cards.filter(frozen_at__isnull=False).update(frozen_at=None)


def gift_card_claim(*, code: str, user: AbstractBaseUser) -> GiftCard:
    """Claim the card into the user's account (claiming one's own card again is a no-op).

    Raises GiftCardNotFound, GiftCardClaimedByOther, or why the card cannot be used
    (void, expired, empty); nothing changes then.
    """
    card = gift_card_by_code(code=code)
    if card.owner_id == user.pk:
        return card
    if card.owner_id is not None:
        raise GiftCardClaimedByOther(card.display_code)
    gift_card_check(card=card)
    claimed = GiftCard.objects.filter(pk=card.pk, owner__isnull=True).update(
        owner=user, claimed_at=timezone.now()
    )
    if not claimed:
        raise GiftCardClaimedByOther(card.display_code)
    card.refresh_from_db()
    return card


def gift_card_schedule_delivery(*, card: GiftCard) -> None:
    """Email the recipient now, or on the card's delivery date (at 9:00 local time)."""
    if not card.recipient_email:
        return
    if card.deliver_on is None or card.deliver_on <= timezone.localdate():
        transaction.on_commit(lambda: tasks.deliver_gift_card.enqueue(card_id=card.pk))
        return
    at = timezone.make_aware(datetime.combine(card.deliver_on, time(9)))
    tasks.schedule(tasks.deliver_gift_card, at=at, card_id=card.pk)


def gift_card_claim_delivery(*, card_id: int, resend: bool = False) -> bool:
    """Claim the right to send the card's email: True for one sender at a time, and (unless
    resending) only while the card is undelivered; False for a void card. A claim older than
    GIFT_CARD_SEND_CLAIM_MINUTES counts as a crashed sender's and may be taken over."""
    now = timezone.now()
    stale = now - timedelta(minutes=GIFT_CARD_SEND_CLAIM_MINUTES)
    cards = GiftCard.objects.filter(pk=card_id, is_active=True).filter(
        Q(delivery_started_at__isnull=True) | Q(delivery_started_at__lt=stale)
    )
    if not resend:
        cards = cards.filter(delivered_at__isnull=True)
    return bool(cards.update(delivery_started_at=now))


def gift_card_mark_delivered(*, card_id: int, sent: bool) -> None:
    """End a claimed send: a sent email marks the card delivered; a failed one only drops the
    claim, so the card stays undelivered and the next attempt (shop_sweep) sends it."""
    fields = {"delivered_at": timezone.now()} if sent else {}
    GiftCard.objects.filter(pk=card_id).update(delivery_started_at=None, **fields)


def gift_cards_deliver_due(*, today: date | None = None) -> int:
    """Queue the emails of undelivered cards whose delivery date has come; returns how many."""
    today = today or timezone.localdate()
    due = (
        GiftCard.objects.filter(is_active=True, delivered_at__isnull=True)
        .filter(Q(deliver_on__isnull=True) | Q(deliver_on__lte=today))
        .exclude(recipient_email="")
    )
    count = 0
    for card in due:
        tasks.deliver_gift_card.enqueue(card_id=card.pk)
        count += 1
    return count


def gift_cards_expire_due(*, now: datetime | None = None) -> int:
    """Write off the remaining balance of expired cards ("expire" ledger rows); returns how many."""
    now = now or timezone.now()
    count = 0
    for card in GiftCard.objects.filter(expires_at__lte=now, balance_cents__gt=0):
        with transaction.atomic():
            balance = card.balance_cents
            if GiftCard.objects.filter(pk=card.pk, balance_cents=balance).update(balance_cents=0):
                _record(
                    card_id=card.pk,
                    kind=GiftCardTransaction.Kind.EXPIRE,
                    amount_cents=-balance,
                    order=None,
                )
                count += 1
    return count
