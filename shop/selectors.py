"""Reads for the store: carts and their totals, coupon checks, a customer's orders.

Totals are always computed here from the database; nothing a browser sends is a price.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from courses.models import CoursePage
from courses.selectors import Visitor, owned_course_ids
from shop.exceptions import (
    CouponAlreadyUsed,
    CouponError,
    CouponExpired,
    CouponInactive,
    CouponMinimumNotMet,
    CouponNotApplicable,
    CouponNotYetValid,
    CouponUsedUp,
    GiftCardClaimedByOther,
    GiftCardEmpty,
    GiftCardError,
    GiftCardExpired,
    GiftCardNotFound,
    GiftCardVoid,
)
from shop.models import (
    Cart,
    CartGiftCardLine,
    CartLine,
    Coupon,
    CouponRedemption,
    GiftCard,
    GiftCardTransaction,
    Order,
    OrderGiftCard,
    Promotion,
    normalise_gift_card_code,
)
from shop.money import format_money, percent_of

# The cookie that names an anonymous visitor's cart by its random token.
CART_COOKIE = "cart"


def cart_for(*, user: Visitor, token: str | None) -> Cart | None:
    """The user's cart when logged in, else the anonymous cart named by the cookie token."""
    if user.is_authenticated:
        return Cart.objects.filter(user=user).first()
    try:
        token_uuid = UUID(token or "")
    except ValueError:
        return None
    return Cart.objects.filter(token=token_uuid, user__isnull=True).first()


@dataclass(frozen=True)
class CartSummary:
    """What the header mini-cart shows."""

    count: int
    subtotal_cents: int


def cart_summary(*, cart: Cart | None) -> CartSummary:
    """Item count and subtotal in two aggregate numbers (no coupon: the cart page has that)."""
    if cart is None:
        return CartSummary(count=0, subtotal_cents=0)
    row = CartLine.objects.filter(cart=cart).aggregate(
        count=Count("pk"), subtotal=Sum("course__price_cents")
    )
    cards = CartGiftCardLine.objects.filter(cart=cart).aggregate(
        count=Sum("quantity"), subtotal=Sum(F("quantity") * F("denomination__amount_cents"))
    )
    return CartSummary(
        count=row["count"] + (cards["count"] or 0),
        subtotal_cents=(row["subtotal"] or 0) + (cards["subtotal"] or 0),
    )


def coupon_discount_cents(
    *, coupon: Coupon, courses: list[CoursePage], user: Visitor, now: datetime | None = None
) -> int:
    """The discount `coupon` gives on these courses, or the CouponError that says why not.

    The discount never exceeds the subtotal of the courses it applies to. The per-customer
    limit is checked only for a known user (anonymous carts are checked again at checkout).
    """
    now = now or timezone.now()
    code = coupon.code
    if not coupon.is_active:
        raise CouponInactive(code)
    if coupon.starts_at and now < coupon.starts_at:
        raise CouponNotYetValid(
            code, date_format(timezone.localtime(coupon.starts_at), "DATETIME_FORMAT")
        )
    if coupon.ends_at and now >= coupon.ends_at:
        raise CouponExpired(code)
    subtotal = sum(course.price_cents for course in courses)
    if subtotal < coupon.minimum_subtotal_cents:
        raise CouponMinimumNotMet(
            code, format_money(coupon.minimum_subtotal_cents, settings.SITE_CURRENCY)
        )
    eligible_ids = set(coupon.eligible_courses.values_list("pk", flat=True))
    base = sum(
        course.price_cents for course in courses if not eligible_ids or course.pk in eligible_ids
    )
    if eligible_ids and not base:
        raise CouponNotApplicable(code)
    if coupon.max_uses is not None and coupon.redemptions.count() >= coupon.max_uses:
        raise CouponUsedUp(code)
    if (
        coupon.max_uses_per_customer is not None
        and user.is_authenticated
        and CouponRedemption.objects.filter(coupon=coupon, user=user).count()
        >= coupon.max_uses_per_customer
    ):
        raise CouponAlreadyUsed(code)
    if coupon.kind == Coupon.Kind.PERCENT:
        return percent_of(base, coupon.percent_off or 0)
    return min(coupon.amount_off_cents or 0, base)


def gift_card_check(*, card: GiftCard, now: datetime | None = None) -> None:
    """Raise the GiftCardError that says why the card cannot pay now (void, expired, empty)."""
    if not card.is_active:
        raise GiftCardVoid(card.display_code)
    if card.is_expired(now):
        raise GiftCardExpired(card.display_code)
    if card.balance_cents <= 0:
        raise GiftCardEmpty(card.display_code)


def gift_card_by_code(*, code: str) -> GiftCard:
    """The card a customer typed (any case, dashes and spaces ignored), or GiftCardNotFound."""
    card = GiftCard.objects.filter(code=normalise_gift_card_code(code)).first()
    if card is None:
        raise GiftCardNotFound()
    return card


@dataclass(frozen=True)
class GiftCardUse:
    """How much of one applied card pays this cart, or why it cannot."""

    card: GiftCard
    amount_cents: int
    error: GiftCardError | None = None


