"""Reads for the store: carts and their totals, coupon checks, a customer's orders.

Totals are always computed here from the database; nothing a browser sends is a price.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, QuerySet, Sum
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
)
from shop.models import Cart, CartLine, Coupon, CouponRedemption, Order
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
    return CartSummary(count=row["count"], subtotal_cents=row["subtotal"] or 0)


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

    @property
    def count(self) -> int:
        return len(self.courses)

    @property
    def fingerprint(self) -> str:
        """Changes whenever what would be charged changes; equal carts place one order."""
        parts = [f"{c.pk}:{c.price_cents}" for c in self.courses]
        parts.append(f"coupon:{self.coupon.pk if self.coupon and not self.coupon_error else ''}")
        parts.append(f"total:{self.total_cents}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


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
    subtotal = sum(course.price_cents for course in courses)
    discount, coupon_error = 0, None
    if cart.coupon is not None and courses:
        try:
            discount = coupon_discount_cents(coupon=cart.coupon, courses=courses, user=user)
        except CouponError as exc:
            coupon_error = exc
    return CartTotals(
        courses=courses,
        subtotal_cents=subtotal,
        discount_cents=discount,
        total_cents=subtotal - discount,
        coupon=cart.coupon,
        coupon_error=coupon_error,
        owned_ids=owned_course_ids(user=user) & {c.pk for c in courses},
    )


def orders_for(*, user: AbstractBaseUser) -> QuerySet[Order]:
    """A customer's orders, newest first, with their lines."""
    return Order.objects.filter(user=user).prefetch_related("lines")
