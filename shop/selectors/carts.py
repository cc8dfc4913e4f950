"""Carts and their totals. Totals are always computed here from the database; nothing a
browser sends is a price."""

import hashlib
from dataclasses import dataclass, field
from uuid import UUID

from django.conf import settings
from django.db.models import Count, F, Sum

from certificates.selectors import renewal_retake_is_due
from courses.models import CoursePage
from courses.selectors import Visitor, owned_course_ids
from shop.exceptions import (
    CartTooLarge,
    CouponError,
    CouponNotForInstalments,
    InstalmentsCheckedOutAlone,
    InstalmentsNotOffered,
    MembershipCheckedOutAlone,
)
from shop.models import (
    Cart,
    CartGiftCardLine,
    CartLine,
    CartPlanLine,
    Coupon,
    MembershipPlan,
    Promotion,
)
from shop.selectors.coupons import coupon_discount_cents, coupon_refusal
from shop.selectors.gift_cards import GiftCardUse, gift_card_uses_for_cart
from shop.selectors.memberships import plan_first_payment_cents
from shop.selectors.promotions import promotions_earned

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
    row = CartLine.objects.filter(cart=cart, in_instalments=False).aggregate(
        count=Count("pk"), subtotal=Sum("course__price_cents")
    )
    # A course in instalments counts its first instalment (what checkout charges today).
    instalments = CartLine.objects.filter(cart=cart, in_instalments=True).aggregate(
        count=Count("pk"), subtotal=Sum("course__instalment_cents")
    )
    cards = CartGiftCardLine.objects.filter(cart=cart).aggregate(
        count=Sum("quantity"), subtotal=Sum(F("quantity") * F("denomination__amount_cents"))
    )
    plan_line = CartPlanLine.objects.filter(cart=cart).select_related("plan").first()
    plan_cents = plan_first_payment_cents(plan=plan_line.plan) if plan_line else 0
    return CartSummary(
        count=row["count"] + instalments["count"] + (cards["count"] or 0) + (1 if plan_line else 0),
        subtotal_cents=(row["subtotal"] or 0)
        + (instalments["subtotal"] or 0)
        + (cards["subtotal"] or 0)
        + plan_cents,
    )