@dataclass(frozen=True)
class CartTotals:
    """A cart priced now: subtotal - discount - gift card = total, all in cents, never negative."""

    courses: list[CoursePage]
    subtotal_cents: int
    discount_cents: int
    total_cents: int
    coupon: Coupon | None = None
    coupon_error: CouponError | None = None
    gift_card_cents: int = 0
    owned_ids: set[int] = field(default_factory=set)
    gift_card_lines: list[CartGiftCardLine] = field(default_factory=list)
    gift_card_uses: list[GiftCardUse] = field(default_factory=list)
    promotions: list[Promotion] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.courses) + sum(line.quantity for line in self.gift_card_lines)

    @property
    def fingerprint(self) -> str:
        """Changes whenever what would be charged changes; equal carts place one order."""
        parts = [f"{c.pk}:{c.price_cents}" for c in self.courses]
        parts += [
            f"gift:{line.pk}:{line.denomination.amount_cents}:{line.quantity}"
            for line in self.gift_card_lines
        ]
        parts += [f"card:{use.card.pk}:{use.amount_cents}" for use in self.gift_card_uses]
        parts.append(f"coupon:{self.coupon.pk if self.coupon and not self.coupon_error else ''}")
        parts.append(f"total:{self.total_cents}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _gift_card_uses(*, cart: Cart, payable_cents: int) -> list[GiftCardUse]:
    """Applied cards, soonest to expire first, each taking what it can of what is left.

    A card's own pending orders from this cart still hold part of its balance; that part
    counts as available here, since placing the order again releases it first.
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
        except GiftCardError as exc:
            uses.append(GiftCardUse(card=card, amount_cents=0, error=exc))
            continue
        amount = min(card.balance_cents, remaining)
        remaining -= amount
        uses.append(GiftCardUse(card=card, amount_cents=amount))
    return uses


def cart_totals(*, cart: Cart | None, user: Visitor) -> CartTotals:
    """Price the cart from the database. An unusable coupon gives no discount and says why."""
    if cart is None:
        return CartTotals(courses=[], subtotal_cents=0, discount_cents=0, total_cents=0)
    courses = [
        line.course
        for line in CartLine.objects.filter(cart=cart).select_related(
            "course", "course__hero_image"
        )
    ]
    gift_card_lines = list(
        CartGiftCardLine.objects.filter(cart=cart).select_related("denomination")
    )
    subtotal = sum(course.price_cents for course in courses) + sum(
        line.total_cents for line in gift_card_lines
    )
    discount, coupon_error = 0, None
    if cart.coupon is not None and courses:
        try:
            discount = coupon_discount_cents(coupon=cart.coupon, courses=courses, user=user)
        except CouponError as exc:
            coupon_error = exc
    uses = _gift_card_uses(cart=cart, payable_cents=subtotal - discount)
    gift_card_cents = sum(use.amount_cents for use in uses)
    return CartTotals(
        courses=courses,
        subtotal_cents=subtotal,
        discount_cents=discount,
        gift_card_cents=gift_card_cents,
        total_cents=subtotal - discount - gift_card_cents,
        coupon=cart.coupon,
        coupon_error=coupon_error,
        owned_ids=owned_course_ids(user=user) & {c.pk for c in courses},
        gift_card_lines=gift_card_lines,
        gift_card_uses=uses,
        promotions=promotions_earned(courses=courses, subtotal_cents=subtotal - discount),
    )


def orders_for(*, user: AbstractBaseUser) -> QuerySet[Order]:
    """A customer's orders, newest first, with their lines."""
    return Order.objects.filter(user=user).prefetch_related("lines")


# Gift cards and promotions -------------------------------------------------


def gift_cards_for(*, user: AbstractBaseUser) -> QuerySet[GiftCard]:
    """The cards a customer has claimed, newest first, with their ledgers."""
    return GiftCard.objects.filter(owner=user).prefetch_related("transactions__order")


def promotions_running(*, now: datetime | None = None) -> QuerySet[Promotion]:
    """Promotions active and within their window now."""
    now = now or timezone.now()
    return Promotion.objects.filter(is_active=True, starts_at__lte=now, ends_at__gt=now)


def promotion_banner(*, now: datetime | None = None) -> Promotion | None:
    """The running promotion the site-wide banner shows (the most recently started)."""
    return promotions_running(now=now).order_by("-starts_at", "-pk").first()


def promotions_earned(
    *, courses: list[CoursePage], subtotal_cents: int, now: datetime | None = None
) -> list[Promotion]:
    """Running promotions these courses qualify for (an eligible course, the minimum met)."""
    if not courses:
        return []
    return list(
        promotions_running(now=now)
        .filter(
            eligible_courses__in=[c.pk for c in courses],
            minimum_order_cents__lte=subtotal_cents,
        )
        .distinct()
    )


def promotion_for_course(*, course: CoursePage) -> Promotion | None:
    """A running promotion this course is eligible for, for its "earns a gift card" note."""
    return promotions_running().filter(eligible_courses=course).order_by("-starts_at").first()


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