def cart_size_refusal(*, courses: int, gift_cards: int) -> CartTooLarge | None:
    """Why a cart of this many courses and gift cards (summed quantity) is too large for one
    order (settings.SHOP_CART_MAX_COURSES / SHOP_CART_MAX_GIFT_CARDS), or None."""
    if courses > settings.SHOP_CART_MAX_COURSES:
        return CartTooLarge(what="courses", limit=settings.SHOP_CART_MAX_COURSES)
    if gift_cards > settings.SHOP_CART_MAX_GIFT_CARDS:
        return CartTooLarge(what="gift cards", limit=settings.SHOP_CART_MAX_GIFT_CARDS)
    return None


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
    # A membership plan and what subscribing charges today (0 during a free trial).
    plan: MembershipPlan | None = None
    plan_cents: int = 0
    # A course paid in monthly instalments (also in `courses`): today's charge is its first.
    instalment_course: CoursePage | None = None
    instalments_withdrawn: list[CoursePage] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            len(self.courses)
            + sum(line.quantity for line in self.gift_card_lines)
            + (1 if self.plan else 0)
        )

    @property
    def plan_error(self) -> MembershipCheckedOutAlone | None:
        """Set when a membership shares the cart with anything else (checkout refuses it):
        its payment recurs, the other items' does not."""
        if self.plan is not None and (self.courses or self.gift_card_lines):
            return MembershipCheckedOutAlone()
        return None

    @property
    def instalments_error(self) -> InstalmentsCheckedOutAlone | InstalmentsNotOffered | None:
        """Set when a course in instalments shares the cart with anything else, or its plan
        was withdrawn since it was chosen (checkout refuses both)."""
        if self.instalments_withdrawn:
            return InstalmentsNotOffered(self.instalments_withdrawn[0].title)
        if self.instalment_course is not None and (
            len(self.courses) > 1 or self.gift_card_lines or self.plan
        ):
            return InstalmentsCheckedOutAlone()
        return None

    def line_cents(self, course: CoursePage) -> int:
        """What the course's cart line charges today: its first instalment or its price."""
        if self.instalment_course is not None and course.pk == self.instalment_course.pk:
            return course.instalment_cents
        return course.price_cents

    @property
    def size_error(self) -> CartTooLarge | None:
        """Set when the cart holds more than one order may (checkout refuses it)."""
        return cart_size_refusal(
            courses=len(self.courses),
            gift_cards=sum(line.quantity for line in self.gift_card_lines),
        )

    @property
    def fingerprint(self) -> str:
        """Changes whenever what would be charged changes; equal carts place one order."""
        parts = [f"{c.pk}:{c.price_cents}" for c in self.courses]
        parts += [
            f"gift:{line.pk}:{line.denomination.amount_cents}:{line.quantity}"
            for line in self.gift_card_lines
        ]
        parts += [f"card:{use.card.pk}:{use.amount_cents}" for use in self.gift_card_uses]
        if self.plan is not None:
            parts.append(f"plan:{self.plan.pk}:{self.plan_cents}:{self.plan.price_cents}")
        if (course := self.instalment_course) is not None:
            parts.append(
                f"instalments:{course.pk}:{course.instalment_count}:{course.instalment_cents}"
            )
        parts.append(f"coupon:{self.coupon.pk if self.coupon and not self.coupon_error else ''}")
        parts.append(f"total:{self.total_cents}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def cart_totals(*, cart: Cart | None, user: Visitor) -> CartTotals:
    """Price the cart from the database. An unusable coupon gives no discount and says why."""
    if cart is None:
        return CartTotals(courses=[], subtotal_cents=0, discount_cents=0, total_cents=0)
    lines = list(CartLine.objects.filter(cart=cart).select_related("course", "course__hero_image"))
    courses = [line.course for line in lines]
    chosen = [line.course for line in lines if line.in_instalments]
    instalment_course = next((c for c in chosen if c.offers_instalments), None)
    withdrawn = [course for course in chosen if not course.offers_instalments]
    gift_card_lines = list(
        CartGiftCardLine.objects.filter(cart=cart).select_related("denomination")
    )
    plan_line = CartPlanLine.objects.filter(cart=cart).select_related("plan").first()
    plan = plan_line.plan if plan_line else None
    plan_cents = plan_first_payment_cents(plan=plan) if plan else 0
    courses_cents = sum(course.price_cents for course in courses)
    if instalment_course is not None:
        courses_cents += instalment_course.instalment_cents - instalment_course.price_cents
    subtotal = courses_cents + sum(line.total_cents for line in gift_card_lines) + plan_cents
    discount, coupon_error = 0, None
    if cart.coupon is not None and instalment_course is not None:
        # Decision (docs/decisions.md): no coupon on a payment plan.
        coupon_error = CouponNotForInstalments(cart.coupon.code)
    elif cart.coupon is not None and (courses or plan):
        coupon_error = coupon_refusal(
            coupon=cart.coupon, courses=courses, user=user, cart=cart, plan_cents=plan_cents
        )
        if coupon_error is None:
            discount = coupon_discount_cents(
                coupon=cart.coupon, courses=courses, plan_cents=plan_cents
            )
    # Gift cards pay one-off orders only: a membership's later payments need a card anyway.
    uses = (
        []
        if plan or instalment_course
        else gift_card_uses_for_cart(
            cart=cart, payable_cents=subtotal - discount, holds_gift_cards=bool(gift_card_lines)
        )
    )
    gift_card_cents = sum(use.amount_cents for use in uses)
    rewards_cents = sum(use.amount_cents for use in uses if use.card.is_reward)
    owned = owned_course_ids(user=user) if courses else set()
    return CartTotals(
        courses=courses,
        subtotal_cents=subtotal,
        discount_cents=discount,
        gift_card_cents=gift_card_cents,
        total_cents=subtotal - discount - gift_card_cents,
        coupon=cart.coupon,
        coupon_error=coupon_error,
        owned_ids={
            course.pk
            for course in courses
            if course.pk in owned and not renewal_retake_is_due(user=user, course=course)
        },
        gift_card_lines=gift_card_lines,
        gift_card_uses=uses,
        promotions=[]
        if instalment_course
        else promotions_earned(
            courses=courses, qualifying_cents=courses_cents - discount - rewards_cents
        ),
        plan=plan,
        plan_cents=plan_cents,
        instalment_course=instalment_course,
        instalments_withdrawn=withdrawn,
    )
